import Foundation

/// A per-sample score as evaluation harnesses log it: a boolean, a number or a word.
enum ScoreValue: Decodable, Equatable {
    case bool(Bool)
    case number(Double)
    case string(String)
    case other

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else {
            self = .other
        }
    }

    init(_ scalar: JSONScalar) {
        switch scalar {
        case .bool(let b): self = .bool(b)
        case .number(let d): self = .number(d)
        case .string(let s): self = .string(s)
        case .null: self = .other
        }
    }

    var text: String {
        switch self {
        case .bool(let b): return b ? "true" : "false"
        case .number(let d): return "\(d)"
        case .string(let s): return s
        case .other: return "(null, an object or an array)"
        }
    }

    /// The score as a number in [0, 1]: C/I/N, true/false, yes/no, 0/1 exactly; P as ½;
    /// numbers and numeric words as given. Nil when the value is no score.
    var fraction: Double? {
        switch self {
        case .bool(let b): return b ? 1 : 0
        case .number(let d): return d.isFinite && d >= 0 && d <= 1 ? d : nil
        case .string(let s):
            switch s.lowercased() {
            case "c", "yes", "true": return 1
            case "i", "n", "no", "false": return 0
            case "p": return 0.5
            default:
                guard let d = Double(s), d.isFinite, d >= 0, d <= 1 else {
                    return nil
                }
                return d
            }
        case .other: return nil
        }
    }

    /// Correctness of one score: 0 and 1 are themselves; a fraction needs `threshold`
    /// (fraction ≥ threshold is correct). Anything else is an error at `location`.
    func correct(threshold: Double?, location: InputLocation, query: String) throws -> Bool {
        try ScoreValue.correct(
            fraction: score(location: location, query: query), threshold: threshold, location: location,
            query: query, text: text)
    }

    /// `fraction`, or an error at `location` when the value is no score.
    func score(location: InputLocation, query: String) throws -> Double {
        guard let f = fraction else {
            throw CoFailError.data(
                location, value: text,
                message: "score of \(query) is not a correctness value "
                    + "(C/I/N/P, true/false, yes/no, a number in [0, 1])")
        }
        return f
    }

    /// Correctness of a fraction in [0, 1] (a score, or the mean of a document's repeated samples).
    static func correct(
        fraction f: Double, threshold: Double?, location: InputLocation, query: String, text: String
    ) throws -> Bool {
        if f == 0 || f == 1 {
            return f == 1
        }
        guard let threshold else {
            throw CoFailError.data(
                location, value: text,
                message: "fractional score for \(query): give --threshold T (score ≥ T counts as correct)")
        }
        return f >= threshold
    }
}

/// Whole-document JSON of harness logs (headers, results files), decoded with Codable; a
/// failure names the file, the part and the JSON path.
enum LogJSON {
    static func decode<T: Decodable>(_ type: T.Type, what: String, _ data: Data, file: String, part: String) throws -> T
    {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let e as DecodingError {
            throw CoFailError.data(
                InputLocation(file: file, columnName: part), value: nil, message: "not \(what): \(why(e))")
        }
    }

    /// A decoding error in words: the JSON path and what was wrong.
    static func why(_ e: DecodingError) -> String {
        func path(_ c: [CodingKey]) -> String {
            c.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
        }
        switch e {
        case .dataCorrupted(let c): return "malformed JSON \(path(c.codingPath)) (\(c.debugDescription))"
        case .keyNotFound(let k, let c): return "missing key '\(k.stringValue)' at \(path(c.codingPath))"
        case .typeMismatch(_, let c): return "wrong type at \(path(c.codingPath)): \(c.debugDescription)"
        case .valueNotFound(_, let c): return "null at \(path(c.codingPath))"
        @unknown default: return "\(e)"
        }
    }
}

/// How several samples of one (model, query) become one cell: harnesses log repeats (the same
/// document scored again, HELM's train trials). Without a policy a repeat is an error.
public enum RepeatPolicy: String, Sendable, CaseIterable {
    /// The first sample in reading order.
    case first
    /// The mean score, then the correctness rule (a fraction needs a threshold).
    case mean
    /// Correct when more than half the samples are correct; a tie counts as wrong.
    case majority
}

/// Scores of harness samples keyed by (model, query) in first-seen order, reduced to cells by a
/// `RepeatPolicy`, then written into the long loader's record sink with their types.
struct ScoreTable {
    struct Entry {
        let model: String
        let query: String
        let type: String
        let location: InputLocation
        var scores: [(value: ScoreValue, location: InputLocation)]
        var costs: [Double?]

        /// The mean cost of the samples (one call each), or nil when any sample has none.
        var cost: Double? {
            var sum = 0.0
            for c in costs {
                guard let c else {
                    return nil
                }
                sum += c
            }
            return sum / Double(costs.count)
        }
    }

    let repeats: RepeatPolicy?
    let threshold: Double?
    private(set) var entries: [Entry] = []
    private var index: [String: Int] = [:]

    init(repeats: RepeatPolicy?, threshold: Double?) {
        self.repeats = repeats
        self.threshold = threshold
    }

