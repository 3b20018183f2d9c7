import Foundation
import Numerics
import Testing
@testable import CoFail

/// `cofail route` (METHODS §12, §14.2): V(B) and λ(B) against the LP solved by
/// scipy.optimize.linprog (HiGHS) in scripts/goldens/route_scipy.py, plus the properties of §12.
@Suite struct RouteTests {
    nonisolated(unsafe) static let golden: [String: Any] = {
        let url = URL(fileURLWithPath: testsDirectory).appendingPathComponent(
            "Goldens/route.json")
        return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }()

    static func goldenPath(_ name: String) -> String {
        URL(fileURLWithPath: testsDirectory).appendingPathComponent("Goldens/\(name)").path
    }

    /// Loads a long matrix with costs (and types) through the loader and the coverage policy.
    static func data(_ path: String) throws -> RouteData {
        let raw = try MatrixLoader().load(path)
        let (x, cov) = try raw.applyCoverage(.complete)
        return try RouteData(
            matrix: x, costs: CellCosts.select(raw, cov, modelCosts: nil)!, types: QueryTypes.select(raw, cov))
    }

    static func data(text: String) throws -> RouteData {
        try data(tempFile(text))
    }

    @Test(arguments: ["hand", "synthetic"])
    func frontierMatchesTheLinearProgramme(_ name: String) throws {
        let d = try RouteTests.data(RouteTests.goldenPath("route_\(name).csv"))
        let cases = RouteTests.golden[name] as! [String: Any]
        for p in RoutePartition.allCases {
            let g = cases[p.rawValue] as! [String: Any]
            let f = try RouteFrontier(d, partition: p)
            let rel = { (a: Double, b: Double) in abs(a - b) <= 1e-12 * max(abs(b), 1e-300) }
            #expect(rel(f.budgetMin, g["budget_min"] as! Double) || f.budgetMin == 0, "\(name) \(p) budget_min")
            #expect(rel(f.oracleCost, g["oracle_cost"] as! Double), "\(name) \(p) oracle_cost")
            #expect(rel(f.oracleValue, g["oracle_value"] as! Double), "\(name) \(p) oracle_value")
            for point in g["points"] as! [[String: Any]] {
                let b = point["budget"] as! Double
                let v = f.value(at: b)
                let lam = f.shadowPrices(at: b)
                guard let expected = point["value"] as? Double else {
                    #expect(v.value == nil && lam.left.value == nil && lam.right.value == nil)
                    continue
                }
                #expect(
                    v.value!.isApproximatelyEqual(to: expected, absoluteTolerance: 1e-12 * expected),
                    "\(name) \(p) V(\(b))")
                let dual = point["lambda"] as! Double
                // HiGHS's duals are accurate to its dual feasibility tolerance (1e-10), relative here.
                #expect(
                    lam.left.value!.isApproximatelyEqual(to: dual, absoluteTolerance: 1e-9 * max(dual, 1)),
                    "\(name) \(p) λ⁻(\(b))")
                #expect(
                    lam.right.value!.isApproximatelyEqual(to: dual, absoluteTolerance: 1e-9 * max(dual, 1)),
                    "\(name) \(p) λ⁺(\(b))")
            }
        }
    }

    @Test func frontiersAreConcaveOrderedAndPoliciesAttainThem() throws {
        let d = try RouteTests.data(RouteTests.goldenPath("route_synthetic.csv"))
        let r = try RouteAnalysis(d, options: RouteOptions())
        let byName = Dictionary(uniqueKeysWithValues: r.frontiers.map { ($0.partition, $0) })
        let (none, type, query) = (byName[.none]!, byName[.type]!, byName[.query]!)
        #expect(none.budgetMin >= type.budgetMin && type.budgetMin >= query.budgetMin)
        let grid = (0...400).map { Double($0) / 400 * 1.2 * none.oracleCost }
        for f in r.frontiers {
            #expect(f.slopes.indices.dropFirst().allSatisfy { f.slopes[$0] < f.slopes[$0 - 1] })
            #expect(f.slopes.allSatisfy { $0 > 0 })
            let vs = grid.compactMap { f.value(at: $0).value }
            #expect(zip(vs, vs.dropFirst()).allSatisfy { $0 <= $1 + 1e-15 }, "\(f.partition) non-decreasing")
            for b in grid where b >= f.budgetMin {
                let p = f.policy(at: b)!
                let (cost, value) = RouteCheck.policyCostAndValue(d, frontier: f, policy: p)
                #expect(cost <= b * (1 + 1e-12) + 1e-15, "\(f.partition) policy spends at most B")
                #expect(
                    value.isApproximatelyEqual(to: f.value(at: b).value!, absoluteTolerance: 1e-12),
                    "\(f.partition) policy attains V(B)")
                #expect(p.fractionalTypes <= 1)
            }
        }
        // Concavity: the midpoint value is at least the chord.
        for f in r.frontiers {
            for k in 0..<(grid.count - 2) where grid[k] >= f.budgetMin {
                let (a, c) = (f.value(at: grid[k]).value!, f.value(at: grid[k + 2]).value!)
                #expect(f.value(at: grid[k + 1]).value! >= (a + c) / 2 - 1e-14)
            }
        }
        for b in grid where b >= none.budgetMin {
            let (vn, vt, vq) = (none.value(at: b).value!, type.value(at: b).value!, query.value(at: b).value!)
            #expect(vn <= vt + 1e-14 && vt <= vq + 1e-14, "V_none ≤ V_type ≤ V_query at \(b)")
        }
        let certificate = try Certificate(d.matrix, options: CertificateOptions())
        #expect(query.oracleValue == certificate.oracleAccuracy)
        #expect(r.oracleAccuracy == certificate.oracleAccuracy)
    }

    @Test func aRouterGivenTheOracleRoutesCapturesTheWholeGain() throws {
        let d = try RouteTests.data(RouteTests.goldenPath("route_synthetic.csv"))
        let r = try RouteAnalysis(d, options: RouteOptions())
        let query = r.frontiers.first { $0.partition == .query }!
        let oracle = query.policy(at: query.oracleCost)!.routes.map(\.model)
        let e = RouterEvaluation(d, routes: oracle, frontiers: r.frontiers)
        #expect(e.capturedShare.value == 1)
        #expect(e.cost.isApproximatelyEqual(to: query.oracleCost, absoluteTolerance: 1e-15))
        #expect(
            e.frontierRegrets.first { $0.partition == .query }!.value.value!.isApproximatelyEqual(
                to: 0, absoluteTolerance: 1e-15))
        let best = RouterEvaluation(d, routes: Array(repeating: r.best, count: d.n), frontiers: r.frontiers)
        #expect(best.capturedShare.value == 0 && best.shareRoutedToBest == 1)
    }

    @Test func edgeCases() throws {
        // A free model, ties in cost and quality, a type nobody solves.
        let d = try RouteTests.data(
            text: """
                query,model,correct,cost,type
                q1,a,1,0,x
                q1,b,1,0,x
                q1,c,1,1,x
                q2,a,0,0,y
                q2,b,0,0,y
                q2,c,0,1,y
                """)
        let t = try RouteFrontier(d, partition: .type)
        #expect(t.budgetMin == 0 && t.oracleCost == 0 && t.vertexCount == 1)
        #expect(t.oracleValue == 0.5)
        #expect(t.shadowPrices(at: 0).right.value == 0 && t.shadowPrices(at: 0).left.value == nil)
        #expect(t.minCostPerCorrect.value.value == 0)
        let p = t.policy(at: 0)!
        #expect(p.routes.map(\.model) == [0, 0], "ties: the first model in input order represents the point")
        #expect(t.uniformlyBest == [0, 1, 2])
        // Nobody right anywhere: oracle value 0, dollars per correct undefined.
        let never = try RouteTests.data(text: "query,model,correct,cost\nq1,a,0,1\nq1,b,0,2\n")
        let f = try RouteFrontier(never, partition: .query)
        #expect(f.oracleValue == 0 && f.vertexCount == 1 && f.oracleCost == 1)
        #expect(f.minCostPerCorrect.value.value == nil)
        #expect(f.value(at: 0.5).value == nil)
        // Collinear hull points are not vertices.
        let line = try RouteTests.data(
            text: "query,model,correct,cost\nq1,a,0,1\nq1,b,0,2\nq1,c,1,3\nq2,a,0,1\nq2,b,1,2\nq2,c,1,3\n")
        let n = try RouteFrontier(line, partition: .none)
        #expect(n.vertexCount == 2)
        #expect(n.values == [0, 1] && n.budgets == [1, 3])
        let partial = try RouteTests.data(
            text: "query,model,correct,cost\nq1,a,0,1\nq1,b,1,3\nq2,a,0,1\nq2,b,1,2\nq3,a,0,1\nq3,b,1,2\n")
        #expect(try RouteFrontier(partial, partition: .none).vertexCount == 2)
    }

    @Test func typeRouterFoldsAreHonest() throws {
        let d = try RouteTests.data(RouteTests.goldenPath("route_synthetic.csv"))
        let r = try RouteAnalysis(d, options: RouteOptions())
        let type = r.frontiers.first { $0.partition == .type }!
        let b = (type.budgetMin + type.oracleCost) / 2
        let t = try TypeRouter(d, policyBudget: b, folds: 5, seed: 7, frontiers: r.frontiers)
        #expect(t.perFold.map(\.testQueries).reduce(0, +) == d.n)
        #expect(Set(t.foldAssignment.map { $0 }).count == 5)
        // Out of fold, the router cannot beat the in-sample per-query oracle at its own cost.
        #expect(t.pooled.frontierRegrets.first { $0.partition == .query }!.value.value! >= 0)
        // The training policy is rounded to the cheaper model of its mixing type: within the budget.
        #expect(t.perFold.allSatisfy { $0.budgetMet && $0.trainCost <= b })
    }
}
