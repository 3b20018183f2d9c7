import Foundation
import ZIPFoundation

/// Reads Inspect AI evaluation logs — the JSON log format (`version` 2) and the `.eval` container
/// (a zip archive of `header.json` and one `samples/<id>_epoch_<n>.json` per sample, read with
/// ZIPFoundation) — into correctness records: query = `task/sample id`, sample = epoch − 1 (epochs
/// are repeated samples of one query, METHODS §18.1), model = the log's model, correct = the named
/// scorer's value, cost from the token usage of every model call of the sample (`model_usage`)
/// and a price table, type = the task.
public struct InspectImporter: Sendable {
    /// Scorer whose value is the correctness (default: the log's first scorer).
    public var scorer: String?
    /// Scoring, repeats, `--skip-invalid`, task filter, prices.
    public var options: ImportOptions

    /// The largest uncompressed entry of a `.eval` archive read, and the largest compression ratio:
    /// beyond either the archive is refused (a zip bomb must not exhaust memory).
    public static let maxEntryBytes = 1 << 30
    public static let maxCompressionRatio = 1000

    public init(scorer: String? = nil, options: ImportOptions = ImportOptions()) {
        self.scorer = scorer
        self.options = options
    }

    struct Log: Decodable {
        struct Eval: Decodable {
            let task: String
            let model: String
        }
        struct Usage: Decodable {
            let input_tokens: Double?
            let output_tokens: Double?
            let input_tokens_cache_read: Double?
            let input_tokens_cache_write: Double?
        }
        struct Output: Decodable {
            let usage: Usage?
        }
        struct Score: Decodable {
            let value: ScoreValue
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
        /// A sample's input: a string, or chat messages whose string contents (or text parts) are
        /// joined by a newline.
        struct Input: Decodable {
            struct Message: Decodable {
                struct Part: Decodable {
                    let text: String?
                }
                let content: Content?
            }
            enum Content: Decodable {
                case text(String)
                case parts([Message.Part])
                init(from decoder: Decoder) throws {
                    let c = try decoder.singleValueContainer()
                    if let s = try? c.decode(String.self) {
                        self = .text(s)
                    } else {
                        self = .parts((try? c.decode([Message.Part].self)) ?? [])
                    }
                }
                var text: String {
                    switch self {
                    case .text(let s): return s
                    case .parts(let p): return p.compactMap(\.text).joined(separator: "\n")
                    }
                }
            }
            let text: String
            init(from decoder: Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let s = try? c.decode(String.self) {
                    text = s
                } else {
                    let messages = (try? c.decode([Message].self)) ?? []
                    text = messages.compactMap { $0.content?.text }.joined(separator: "\n")
                }
            }
        }
        struct Sample: Decodable {
            let id: SampleID
            let input: Input?
            let epoch: Int?
            let scores: [String: Score]?
            let output: Output?
            let model_usage: [String: Usage]?
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

    /// The log files named by `paths`: files as given, directories by the `*.json` and `*.eval`
    /// files in and below them (sorted).
    public static func expand(_ paths: [String]) throws -> [String] {
        try LogFiles.find(paths, recursive: true, what: "Inspect .json or .eval log") {
            $0.hasSuffix(".json") || $0.hasSuffix(".eval")
        } why: { _ in
            "not an Inspect log name (*.json, *.eval)"
        }
    }

    /// Reads every log and returns the long-format matrix (`query,model,correct[,sample],cost,type`);
    /// `note` receives the scorer chosen per log and warnings.
    public func load(_ paths: [String], note: @escaping (String) -> Void = { _ in }) throws -> RawMatrix {
        var table = ScoreTable(repeats: options.repeats, scoring: options.scoring)
        var log = ImportLog(options: options, note: note)
        var oldUsage = 0
        for path in try InspectImporter.expand(paths) {
            table.begin()
            do {
                oldUsage += try read(path, into: &table, log: &log)
            } catch {
                table.rollback()
                try log.skip(path, error)
            }
        }
        if oldUsage > 0 && !options.prices.isEmpty {
            note("\(oldUsage) samples have no model_usage (older Inspect): their cost is their last generation's")
        }
        return try log.finish(
            table, file: paths.joined(separator: " "),
            empty: "no Inspect sample was read")
    }

