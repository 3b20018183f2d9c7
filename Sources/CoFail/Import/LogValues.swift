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

    /// The score as a number: C/I/N, true/false, yes/no as 1/0; P as ½; numbers and numeric words
    /// as given (NaN included: a missing score). Nil when the value is no score.
    var number: Double? {
        switch self {
        case .bool(let b): return b ? 1 : 0
        case .number(let d): return d
        case .string(let s):
            switch s.lowercased() {
            case "c", "yes", "true": return 1
            case "i", "n", "no", "false": return 0
            case "p": return 0.5
            default: return Double(s)
            }
        case .other: return nil
        }
    }

    /// `number`, or an error at `location` when the value is no score.
    func score(location: InputLocation, query: String) throws -> Double {
        guard let v = number else {
            throw CoFailError.data(
                location, value: text,
                message: "score of \(query) is not a correctness value "
                    + "(C/I/N/P, true/false, yes/no, a number)")
        }
        return v
    }
}

/// How a harness score becomes correctness: without a threshold only 0 and 1 (and the words for
/// them) are scores; with one, every number is compared with it (≥, or ≤ when lower is better;
/// ±∞ compare too). NaN is a missing cell.
public struct Scoring: Sendable, Equatable {
    public var threshold: Double?
    public var lowerIsBetter: Bool

    public init(threshold: Double? = nil, lowerIsBetter: Bool = false) {
        self.threshold = threshold
        self.lowerIsBetter = lowerIsBetter
    }

    /// The cell of a score `v` (or a mean of scores); `text` is what the error shows.
    func cell(_ v: Double, location: InputLocation, query: String, text: String) throws -> CellValue {
        if v.isNaN {
            return .missing
        }
        guard let threshold else {
            if v == 0 || v == 1 {
                return v == 1 ? .correct : .wrong
            }
            throw CoFailError.data(
                location, value: text,
                message: "score of \(query) is neither 0 nor 1", remedy: .threshold)
        }
        return (lowerIsBetter ? v <= threshold : v >= threshold) ? .correct : .wrong
    }
}

/// Whole-document JSON of harness logs (headers, results files), decoded with Codable. Python's
/// `json` writes `NaN`, `Infinity` and `-Infinity`, which are read as numbers. A failure names the
/// file, the part and the JSON path; malformed JSON also its line, column and offending token.
enum LogJSON {
    static func decode<T: Decodable>(_ type: T.Type, what: String, _ data: Data, file: String, part: String) throws -> T
    {
        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true
        do {
            return try decoder.decode(type, from: data)
        } catch let e as DecodingError {
            if case .dataCorrupted(let c) = e, c.codingPath.isEmpty, let at = locate(Array(data)) {
                throw CoFailError.data(
                    InputLocation(file: file, line: at.line, column: at.column, columnName: part), value: at.token,
                    message: "not \(what): malformed JSON (\(at.message))")
            }
            throw CoFailError.data(
                InputLocation(file: file, columnName: part), value: nil, message: "not \(what): \(why(e))")
        }
    }

