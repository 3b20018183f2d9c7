/// Input formats of METHODS §0.
public enum InputFormat: String, Sendable, CaseIterable, Codable {
    case wide, long, jsonl
}

/// An outcome matrix as loaded: every query and model of the input, with missing cells.
/// Columns are bit-packed: bit q of `correct[i]` is 1 when model i answered query q correctly,
/// bit q of `answered[i]` is 1 when the cell is not missing.
public struct RawMatrix: Sendable {
    public var source: String
    public var format: InputFormat
    public var queryIDs: [String]
    public var modelNames: [String]
    /// Family per model from the records (long/JSONL `family` field), nil when not given.
    public var families: [String?]
    /// Per-cell cost in dollars (METHODS §0′), model-major `costs[i][q]`, NaN where a record gave
    /// none; nil when the input has no cost field.
    public var costs: [[Double]]?
    /// The type of each query (§0′), nil when the input has no type field.
    public var queryTypes: [String]?
    /// Per-cell confidence (§0′), model-major, NaN where missing; nil when the input has none.
    public var confidences: [[Double]]?
    /// Columns of the input that cofail does not use (reported, not silently dropped).
    public var ignoredColumns: [String]
    /// Every record of an input with a `sample` field (METHODS §18.1); the cells above are then
    /// sample 0, or the samples combined when `sampleReading` names a policy.
    public var samples: SampleRecords? = nil
    /// How the cells were read from repeated samples; nil when the input has none.
    public var sampleReading: SampleReading? = nil
    /// Log files or runs an import skipped as invalid (`--skip-invalid`), with the reason.
    public var skippedInputs: [SkippedInput] = []
    /// The prompt of each query an importer read (METHODS §16.2), by query id.
    public var queryTexts: [String: String] = [:]
    var correct: [[UInt64]]
    var answered: [[UInt64]]

    public var queryCount: Int { queryIDs.count }
    public var modelCount: Int { modelNames.count }
    var words: Int { (queryIDs.count + 63) / 64 }

    /// The column of each named model, in the order given.
    /// - Throws: `CoFailError.invalidParameter` (`models`) for an unknown or repeated name.
    public func indices(of names: [String]) throws -> [Int] {
        try NameIndex.positions(of: names, in: modelNames, parameter: "models")
    }

    /// Number of queries model i answered.
    public func answeredCount(_ i: Int) -> Int { answered[i].reduce(0) { $0 + $1.nonzeroBitCount } }
    /// Number of non-missing cells in the whole matrix and the number missing.
    public var missingCells: Int {
        (0..<modelCount).reduce(0) { $0 + queryCount - answeredCount($1) }
    }
}

/// A log file or run an import left out as invalid (`skipInvalid`), and why.
public struct SkippedInput: Sendable, Equatable {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}