    /// Reads one log into `table`; returns how many samples were priced from `output.usage` alone.
    func read(_ path: String, into table: inout ScoreTable, log: inout ImportLog) throws -> Int {
        let (header, samples) =
            try path.hasSuffix(".eval") ? InspectImporter.readEval(path) : InspectImporter.readJSON(path)
        guard options.wants(header.eval.task) else {
            return 0
        }
        let status = header.status ?? "unknown"
        guard !samples.isEmpty else {
            throw CoFailError.data(
                InputLocation(file: path, columnName: "samples"), value: status,
                message: "the log has no samples (status \(status)): a log written with --no-log-samples, or a "
                    + "run that ended before any sample; rerun with samples logged", remedy: .skipInvalid)
        }
        if status != "success" {
            log.note("warning: \(path) has status '\(status)': only its \(samples.count) logged samples are read")
        }
        let name: String
        if let scorer {
            name = scorer
        } else if let first = header.results?.scores?.first?.name ?? samples.first?.scores?.keys.sorted().first {
            name = first
            log.note("\(path): scorer '\(first)' (default: the log's first scorer)")
        } else {
            throw CoFailError.data(
                InputLocation(file: path, columnName: "scores"), value: nil,
                message: "no scorer: neither the results nor the samples name one (an unscored log); score it "
                    + "with 'inspect score'", remedy: .skipInvalid)
        }
        var fromOutput = 0
        for s in samples {
            let query = "\(header.eval.task)/\(s.id.text)"
            guard let score = s.scores?[name] else {
                throw CoFailError.data(
                    InputLocation(file: path, columnName: "scores.\(name)"), value: query,
                    message: "sample has no score '\(name)' (scorers: "
                        + (s.scores?.keys.sorted().joined(separator: ", ") ?? "none") + ")")
            }
            let at = InputLocation(file: path, columnName: "scores.\(name).value")
            var cost: Double? = nil
            if !options.prices.isEmpty {
                if let calls = s.model_usage, !calls.isEmpty {
                    var total = 0.0
                    var known = true
                    for (model, u) in calls.sorted(by: { $0.key < $1.key }) {
                        let usage = TokenUsage(
                            input: u.input_tokens ?? 0, output: u.output_tokens ?? 0,
                            cacheRead: u.input_tokens_cache_read ?? 0, cacheWrite: u.input_tokens_cache_write ?? 0)
                        if let c = try TokenPrices.cost(
                            options.prices, model: model, usage: usage, unpriced: &log.unpriced, at: at)
                        {
                            total += c
                        } else {
                            known = false
                        }
                    }
                    cost = known ? total : nil
                } else {
                    fromOutput += 1
                    let u = s.output?.usage
                    let usage = TokenUsage(
                        input: u?.input_tokens, output: u?.output_tokens, cacheRead: u?.input_tokens_cache_read ?? 0,
                        cacheWrite: u?.input_tokens_cache_write ?? 0)
                    cost = try TokenPrices.cost(
                        options.prices, model: header.eval.model, usage: usage, unpriced: &log.unpriced, at: at)
                }
            }
            try table.add(
                model: header.eval.model, query: query, type: header.eval.task, value: score.value,
                sample: max(0, (s.epoch ?? 1) - 1), cost: cost, at: at)
            if options.texts, let input = s.input {
                table.text(input.text, query: query)
            }
        }
        return fromOutput
    }

    static func readJSON(_ path: String) throws -> (Log, [Log.Sample]) {
        let input = try ByteInput.read(path)
        let log = try LogJSON.decode(Log.self, what: "an Inspect log", Data(input.bytes), file: path, part: "log")
        return (log, log.samples ?? [])
    }

    /// The `.eval` container: the log's header, then every `samples/*.json` entry in path order.
    /// An archive with an entry named twice, an entry over `maxEntryBytes` or compressed more than
    /// `maxCompressionRatio` to one is refused before it is inflated, and inflation stops at the
    /// size the entry declares.
    static func readEval(_ path: String) throws -> (Log, [Log.Sample]) {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw CoFailError.data(InputLocation(file: path), value: nil, message: "not a zip archive (\(error))")
        }
        var names = Set<String>()
        for e in archive {
            guard names.insert(e.path).inserted else {
                throw CoFailError.data(
                    InputLocation(file: path, columnName: e.path), value: e.path,
                    message: "the archive holds two entries with this name (readers disagree on which counts)")
            }
            let size = Int(clamping: e.uncompressedSize)
            let packed = max(1, Int(clamping: e.compressedSize))
            guard size <= maxEntryBytes, size / packed <= maxCompressionRatio else {
                throw CoFailError.data(
                    InputLocation(file: path, columnName: e.path), value: "\(size) bytes from \(packed)",
                    message: "archive entry too large or too compressed (limits: \(maxEntryBytes) bytes, ratio "
                        + "\(maxCompressionRatio)): refused as a possible zip bomb")
            }
        }
        struct TooLarge: Error {}
        func read(_ entry: Entry) throws -> Data {
            var data = Data()
            let limit = Int(clamping: entry.uncompressedSize)
            do {
                _ = try archive.extract(entry) { chunk in
                    guard data.count + chunk.count <= limit else {
                        throw TooLarge()
                    }
                    data.append(chunk)
                }
            } catch is TooLarge {
                throw CoFailError.data(
                    InputLocation(file: path, columnName: entry.path), value: "\(limit) bytes declared",
                    message: "archive entry inflates beyond its declared size: refused")
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
        let log = try LogJSON.decode(
            Log.self, what: "an Inspect log", try read(header), file: path, part: "header.json")
        let entries = archive.filter { $0.path.hasPrefix("samples/") && $0.path.hasSuffix(".json") }
        let samples = try entries.sorted { $0.path < $1.path }.map { e in
            try LogJSON.decode(Log.Sample.self, what: "an Inspect log", try read(e), file: path, part: e.path)
        }
        return (log, samples)
    }
}
