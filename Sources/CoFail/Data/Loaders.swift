import Foundation

/// Loads outcome matrices (METHODS §0) from wide CSV, long CSV or JSON Lines.
public struct MatrixLoader: Sendable {
    public var format: InputFormat?
    public var cells: CellParser
    /// Threads that read the rows of a large wide CSV (the result is the same for any value).
    public var threads: Int

    public init(format: InputFormat? = nil, threshold: Double? = nil, threads: Int = 1) {
        self.format = format
        self.cells = CellParser(threshold: threshold)
        self.threads = threads
    }

    /// Loads `path` ("-" for standard input), detecting the format unless one was given:
    /// `.jsonl`/`.ndjson` or a first byte `{` means JSON Lines; a CSV header naming
    /// `query`, `model` and `correct` means long CSV; any other CSV is wide.
    public func load(_ path: String) throws -> RawMatrix {
        try load(ByteInput.read(path))
    }

    public func load(_ input: ByteInput) throws -> RawMatrix {
        let b = input.bytes
        var first = 0
        while first < b.count, b[first] == 0x20 || b[first] == 0x09 || b[first] == 0x0A || b[first] == 0x0D {
            first += 1
        }
        if first == b.count {
            throw CoFailError.data(InputLocation(file: input.name, line: 1), value: nil, message: "input is empty")
        }
        let fmt: InputFormat
        if let format {
            fmt = format
        } else if input.name.hasSuffix(".jsonl") || input.name.hasSuffix(".ndjson") || b[first] == 0x7B {
            fmt = .jsonl
        } else {
            var r = CSVReader(input)
            var fields: [CSVField] = []
            _ = try r.next(into: &fields)
            let names = Set(fields.map { r.string($0).lowercased() })
            fmt = names.isSuperset(of: ["query", "model", "correct"]) ? .long : .wide
        }
        switch fmt {
        case .wide: return try loadWide(input)
        case .long: return try loadLong(input)
        case .jsonl: return try loadJSONL(input)
        }
    }

    /// A `sample` value as an index: an integer in 0..<2³¹, else nil.
    static func sampleIndex(_ v: Double?) -> Int? {
        guard let v, v == v.rounded(), v >= 0, v < 2_147_483_648 else {
            return nil
        }
        return Int(v)
    }

    static let sampleMessage = "sample must be an integer ≥ 0 (the repeated-sample index)"

    enum ConfidenceFailure: Error {
        case notANumber
        case notFinite

        var message: String {
            switch self {
            case .notANumber: return "confidence must be a finite number (empty, NA, null or nan = missing)"
            case .notFinite: return "confidence must be finite (inf and NaN are not confidences; write nan = missing)"
            }
        }
    }

    /// The confidence vocabulary of §0′: a finite real; empty, NA, null, nan (any case) = missing.
    static func confidence(_ text: String) -> Result<Double?, ConfidenceFailure> {
        if text.isEmpty {
            return .success(nil)
        }
        if let v = Double(text) {
            if v.isFinite {
                return .success(v)
            }
            return v.isNaN && text.lowercased() == "nan" ? .success(nil) : .failure(.notFinite)
        }
        switch text.lowercased() {
        case "na", "null": return .success(nil)
        default: return .failure(.notANumber)
        }
    }

    /// A model with no answered query cannot be analysed: reject it, naming where it appears.
    func requireAnswered(_ raw: RawMatrix, location: (Int) -> InputLocation) throws {
        for j in 0..<raw.modelCount where raw.answeredCount(j) == 0 {
            throw CoFailError.data(
                location(j), value: raw.modelNames[j], message: "model has no answered query (every cell is missing)")
        }
    }
}

/// A row whose field count differs from the header's: the column is the first extra field, or
/// the first missing one.
func raggedRow(_ input: ByteInput, line: Int, fields: [CSVField], reader: CSVReader, header: [String]) -> CoFailError {
    if fields.count > header.count {
        let extra = fields[header.count]
        return .data(
            InputLocation(file: input.name, line: line, column: header.count + 1), value: reader.string(extra),
            message: "ragged row: \(fields.count) fields, header has \(header.count)")
    }
    return .data(
        InputLocation(file: input.name, line: line, column: fields.count + 1, columnName: header[fields.count]),
        value: nil, message: "ragged row: \(fields.count) fields, header has \(header.count) (field missing)")
}
