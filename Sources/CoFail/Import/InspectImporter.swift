import Foundation
import ZIPFoundation

/// Reads Inspect AI evaluation logs — the JSON log format (`version` 2) and the `.eval` container
/// (a zip archive of `header.json` and one `samples/<id>_epoch_<n>.json` per sample, read with
/// ZIPFoundation) — into correctness records: query = `task/sample id` (with `/epoch N` when the
/// log has several epochs), model = the log's model, correct = the named scorer's value, cost
/// from token usage and a price table, type = the task.
public struct InspectImporter: Sendable {
    /// Scorer whose value is the correctness (default: the log's first scorer).
    public var scorer: String?
    /// Fractional scores ≥ this count as correct (without it they are rejected).
    public var threshold: Double?
    /// Dollars per million input and output tokens, per model.
    public var prices: [String: (input: Double, output: Double)] = [:]

    public init(scorer: String? = nil, threshold: Double? = nil) {
        self.scorer = scorer
        self.threshold = threshold
    }

    struct Log: Decodable {
        struct Eval: Decodable {
            let task: String
            let model: String
        }
        struct Usage: Decodable {
            let input_tokens: Int?
            let output_tokens: Int?
        }
        struct Output: Decodable {
            let usage: Usage?
        }
        struct Score: Decodable {
            let value: Value
        }
        enum Value: Decodable {
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

            var text: String {
                switch self {
                case .bool(let b): return b ? "true" : "false"
                case .number(let d): return "\(d)"
                case .string(let s): return s
                case .other: return "(an object or array)"
                }
            }
        }
        struct SampleID: Decodable {
            let text: String
            init(from decoder: Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let i = try? c.decode(Int.self) {
                    text = String(i)
                } else {
                    text = try c.decode(String.self)
                }
            }
        }
        struct Sample: Decodable {
            let id: SampleID
            let epoch: Int?
            let scores: [String: Score]?
            let output: Output?
        }
        struct Results: Decodable {
            struct Scorer: Decodable {
                let name: String
            }
            let scores: [Scorer]?
        }
        let status: String?
        let eval: Eval
        let results: Results?
        let samples: [Sample]?
    }

