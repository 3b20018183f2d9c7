internal import CKernels

/// Sorting permutations (`cf_order.h`).
public enum Ordering {
    /// Indices of `x` in ascending order of value (stable); throws for NaN.
    public static func ascending(_ x: [Double]) throws -> [Int] {
        let n = x.count
        var order = [UInt32](repeating: 0, count: n)
        var work = [UInt64](repeating: 0, count: 2 * n)
        var index = [UInt32](repeating: 0, count: n)
        try kernelCheck(cf_order_f64(x, n, &order, &work, &index), "cf_order_f64", "the order of \(n) values")
        return order.map { Int($0) }
    }
}
