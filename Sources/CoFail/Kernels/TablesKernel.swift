internal import CKernels

/// Popcount tables over bit-packed columns (`cf_tables.h`): column c of `bits` occupies words
/// c·words ..< (c+1)·words, bit q set when the model erred on query q, padding bits zero.
enum BitTables {
    /// Set bits of column `column`.
    static func popcount(_ bits: [UInt64], column: Int, words: Int) -> Int {
        bits.withUnsafeBufferPointer { b in
            Int(cf_tables_popcount(b.baseAddress! + column * words, words))
        }
    }

    /// Set bits of column `column` that are not set in `mask`.
    static func popcount(_ bits: [UInt64], column: Int, words: Int, excluding mask: [UInt64]) -> Int {
        bits.withUnsafeBufferPointer { b in
            Int(cf_tables_popcount_andnot(b.baseAddress! + column * words, mask, words))
        }
    }

    /// The m × m Gram matrix of error counts: [i][j] = both wrong, [i][i] = errors of i.
    static func gram(_ bits: [UInt64], words: Int, models m: Int, threads: Int) throws -> [Int64] {
        var g = [Int64](repeating: 0, count: m * m)
        try bits.withUnsafeBufferPointer { b in
            try kernelCheck(cf_tables_gram(b.baseAddress, words, m, max(1, threads), &g), "cf_tables_gram")
        }
        return g
    }

    /// The AND of the listed columns (all when `columns` is nil): its popcount, and the mask.
    static func intersection(
        _ bits: [UInt64], words: Int, models m: Int, columns: [Int]? = nil,
        wantMask: Bool = false
    ) throws -> (count: Int, mask: [UInt64]) {
        var mask = [UInt64](repeating: 0, count: wantMask ? words : 0)
        var k: Int64 = 0
        let cols = columns ?? []
        try bits.withUnsafeBufferPointer { b in
            try mask.withUnsafeMutableBufferPointer { out in
                let status = cf_tables_all_wrong(
                    b.baseAddress, words, m, columns == nil ? nil : cols, cols.count,
                    wantMask ? out.baseAddress : nil, &k)
                try kernelCheck(status, "cf_tables_all_wrong")
            }
        }
        return (Int(k), mask)
    }

    /// Bit columns copied query by query: what a resample gathers from (one load per query and
    /// 64 models instead of one per query and model).
    struct Rows: Sendable {
        let bits: [UInt64]
        let queries: Int
        let models: Int
    }

    /// The rows of `models` columns over `queries` queries.
    static func rows(_ bits: [UInt64], words: Int, models m: Int, queries n: Int) throws -> Rows {
        var out = [UInt64](repeating: 0, count: n * ((m + 63) / 64))
        try bits.withUnsafeBufferPointer { b in
            try kernelCheck(cf_tables_rows(b.baseAddress, words, m, n, &out), "cf_tables_rows")
        }
        return Rows(bits: out, queries: n, models: m)
    }

    /// Columns resampled at the given query indices (bootstrap): new bit j = old bit idx[j].
    static func gather(_ rows: Rows, indices: [UInt32]) throws -> [UInt64] {
        let w = (indices.count + 63) / 64
        var out = [UInt64](repeating: 0, count: rows.models * w)
        try rows.bits.withUnsafeBufferPointer { b in
            let status = cf_tables_gather_rows(b.baseAddress, rows.queries, rows.models, indices, indices.count, &out)
            try kernelCheck(status, "cf_tables_gather_rows")
        }
        return out
    }

    /// Gram matrix of a column subset restricted to the queries of `mask`.
    static func gram(_ bits: [UInt64], words: Int, columns: [Int], mask: [UInt64]) throws -> [Int64] {
        let k = columns.count
        var g = [Int64](repeating: 0, count: k * k)
        try bits.withUnsafeBufferPointer { b in
            try kernelCheck(cf_tables_gram_subset(b.baseAddress, words, columns, k, mask, &g), "cf_tables_gram_subset")
        }
        return g
    }

    /// Sums of r, φ and the co-error n11/n over the pairs a < b whose r is defined, and their
    /// count, in the lane order of `MeanAccumulator` (`cf_tables_pair_means`).
    static func pairMeans(
        r: [Double], phi: [Double], gram: [Int64], models m: Int, queries n: Int
    ) throws -> (r: Double, phi: Double, coError: Double, count: Int) {
        guard m >= 2 else {
            return (0, 0, 0, 0)
        }
        var sums = [0.0, 0.0, 0.0]
        var count: Int64 = 0
        try kernelCheck(cf_tables_pair_means(r, phi, gram, m, Int64(n), &sums, &count), "cf_tables_pair_means")
        return (sums[0], sums[1], sums[2], Int(count))
    }

    /// Sum and count of the non-NaN r[a][b], a < b, over `columns` of an m × m matrix, in the
    /// lane order of `MeanAccumulator` (bit for bit the sum over the subset's own fits).
    static func pairSum(_ r: [Double], models m: Int, columns: [Int]) throws -> (sum: Double, count: Int) {
        var sum = 0.0
        var count: Int64 = 0
        try kernelCheck(cf_tables_pair_sum(r, m, columns, columns.count, &sum, &count), "cf_tables_pair_sum")
        return (sum, Int(count))
    }
}

/// The popcount tables of an outcome matrix's error columns.
extension OutcomeMatrix {
    /// Errors of model i.
    public func errorCount(_ i: Int) -> Int {
        BitTables.popcount(errors, column: i, words: words)
    }

    /// The m × m Gram matrix of error counts (METHODS §2 tables): [i][j] = both wrong,
    /// [i][i] = errors of i.
    public func gram(threads: Int = 1) throws -> [Int64] {
        try BitTables.gram(errors, words: words, models: m, threads: threads)
    }

    /// k: the number of queries every model got wrong.
    public func allWrong() throws -> Int {
        try BitTables.intersection(errors, words: words, models: m).count
    }

    /// The errors query by query, for `resampled`: made once per engine.
    func queryRows() throws -> BitTables.Rows {
        try BitTables.rows(errors, words: words, models: m, queries: n)
    }

    /// The matrix with its queries resampled at `indices` (a bootstrap replicate), gathered from
    /// this matrix's `queryRows()`.
    func resampled(_ indices: [UInt32], rows: BitTables.Rows) throws -> OutcomeMatrix {
        precondition(rows.queries == n && rows.models == m, "rows of another matrix")
        let bits = try BitTables.gather(rows, indices: indices)
        return OutcomeMatrix(
            modelNames: modelNames, queryIDs: Array(repeating: "", count: indices.count),
            families: families, errors: bits)
    }
}