    /// Where a JSON document (Python tokens allowed) first goes wrong: 1-based line and column, the
    /// token there and what was expected; nil when it parses.
    static func locate(_ b: [UInt8]) -> (line: Int, column: Int, token: String, message: String)? {
        var p = 0
        func skipSpace() {
            while p < b.count, b[p] == 0x20 || b[p] == 0x09 || b[p] == 0x0A || b[p] == 0x0D {
                p += 1
            }
        }
        var failure: JSONLineParser.Failure?
        skipSpace()
        do {
            if p < b.count, b[p] == UInt8(ascii: "{") || b[p] == UInt8(ascii: "[") {
                try JSONLineParser.skipNested(b, &p, b.count, 0, depth: 0, python: true)
            } else {
                _ = try JSONLineParser.scalar(b, &p, b.count, 0, python: true)
            }
            skipSpace()
            if p < b.count {
                failure = JSONLineParser.Failure(column: p + 1, message: "text after the document")
            }
        } catch let f as JSONLineParser.Failure {
            failure = f
        } catch {
            return nil
        }
        guard let failure else {
            return nil
        }
        let offset = min(failure.column - 1, b.count)
        var line = 1
        var lineStart = 0
        for k in 0..<offset where b[k] == 0x0A {
            line += 1
            lineStart = k + 1
        }
        var end = offset
        while end < b.count, end - offset < 24, !b[end].isJSONDelimiter {
            end += 1
        }
        let token = offset < b.count ? String(decoding: b[offset..<max(end, offset + 1)], as: UTF8.self) : "end of file"
        return (line, offset - lineStart + 1, token, failure.message)
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

extension UInt8 {
    /// Space, comma, colon or a bracket: where a JSON token ends.
    fileprivate var isJSONDelimiter: Bool {
        self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0D || self == UInt8(ascii: ",")
            || self == UInt8(ascii: ":") || self == UInt8(ascii: "}") || self == UInt8(ascii: "]")
    }
}

/// Scores of harness samples keyed by (model, query) in first-seen order. Each score carries its
/// sample index (an Inspect epoch, an lm-eval run, a HELM trial): without a policy every
/// (model, query, sample) must be unique and the matrix keeps the samples (commands read sample 0);
/// with a policy all scores of a (model, query) — samples and repeated logs — combine into one cell.
struct ScoreTable {
    struct Score {
        let value: ScoreValue
        let sample: Int
        let cost: Double?
        let location: InputLocation
    }

    struct Entry {
        let model: String
        let query: String
        let type: String
        var scores: [Score]
    }

    let repeats: RepeatPolicy?
    let scoring: Scoring
    private(set) var entries: [Entry] = []
    private var index: [String: Int] = [:]
    /// The prompt of each query, the first one read (METHODS §16.2).
    private(set) var texts: [String: String] = [:]
    /// Since `begin()`: the entry count then, the older entries given another score since, and the
    /// queries given a text since.
    private var mark: (entries: Int, extended: [Int], texts: [String])?

    init(repeats: RepeatPolicy?, scoring: Scoring) {
        self.repeats = repeats
        self.scoring = scoring
    }

    /// Adds one sample's score and, when known, the dollar cost of that call. A second score of a
    /// (model, query, sample) needs a repeat policy.
    mutating func add(
        model: String, query: String, type: String, value: ScoreValue, sample: Int = 0, cost: Double? = nil,
        at location: InputLocation
    ) throws {
        let score = Score(value: value, sample: sample, cost: cost, location: location)
        let key = model + "\u{0}" + query
        guard let k = index[key] else {
            index[key] = entries.count
            entries.append(Entry(model: model, query: query, type: type, scores: [score]))
            return
        }
        if repeats == nil, let same = entries[k].scores.first(where: { $0.sample == sample }) {
            let where_ = same.location.description
            throw CoFailError.data(
                location, value: query,
                message: "model '\(model)' already has sample \(sample) of this query at \(where_) (the same "
                    + "log read twice, or two runs)", remedy: .aggregate)
        }
        entries[k].scores.append(score)
        mark?.extended.append(k)
    }

    /// Records the prompt of `query` unless it has one.
    mutating func text(_ text: String, query: String) {
        if texts[query] == nil {
            texts[query] = text
            mark?.texts.append(query)
        }
    }

    /// Starts what `rollback()` takes back: the scores of one log file or run.
    mutating func begin() {
        mark = (entries.count, [], [])
    }

    /// Takes back every score added since `begin()` (a file that failed halfway, skipped as
    /// invalid), in time proportional to what it added.
    mutating func rollback() {
        guard let m = mark else {
            return
        }
        for k in m.extended.reversed() where k < m.entries {
            entries[k].scores.removeLast()
        }
        for e in entries[m.entries...] {
            index[e.model + "\u{0}" + e.query] = nil
        }
        entries.removeSubrange(m.entries...)
        for q in m.texts {
            texts[q] = nil
        }
        mark = nil
    }

    /// One cell from several scores under the policy.
    func combine(_ e: Entry, _ policy: RepeatPolicy) throws -> CellValue {
        switch policy {
        case .first:
            let s = e.scores[0]
            return try scoring.cell(
                try s.value.score(location: s.location, query: e.query), location: s.location, query: e.query,
                text: s.value.text)
        case .majority:
            var yes = 0
            var count = 0
            for s in e.scores {
                let v = try s.value.score(location: s.location, query: e.query)
                let cell = try scoring.cell(v, location: s.location, query: e.query, text: s.value.text)
                if cell != .missing {
                    count += 1
                    yes += cell == .correct ? 1 : 0
                }
            }
            return count == 0 ? .missing : (2 * yes > count ? .correct : .wrong)
        case .mean:
            var sum = 0.0
            var count = 0
            for s in e.scores {
                let v = try s.value.score(location: s.location, query: e.query)
                if !v.isNaN {
                    sum += v
                    count += 1
                }
            }
            guard count > 0 else {
                return .missing
            }
            let mean = sum / Double(count)
            return try scoring.cell(
                mean, location: e.scores[0].location, query: e.query, text: "mean \(mean) of \(count) samples")
        }
    }

    /// The mean cost of scores (one call each), or nil when any has none.
    static func meanCost(_ scores: [Score]) -> Double? {
        var sum = 0.0
        for s in scores {
            guard let c = s.cost else {
                return nil
            }
            sum += c
        }
        return sum / Double(scores.count)
    }

    /// Every cell in first-seen order, as the long loader's records (query, model, correct, cost,
    /// type and, when any score has a sample index above 0 and no policy combines them, sample).
    func matrix(file: String) throws -> RawMatrix {
        var sink = MatrixLoader.RecordSink(file: file)
        let keepSamples = repeats == nil && entries.contains { $0.scores.contains { $0.sample > 0 } }
        var record = 0
        var several = 0
        var most = 1
        for e in entries {
            let q = sink.query(e.query, line: record + 1)
            let m = sink.model(e.model, line: record + 1)
            most = max(most, e.scores.count)
            several += e.scores.count > 1 ? 1 : 0
            if let repeats {
                var extras = MatrixLoader.Extras()
                extras.type = e.type
                extras.cost = ScoreTable.meanCost(e.scores)
                record += 1
                try sink.add(
                    q: q, i: m, value: try combine(e, repeats), extras: extras, line: record, column: (nil, "correct"))
                continue
            }
            for s in e.scores {
                var extras = MatrixLoader.Extras()
                extras.type = e.type
                extras.cost = s.cost
                extras.sample = keepSamples ? s.sample : nil
                let value = try scoring.cell(
                    try s.value.score(location: s.location, query: e.query), location: s.location, query: e.query,
                    text: s.value.text)
                record += 1
                try sink.add(q: q, i: m, value: value, extras: extras, line: record, column: (nil, "correct"))
            }
        }
        var raw = try sink.finish(format: .long, ignored: [])
        if let repeats, several > 0 {
            raw.sampleReading = SampleReading(policy: repeats, maxSamples: most, cellsWithSeveral: several)
        }
        raw.queryTexts = texts
        return raw
    }
}

/// Dollars per million tokens of one model: input, output and, when the price table has them,
/// cache reads and writes (otherwise those are priced as input tokens).
public struct TokenPrice: Sendable, Equatable {
    public var input: Double
    public var output: Double
    public var cacheRead: Double?
    public var cacheWrite: Double?

    public init(input: Double, output: Double, cacheRead: Double? = nil, cacheWrite: Double? = nil) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
    }
}

/// The tokens of one or more calls of one model.
struct TokenUsage {
    var input: Double?
    var output: Double?
    var cacheRead = 0.0
    var cacheWrite = 0.0
}

/// Dollars per million tokens, per model: the cost of logged calls.
public enum TokenPrices {
    /// The cost of calls with this usage, or nil without a count; a count that is negative or not
    /// finite is an error at `location`. A model without a price is added to `unpriced`.
    static func cost(
        _ prices: [String: TokenPrice], model: String, usage u: TokenUsage, unpriced: inout Set<String>,
        at location: InputLocation
    ) throws -> Double? {
        guard let input = u.input, let output = u.output else {
            return nil
        }
        for v in [input, output, u.cacheRead, u.cacheWrite] where !(v.isFinite && v >= 0) {
            throw CoFailError.data(
                location, value: "\(input), \(output), \(u.cacheRead), \(u.cacheWrite)",
                message: "token counts must be non-negative numbers")
        }
        guard let p = prices[model] else {
            unpriced.insert(model)
            return nil
        }
        let read = (p.cacheRead ?? p.input) * u.cacheRead
        let write = (p.cacheWrite ?? p.input) * u.cacheWrite
        return (p.input * input + p.output * output + read + write) / 1e6
    }

