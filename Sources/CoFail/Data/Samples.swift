import Foundation

/// How several samples of one (query, model) cell become one cell (METHODS §18.1): harnesses log
/// repeats (Inspect epochs, lm-eval runs into one folder, HELM train trials), and long inputs may
/// carry a `sample` column. Without a policy, commands read sample 0.
public enum RepeatPolicy: String, Sendable, CaseIterable, Codable {
    /// The lowest sample index (importers: the first sample in reading order).
    case first
    /// The mean score, then the correctness rule (a fraction needs a threshold).
    case mean
    /// Correct when more than half the samples are correct; a tie counts as wrong.
    case majority
}

/// Every record of an input with repeated samples, in input order.
public struct SampleRecords: Sendable {
    public struct Record: Sendable, Equatable {
        public internal(set) var query: Int32
        public internal(set) var model: Int32
        public internal(set) var sample: Int32
        public internal(set) var value: CellValue
        /// Dollars of this call; NaN when not given.
        public internal(set) var cost: Double
        /// NaN when not given.
        public internal(set) var confidence: Double
    }

    public internal(set) var records: [Record]

    /// The most samples any one cell has, and the number of cells with more than one (one pass).
    public var counts: (maxSamples: Int, cellsWithSeveral: Int) {
        var count: [SIMD2<Int32>: Int] = [:]
        for r in records {
            count[SIMD2(r.query, r.model), default: 0] += 1
        }
        return (count.values.max() ?? 0, count.values.filter { $0 > 1 }.count)
    }

    /// The most samples any one cell has.
    public var maxSamples: Int { counts.maxSamples }
}

/// What a report says about repeated samples: which were read, and how many there were.
public struct SampleReading: Sendable, Equatable {
    /// nil: sample 0 only.
    public internal(set) var policy: RepeatPolicy?
    public internal(set) var maxSamples: Int
    public internal(set) var cellsWithSeveral: Int

    public init(policy: RepeatPolicy?, maxSamples: Int, cellsWithSeveral: Int) {
        self.policy = policy
        self.maxSamples = maxSamples
        self.cellsWithSeveral = cellsWithSeveral
    }

    init(policy: RepeatPolicy?, samples: SampleRecords) {
        let c = samples.counts
        self.init(policy: policy, maxSamples: c.maxSamples, cellsWithSeveral: c.cellsWithSeveral)
    }

    /// "sample 0", "first", "mean" or "majority".
    public var read: String { policy?.rawValue ?? "sample 0" }

    public var summary: String {
        let how =
            policy == nil
            ? "sample 0 of each cell (a policy first, mean or majority combines them)"
            : "the samples combined by \(policy!.rawValue)"
        return "up to \(maxSamples) samples a cell (\(cellsWithSeveral) cells with several); read: \(how)"
    }
}

extension RawMatrix {
    /// The matrix read with `policy` over its repeated samples (METHODS §18.1): nil keeps sample 0
    /// (the loaded cells); `first` takes the lowest sample index, `majority` is correct when more
    /// than half the non-missing samples are, `mean` is correct when the mean correctness is 1, wrong
    /// when 0, and otherwise needs `threshold` (mean ≥ threshold). A cell's cost and confidence
    /// become the mean over its samples that give one. A matrix without samples is returned as is.
    /// - Throws: `CoFailError.data` for a fractional mean without a threshold.
    public func readingSamples(_ policy: RepeatPolicy?, threshold: Double?) throws -> RawMatrix {
        guard let policy, let samples else {
            return self
        }
        var groups: [SIMD2<Int32>: [SampleRecords.Record]] = [:]
        for r in samples.records {
            groups[SIMD2(r.query, r.model), default: []].append(r)
        }
        var out = self
        out.sampleReading = SampleReading(policy: policy, samples: samples)
        for (cell, records) in groups {
            let q = Int(cell.x)
            let i = Int(cell.y)
            let sorted = records.sorted { $0.sample < $1.sample }
            let value = try RawMatrix.combine(
                sorted, policy, threshold: threshold,
                at: InputLocation(file: source, columnName: "sample"), what: "\(queryIDs[q]), \(modelNames[i])")
            out.set(q: q, i: i, value)
            func mean(_ values: [Double]) -> Double {
                let given = values.filter { !$0.isNaN }
                return given.isEmpty ? .nan : given.reduce(0, +) / Double(given.count)
            }
            if out.costs != nil {
                out.costs![i][q] = policy == .first ? sorted[0].cost : mean(sorted.map(\.cost))
            }
            if out.confidences != nil {
                out.confidences![i][q] = policy == .first ? sorted[0].confidence : mean(sorted.map(\.confidence))
            }
        }
        return out
    }

    /// One cell from its samples (sorted by index) under `policy`.
    static func combine(
        _ sorted: [SampleRecords.Record], _ policy: RepeatPolicy, threshold: Double?, at: InputLocation, what: String
    ) throws -> CellValue {
        if policy == .first {
            return sorted[0].value
        }
        var yes = 0
        var count = 0
        for r in sorted where r.value != .missing {
            count += 1
            yes += r.value == .correct ? 1 : 0
        }
        guard count > 0 else {
            return .missing
        }
        if policy == .majority {
            return 2 * yes > count ? .correct : .wrong
        }
        if yes == 0 || yes == count {
            return yes == count ? .correct : .wrong
        }
        let mean = Double(yes) / Double(count)
        guard let threshold else {
            throw CoFailError.data(
                at, value: what,
                message: "the mean correctness \(mean) of \(count) samples is fractional (a threshold decides it, "
                    + "or the majority policy)", remedy: .threshold)
        }
        return mean >= threshold ? .correct : .wrong
    }

    /// Sets cell (q, i) to `value`.
    mutating func set(q: Int, i: Int, _ value: CellValue) {
        let w = q >> 6
        let bit = UInt64(1) << UInt64(q & 63)
        correct[i][w] &= ~bit
        answered[i][w] &= ~bit
        if value != .missing {
            answered[i][w] |= bit
        }
        if value == .correct {
            correct[i][w] |= bit
        }
    }
}
