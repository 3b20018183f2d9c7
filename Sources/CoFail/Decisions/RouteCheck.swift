/// A policy's cost and value recomputed query by query from its weights (the report's policy
/// cost, and the tests' check that the policy spends at most B and attains V(B)).
public enum RouteCheck {
    public static func policyCostAndValue(
        _ d: RouteData, frontier f: RouteFrontier, policy p: RoutePolicy
    ) -> (cost: Double, value: Double) {
        let typeOf: [Int32]
        switch f.partition {
        case .none: typeOf = Array(repeating: 0, count: d.n)
        case .type: typeOf = d.types!.index
        case .query: typeOf = (0..<d.n).map { Int32($0) }
        }
        var weight = [[(model: Int, w: Double)]](repeating: [], count: f.typeCount)
        for r in p.routes {
            weight[r.type].append((r.model, r.weight))
        }
        var cost = CompensatedSum()
        var value = CompensatedSum()
        let nd = Double(d.n)
        for q in 0..<d.n {
            for (i, w) in weight[Int(typeOf[q])] {
                cost.add(w * d.costs.cost(query: q, model: i) / nd)
                if !d.matrix.isError(query: q, model: i) {
                    value.add(w / nd)
                }
            }
        }
        return (cost.value, value.value)
    }
}
