/// Mid-ranks: 1-based ranks in ascending order, ties sharing the mean of their positions.
public enum MidRanks {
    /// The mid-rank of each value, given an ascending order of the indices (ties adjacent).
    public static func of(_ v: [Double], ascendingOrder order: [Int]) -> [Double] {
        precondition(order.count == v.count)
        var r = [Double](repeating: 0, count: v.count)
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count, v[order[end]] == v[order[start]] {
                end += 1
            }
            // positions start+1 … end (1-based)
            let mid = Double(start + 1 + end) / 2
            for k in start..<end {
                r[order[k]] = mid
            }
            start = end
        }
        return r
    }

    /// The mid-rank of each value (NaN-free input).
    public static func of(_ v: [Double]) -> [Double] {
        of(v, ascendingOrder: v.indices.sorted { v[$0] < v[$1] })
    }
}