    /// The log files named by `paths`: files as given, directories by their `*.json` entries (sorted).
    public static func expand(_ paths: [String]) throws -> [String] {
        var out: [String] = []
        for p in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir) else {
                throw CoFailError.unreadable(path: p, reason: "no such file or directory")
            }
            if isDir.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: p).filter {
                    $0.hasSuffix(".json") || $0.hasSuffix(".eval")
                }
                out += names.sorted().map { (p as NSString).appendingPathComponent($0) }
            } else {
                out.append(p)
            }
        }
        if out.isEmpty {
            throw CoFailError.unreadable(
                path: paths.joined(separator: " "), reason: "no Inspect .json or .eval log found")
        }
        return out
    }

    /// Reads every log and returns the long-format matrix (`query,model,correct,cost,type`).
    public func load(_ paths: [String]) throws -> RawMatrix {
        // Records go straight into the long loader's sink; the import checks what the sink
        // would otherwise report by line (a sample twice for one model), naming the files.
        var sink = MatrixLoader.RecordSink(file: paths.joined(separator: " "))
        var record = 0
        var seen: [String: String] = [:]
        for path in try InspectImporter.expand(paths) {
            let (log, samples) =
                try path.hasSuffix(".eval") ? InspectImporter.readEval(path) : InspectImporter.readJSON(path)
            guard !samples.isEmpty else {
                throw CoFailError.data(
                    InputLocation(file: path, columnName: "samples"), value: log.status,
                    message: "the log has no samples (status \(log.status ?? "unknown"))")
            }
            guard let name = scorer ?? log.results?.scores?.first?.name ?? samples.first?.scores?.keys.sorted().first
            else {
                throw CoFailError.data(
                    InputLocation(file: path, columnName: "scores"), value: nil, message: "no scorer")
            }
            let epochs = Set(samples.map { $0.epoch ?? 1 }).count > 1
            let price = prices[log.eval.model]
            for s in samples {
                let query = "\(log.eval.task)/\(s.id.text)" + (epochs ? "/epoch \(s.epoch ?? 1)" : "")
                let key = query + "\u{0}" + log.eval.model
                if let other = seen[key] {
                    throw CoFailError.data(
                        InputLocation(file: path, columnName: "samples"), value: query,
                        message: "model '\(log.eval.model)' already has this sample in \(other)")
                }
                seen[key] = path
                guard let score = s.scores?[name] else {
                    throw CoFailError.data(
                        InputLocation(file: path, columnName: "scores.\(name)"), value: query,
                        message: "sample has no score '\(name)' (scorers: "
                            + (s.scores?.keys.sorted().joined(separator: ", ") ?? "none") + ")")
                }
                let cell = try correctness(score.value, file: path, query: query, scorer: name)
                var extras = MatrixLoader.Extras()
                extras.type = log.eval.task
                if let price, let u = s.output?.usage, let i = u.input_tokens, let o = u.output_tokens {
                    extras.cost = (price.input * Double(i) + price.output * Double(o)) / 1e6
                }
                record += 1
                let q = sink.query(query, line: record)
                let m = sink.model(log.eval.model, line: record)
                try sink.add(
                    q: q, i: m, value: cell == "1" ? .correct : .wrong, extras: extras, line: record,
                    column: (nil, "correct"))
            }
        }
        return try sink.finish(format: .long, ignored: [])
    }

    static func decode<T: Decodable>(_ type: T.Type, _ data: Data, file: String, part: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let e as DecodingError {
            throw CoFailError.data(
                InputLocation(file: file, columnName: part), value: nil,
                message: "not an Inspect log: \(InspectImporter.why(e))")
        }
    }

    static func readJSON(_ path: String) throws -> (Log, [Log.Sample]) {
        let input = try ByteInput.read(path)
        let log = try decode(Log.self, Data(input.bytes), file: path, part: "log")
        return (log, log.samples ?? [])
    }

    /// The `.eval` container: the log's header, then every `samples/*.json` entry in path order.
    static func readEval(_ path: String) throws -> (Log, [Log.Sample]) {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw CoFailError.data(InputLocation(file: path), value: nil, message: "not a zip archive (\(error))")
        }
        func read(_ entry: Entry) throws -> Data {
            var data = Data()
            do {
                _ = try archive.extract(entry) { data.append($0) }
            } catch {
                throw CoFailError.data(
                    InputLocation(file: path, columnName: entry.path), value: nil,
                    message: "unreadable archive entry (\(error))")
            }
            return data
        }
        guard let header = archive["header.json"] else {
            throw CoFailError.data(
                InputLocation(file: path, columnName: "header.json"), value: nil,
                message: "the .eval archive has no header.json")
        }
        let log = try decode(Log.self, try read(header), file: path, part: "header.json")
        let entries = archive.filter { $0.path.hasPrefix("samples/") && $0.path.hasSuffix(".json") }
        let samples = try entries.sorted { $0.path < $1.path }.map { e in
            try decode(Log.Sample.self, try read(e), file: path, part: e.path)
        }
        return (log, samples)
    }

    /// Inspect's value vocabulary: C/I/N, true/false, yes/no, 1/0; P and fractions need a threshold.
    func correctness(_ v: Log.Value, file: String, query: String, scorer: String) throws -> String {
        var fraction: Double?
        switch v {
        case .bool(let b): return b ? "1" : "0"
        case .number(let d): fraction = d
        case .string(let s):
            switch s.lowercased() {
            case "c", "yes", "true": return "1"
            case "i", "n", "no", "false": return "0"
            case "p": fraction = 0.5
            default: fraction = Double(s)
            }
        case .other: break
        }
        if let f = fraction, f.isFinite, f >= 0, f <= 1 {
            if f == 1 || f == 0 {
                return f == 1 ? "1" : "0"
            }
            if let threshold {
                return f >= threshold ? "1" : "0"
            }
            throw CoFailError.data(
                InputLocation(file: file, columnName: "scores.\(scorer).value"), value: v.text,
                message: "fractional score for \(query): give --threshold T (score ≥ T counts as correct)")
        }
        throw CoFailError.data(
            InputLocation(file: file, columnName: "scores.\(scorer).value"), value: v.text,
            message: "score of \(query) is not a correctness value (C/I/N/P, true/false, yes/no, a number in [0, 1])")
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

    /// Reads a price table: CSV `model,price_in,price_out` in dollars per million tokens.
    public static func loadPrices(_ path: String) throws -> [String: (input: Double, output: Double)] {
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
