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
        try LogFiles.find(paths, recursive: false, what: "Inspect .json or .eval log") {
            $0.hasSuffix(".json") || $0.hasSuffix(".eval")
        }
    }

    /// Reads every log and returns the long-format matrix (`query,model,correct,cost,type`).
    public func load(_ paths: [String]) throws -> RawMatrix {
        var table = ScoreTable(repeats: nil, threshold: threshold)
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
            for s in samples {
                let query = "\(log.eval.task)/\(s.id.text)" + (epochs ? "/epoch \(s.epoch ?? 1)" : "")
                guard let score = s.scores?[name] else {
                    throw CoFailError.data(
                        InputLocation(file: path, columnName: "scores.\(name)"), value: query,
                        message: "sample has no score '\(name)' (scorers: "
                            + (s.scores?.keys.sorted().joined(separator: ", ") ?? "none") + ")")
                }
                let usage = s.output?.usage
                let at = InputLocation(file: path, columnName: "scores.\(name).value")
                let cost = try TokenPrices.cost(
                    prices, model: log.eval.model, input: usage?.input_tokens.map(Double.init),
                    output: usage?.output_tokens.map(Double.init), at: at)
                try table.add(
                    model: log.eval.model, query: query, type: log.eval.task, value: score.value, cost: cost, at: at)
            }
        }
        return try table.matrix(file: paths.joined(separator: " "))
    }

    static func readJSON(_ path: String) throws -> (Log, [Log.Sample]) {
        let input = try ByteInput.read(path)
        let log = try LogJSON.decode(Log.self, what: "an Inspect log", Data(input.bytes), file: path, part: "log")
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
        let log = try LogJSON.decode(
            Log.self, what: "an Inspect log", try read(header), file: path, part: "header.json")
        let entries = archive.filter { $0.path.hasPrefix("samples/") && $0.path.hasSuffix(".json") }
        let samples = try entries.sorted { $0.path < $1.path }.map { e in
            try LogJSON.decode(Log.Sample.self, what: "an Inspect log", try read(e), file: path, part: e.path)
        }
        return (log, samples)
    }
}