    /// Adds one sample's score and, when known, the dollar cost of that call; a second sample of
    /// a (model, query) needs a repeat policy.
    mutating func add(
        model: String, query: String, type: String, value: ScoreValue, cost: Double? = nil, at location: InputLocation
    ) throws {
        let key = model + "\u{0}" + query
        if let k = index[key] {
            guard repeats != nil else {
                throw CoFailError.data(
                    location, value: query,
                    message: "model '\(model)' already has a sample of this query at \(entries[k].location); "
                        + "repeated samples need --aggregate first|mean|majority")
            }
            entries[k].scores.append((value, location))
            entries[k].costs.append(cost)
            return
        }
        index[key] = entries.count
        entries.append(
            Entry(
                model: model, query: query, type: type, location: location, scores: [(value, location)], costs: [cost]))
    }

    /// Whether one entry is correct under the threshold and the repeat policy.
    func correct(_ e: Entry) throws -> Bool {
        switch repeats ?? .first {
        case .first:
            return try e.scores[0].value.correct(threshold: threshold, location: e.scores[0].location, query: e.query)
        case .majority:
            var yes = 0
            for s in e.scores where try s.value.correct(threshold: threshold, location: s.location, query: e.query) {
                yes += 1
            }
            return 2 * yes > e.scores.count
        case .mean:
            var sum = 0.0
            for s in e.scores {
                sum += try s.value.score(location: s.location, query: e.query)
            }
            let mean = sum / Double(e.scores.count)
            return try ScoreValue.correct(
                fraction: mean, threshold: threshold, location: e.location, query: e.query,
                text: "mean \(mean) of \(e.scores.count) samples")
        }
    }

    /// Every cell in first-seen order, as the long loader's records (query, model, correct, cost, type).
    func matrix(file: String) throws -> RawMatrix {
        var sink = MatrixLoader.RecordSink(file: file)
        for (record, e) in entries.enumerated() {
            let ok = try correct(e)
            var extras = MatrixLoader.Extras()
            extras.type = e.type
            extras.cost = e.cost
            let q = sink.query(e.query, line: record + 1)
            let m = sink.model(e.model, line: record + 1)
            try sink.add(
                q: q, i: m, value: ok ? .correct : .wrong, extras: extras, line: record + 1, column: (nil, "correct"))
        }
        return try sink.finish(format: .long, ignored: [])
    }
}

/// Dollars per million input and output tokens, per model: the cost of one logged call.
public enum TokenPrices {
    /// The cost of a call with these token counts, or nil without a price or a count; a count
    /// that is negative or not finite is an error at `location`.
    static func cost(
        _ prices: [String: (input: Double, output: Double)], model: String, input: Double?, output: Double?,
        at location: InputLocation
    ) throws -> Double? {
        guard let p = prices[model], let input, let output else {
            return nil
        }
        guard input.isFinite, input >= 0, output.isFinite, output >= 0 else {
            throw CoFailError.data(
                location, value: "\(input), \(output)", message: "token counts must be non-negative numbers")
        }
        return (p.input * input + p.output * output) / 1e6
    }

    /// Reads a price table: CSV `model,price_in,price_out` in dollars per million tokens.
    public static func load(_ path: String) throws -> [String: (input: Double, output: Double)] {
        var table = try SideTable(path, empty: "prices are empty")
        let (input, headerLine, header) = (table.input, table.headerLine, table.header)
        guard header == ["model", "price_in", "price_out"] else {
            throw CoFailError.data(
                InputLocation(file: input.name, line: headerLine), value: header.joined(separator: ","),
                message: "the price header must be model,price_in,price_out (dollars per million tokens)")
        }
        var out: [String: (input: Double, output: Double)] = [:]
        while let (line, values) = try table.next() {
            var v: [Double] = []
            for c in 1...2 {
                let text = values[c]
                guard let d = Double(text), d.isFinite, d >= 0 else {
                    throw CoFailError.data(
                        InputLocation(file: input.name, line: line, column: c + 1, columnName: header[c]), value: text,
                        message: "price must be a non-negative number of dollars per million tokens")
                }
                v.append(d)
            }
            out[values[0]] = (v[0], v[1])
        }
        return out
    }
}

/// Finding a harness's log files.
enum LogFiles {
    /// The files named by `paths`: a file as given; a folder by the files in it (and, when
    /// `recursive`, below it) whose name satisfies `matches`, sorted. None at all is an error
    /// naming `what`.
    static func find(_ paths: [String], recursive: Bool, what: String, matches: (String) -> Bool) throws -> [String] {
        var out: [String] = []
        for p in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir) else {
                throw CoFailError.unreadable(path: p, reason: "no such file or directory")
            }
            guard isDir.boolValue else {
                out.append(p)
                continue
            }
            let names =
                recursive
                ? (FileManager.default.enumerator(atPath: p)?.allObjects as? [String]) ?? []
                : try FileManager.default.contentsOfDirectory(atPath: p)
            out += names.filter { matches(($0 as NSString).lastPathComponent) }.sorted().map {
                (p as NSString).appendingPathComponent($0)
            }
        }
        if out.isEmpty {
            throw CoFailError.unreadable(path: paths.joined(separator: " "), reason: "no \(what) found")
        }
        return out
    }
}