    /// Reads a price table: CSV `model,price_in,price_out[,price_cache_read][,price_cache_write]` in
    /// dollars per million tokens.
    public static func load(_ path: String) throws -> [String: TokenPrice] {
        var table = try SideTable(path, empty: "prices are empty")
        let (input, headerLine, header) = (table.input, table.headerLine, table.header)
        let optional: Set<String> = ["price_cache_read", "price_cache_write"]
        guard header.count >= 3, Array(header.prefix(3)) == ["model", "price_in", "price_out"],
            header.dropFirst(3).allSatisfy(optional.contains), Set(header).count == header.count
        else {
            throw CoFailError.data(
                InputLocation(file: input.name, line: headerLine), value: header.joined(separator: ","),
                message: "the price header must be model,price_in,price_out[,price_cache_read][,price_cache_write] "
                    + "(dollars per million tokens)")
        }
        var out: [String: TokenPrice] = [:]
        while let (line, values) = try table.next() {
            var v: [Double?] = []
            for c in 1..<header.count {
                let text = values[c]
                if c >= 3 && text.isEmpty {
                    v.append(nil)
                    continue
                }
                guard let d = Double(text), d.isFinite, d >= 0 else {
                    throw CoFailError.data(
                        InputLocation(file: input.name, line: line, column: c + 1, columnName: header[c]), value: text,
                        message: "price must be a non-negative number of dollars per million tokens")
                }
                v.append(d)
            }
            var price = TokenPrice(input: v[0]!, output: v[1]!)
            for (c, name) in header.enumerated().dropFirst(3) {
                if name == "price_cache_read" {
                    price.cacheRead = v[c - 1]
                } else {
                    price.cacheWrite = v[c - 1]
                }
            }
            out[values[0]] = price
        }
        return out
    }

