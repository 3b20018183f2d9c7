/// Average-linkage (UPGMA) hierarchical clustering, used to order a correlation heat map so that
/// blocks of co-failing models sit together.
public enum Clustering {
    /// Leaf order of the average-linkage tree over the symmetric n × n `distance` (row-major):
    /// clusters merge at the smallest mean pairwise distance (ties: lowest indices), and each
    /// merge puts the cluster holding the smaller first leaf on the left. O(n³) time, O(n²) memory.
    public static func averageLinkageOrder(distance: [Double], n: Int) -> [Int] {
        precondition(distance.count == n * n)
        var d = distance
        var size = [Double](repeating: 1, count: n)
        var members = (0..<n).map { [$0] }
        var active = Array(0..<n)
        while active.count > 1 {
            var best = (a: active[0], b: active[1], v: Double.infinity)
            for x in 0..<active.count {
                for y in (x + 1)..<active.count {
                    let (a, b) = (active[x], active[y])
                    let v = d[a * n + b]
                    if v < best.v {
                        best = (a, b, v)
                    }
                }
            }
            let (a, b) = (best.a, best.b)
            // Merge b into a: the new cluster's mean distance to every other cluster.
            for c in active where c != a && c != b {
                let v = (size[a] * d[a * n + c] + size[b] * d[b * n + c]) / (size[a] + size[b])
                d[a * n + c] = v
                d[c * n + a] = v
            }
            members[a] = members[a][0] < members[b][0] ? members[a] + members[b] : members[b] + members[a]
            size[a] += size[b]
            active.removeAll { $0 == b }
        }
        return members[active[0]]
    }
}