    /// Whether `prices` prices cache reads and writes, in words for the import's notes.
    static func cacheNote(_ prices: [String: TokenPrice]) -> String {
        let both = prices.values.allSatisfy { $0.cacheRead != nil && $0.cacheWrite != nil }
        return both
            ? "cache reads and writes priced by price_cache_read and price_cache_write"
            : "cache reads and writes without price_cache_read/price_cache_write priced as input tokens"
    }
}

/// What every importer is asked: the correctness rule, repeats, filters and prices.
public struct ImportOptions: Sendable {
    public var scoring = Scoring()
    /// How several samples of a query combine (nil: keep them as samples).
    public var repeats: RepeatPolicy?
    /// Import what is valid; list each skipped file or run with its reason.
    public var skipInvalid = false
    /// Only these tasks (lm-eval tasks, Inspect tasks, HELM scenarios or run names); nil: all.
    public var tasks: [String]?
    public var prices: [String: TokenPrice] = [:]
    /// Read each query's prompt (for `--texts-out`).
    public var texts = false

    public init() {}

    func wants(_ task: String, run: String? = nil) -> Bool {
        guard let tasks else {
            return true
        }
        return tasks.contains(task) || run.map(tasks.contains) == true
    }
}

/// What one import run noticed: lines for the user, skipped inputs, models without a price.
struct ImportLog {
    let options: ImportOptions
    let note: (String) -> Void
    var skipped: [SkippedInput] = []
    var unpriced = Set<String>()

    /// Handles the failure of one file or run: under `skipInvalid` a data error skips it (listed)
    /// instead of ending the import; anything else is rethrown.
    mutating func skip(_ path: String, _ error: Error) throws {
        guard options.skipInvalid, let e = error as? CoFailError, case .data = e else {
            throw error
        }
        skipped.append(SkippedInput(path: path, reason: e.description))
        note("skipped \(path): \(e.description)")
    }

    /// The matrix of `table`, after the checks every import shares: something was read, and a
    /// price table prices every model it met.
    func finish(_ table: ScoreTable, file: String, empty: String) throws -> RawMatrix {
        guard !table.entries.isEmpty else {
            let why = skipped.isEmpty ? empty : empty + " (\(skipped.count) skipped as invalid)"
            throw CoFailError.data(
                InputLocation(file: file), value: nil, message: why, remedy: options.tasks == nil ? nil : .task)
        }
        if !options.prices.isEmpty && !unpriced.isEmpty {
            throw CoFailError.data(
                InputLocation(file: file, columnName: "model"), value: unpriced.sorted().joined(separator: ", "),
                message: "the price table has no price for \(unpriced.count) model(s) whose calls were logged: "
                    + "add them", remedy: .prices)
        }
        if !options.prices.isEmpty {
            note(TokenPrices.cacheNote(options.prices))
        }
        var raw = try table.matrix(file: file)
        raw.skippedInputs = skipped
        return raw
    }
}

/// Finding a harness's log files.
enum LogFiles {
    /// The regular files named by `paths`: a file as given; a folder by the files in it (and, when
    /// `recursive`, below it) whose name satisfies `matches`, sorted. Symbolic links are followed
    /// to regular files only; FIFOs, devices, sockets and folders that match a name are refused or
    /// passed over, so a hostile name cannot hang or exhaust the reader. A file named twice (or
    /// through a link) is read once. None at all is an error naming `what` and listing what the
    /// folders held (`why` says why a file was not taken).
    static func find(
        _ paths: [String], recursive: Bool, what: String, matches: (String) -> Bool,
        why: (String) -> String = { _ in "not a log file name" }
    ) throws -> [String] {
        var out: [String] = []
        var seen = Set<String>()
        var passed: [String] = []
        func take(_ p: String) {
            let real = (p as NSString).resolvingSymlinksInPath
            if seen.insert(real).inserted {
                out.append(p)
            }
        }
        for p in paths {
            guard let kind = fileKind(p) else {
                throw CoFailError.unreadable(path: p, reason: "no such file or directory")
            }
            switch kind {
            case .typeRegular:
                take(p)
                continue
            case .typeDirectory:
                break
            default:
                throw CoFailError.unreadable(path: p, reason: "not a regular file or a directory (\(kind.rawValue))")
            }
            let names =
                recursive
                ? (FileManager.default.enumerator(atPath: p)?.allObjects as? [String]) ?? []
                : try FileManager.default.contentsOfDirectory(atPath: p)
            for name in names.sorted() {
                let full = (p as NSString).appendingPathComponent(name)
                let base = (name as NSString).lastPathComponent
                let k = fileKind(full)
                if k == .typeDirectory {
                    continue
                }
                guard matches(base) else {
                    passed.append("\(name): \(why(base))")
                    continue
                }
                guard k == .typeRegular else {
                    passed.append("\(name): not a regular file (\(k?.rawValue ?? "unreadable"))")
                    continue
                }
                take(full)
            }
        }
        if out.isEmpty {
            let shown = passed.prefix(20).joined(separator: "; ") + (passed.count > 20 ? "; …" : "")
            throw CoFailError.unreadable(
                path: paths.joined(separator: " "),
                reason: "no \(what) found" + (passed.isEmpty ? " (the folders are empty)" : "; seen: \(shown)"))
        }
        return out
    }

    /// The type of the file a path names (links followed), or nil when it does not exist.
    static func fileKind(_ path: String) -> FileAttributeType? {
        guard let attrs = try? FileManager.default.attributesOfItem(atPath: (path as NSString).resolvingSymlinksInPath)
        else {
            return nil
        }
        return attrs[.type] as? FileAttributeType
    }
}
