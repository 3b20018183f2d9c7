import Foundation

/// Reads EleutherAI lm-evaluation-harness `--log_samples` output: per model a folder of
/// `samples_<task>_<date>.jsonl` (one JSON object per document and filter: `doc_id`, `filter`,
/// `metrics` and each metric's value) beside `results_<date>.json` (whose `model_name` names the
/// model). Query = `task/doc_id`, model = the run's model name (or `model`), correct = one
/// metric under one filter, type = the task.
public struct LMEvalImporter: Sendable {
    /// Metric whose value is the correctness (default per task: its first accuracy-like metric).
    public var metric: String?
    /// Filter of that metric (default per task: the first filter logged with the metric).
    public var filter: String?
    /// Fractional values ≥ this count as correct (without it they are rejected).
    public var threshold: Double?
    /// How several samples of one document become one cell (without it they are an error).
    public var repeats: RepeatPolicy?
    /// Model name for every run read, instead of the results files' `model_name`.
    public var model: String?

    /// Metrics taken as correctness by default, in the order a task's `metrics` list is searched.
    public static let accuracyLike: Set<String> = [
        "acc", "acc_norm", "exact_match", "em", "exact", "accuracy", "correct", "pass@1", "pass_at_1",
    ]

    /// What the import read for one task: the metric, its filter, and what it left aside.
    public struct TaskChoice: Sendable, Equatable {
        public let task: String
        public let metric: String
        /// The metric's name as UTF-8, to match keys without decoding them.
        let metricBytes: [UInt8]
        public let filter: String
        /// Whether the metric was chosen by default (no `metric` given).
        public let isDefault: Bool
        public var documents = 0
        /// Lines of the task under other filters (other scorings of the same documents).
        public var otherFilterLines = 0
        /// Every filter the task's lines carry, in first-seen order.
        public var filters: [String] = []

        init(task: String, metric: String, filter: String, isDefault: Bool) {
            self.task = task
            self.metric = metric
            metricBytes = Array(metric.utf8)
            self.filter = filter
            self.isDefault = isDefault
        }

        public var summary: String {
            "\(task): \(metric),\(filter)" + (isDefault ? " (default: the task's first accuracy-like metric)" : "")
                + ", \(documents) samples"
                + (otherFilterLines > 0 ? ", \(otherFilterLines) lines of other filters" : "")
        }
    }

    public init(
        metric: String? = nil, filter: String? = nil, threshold: Double? = nil, repeats: RepeatPolicy? = nil,
        model: String? = nil
    ) {
        self.metric = metric
        self.filter = filter
        self.threshold = threshold
        self.repeats = repeats
        self.model = model
    }

    /// One samples file: its task and run date from the name `samples_<task>_<date>.jsonl`.
    struct SamplesFile {
        let path: String
        let task: String
        let date: String
    }

    /// The samples files under `paths`: files as given, directories searched recursively (sorted).
    static func samplesFiles(_ paths: [String]) throws -> [SamplesFile] {
        let files = try LogFiles.find(
            paths, recursive: true, what: "lm-evaluation-harness samples_*.jsonl file", matches: isSamplesName)
        return try files.map { path in
            let name = (path as NSString).lastPathComponent
            guard isSamplesName(name) else {
                throw CoFailError.data(
                    InputLocation(file: path), value: name,
                    message: "not an lm-evaluation-harness samples file (samples_<task>_<date>.jsonl)")
            }
            let stem = name.dropFirst("samples_".count).dropLast(".jsonl".count)
            guard let cut = stem.lastIndex(of: "_"), cut != stem.startIndex else {
                throw CoFailError.data(
                    InputLocation(file: path), value: name,
                    message: "the name has no task and date (samples_<task>_<date>.jsonl)")
            }
            return SamplesFile(
                path: path, task: String(stem[..<cut]), date: String(stem[stem.index(after: cut)...]))
        }
    }

    static func isSamplesName(_ name: String) -> Bool {
        name.hasPrefix("samples_") && name.hasSuffix(".jsonl") && name.count > "samples_.jsonl".count
    }

    /// The `results_*.json` fields that name the run's model.
    struct Results: Decodable {
        let model_name: String?
    }

    /// The model of a samples file: `model`, else `model_name` of `results_<date>.json` beside it,
    /// else the one model named by every results file in its folder.
    func modelName(of file: SamplesFile, cache: inout [String: String?]) throws -> String {
        if let model {
            return model
        }
        let dir = (file.path as NSString).deletingLastPathComponent
        func named(_ path: String) throws -> String? {
            if let known = cache[path] {
                return known
            }
            let input = try ByteInput.read(path)
            let r = try LogJSON.decode(
                Results.self, what: "an lm-evaluation-harness results file", Data(input.bytes), file: path,
                part: "model_name")
            let name = r.model_name.flatMap { $0.isEmpty ? nil : $0 }
            cache[path] = name
            return name
        }
        let own = (dir as NSString).appendingPathComponent("results_\(file.date).json")
        if FileManager.default.fileExists(atPath: own), let name = try named(own) {
            return name
        }
        let others = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0.hasPrefix("results_") && $0.hasSuffix(".json") }.sorted()
        let names = Set(try others.compactMap { try named((dir as NSString).appendingPathComponent($0)) })
        guard names.count == 1, let name = names.first else {
            throw CoFailError.data(
                InputLocation(file: file.path), value: nil,
                message: names.isEmpty
                    ? "no results_*.json beside it names the model: give --model NAME"
                    : "results files beside it name several models (\(names.sorted().joined(separator: ", "))): "
                        + "give --model NAME")
        }
        return name
    }

    /// Reads every samples file; `note` receives one line per task saying what was read.
    public func load(_ paths: [String], note: (String) -> Void = { _ in }) throws -> RawMatrix {
        var table = ScoreTable(repeats: repeats, threshold: threshold)
        var choices: [String: TaskChoice] = [:]
        var taskOrder: [String] = []
        var modelCache: [String: String?] = [:]
        for file in try LMEvalImporter.samplesFiles(paths) {
            let modelName = try modelName(of: file, cache: &modelCache)
            let input = try ByteInput.read(file.path)
            let b = input.bytes
            var lines = JSONLines(input, allowsNested: true, failure: "not an lm-evaluation-harness sample")
            while try lines.next() {
                let lineNo = lines.line
                let fields = lines.parser.fields
                func field(_ key: StaticString) -> JSONLineParser.Field? {
                    fields.first { JSONLineParser.keyIs(b, $0, key) }
                }
                func named(_ key: [UInt8]) -> JSONLineParser.Field? {
                    fields.first { JSONLineParser.keyIs(b, $0, key) }
                }
                func location(_ f: JSONLineParser.Field?, _ name: String) -> InputLocation {
                    InputLocation(file: file.path, line: lineNo, column: f?.column, columnName: name)
                }
                func text(_ f: JSONLineParser.Field?) -> String? {
                    f.map { JSONLineParser.scalarValue(b, $0).text }
                }
                let docField = field("doc_id")
                let doc: String
                switch docField?.value {
                case .number(let v)? where v == v.rounded() && v >= 0 && v < 1e15: doc = String(Int64(v))
                case .string(let s, let e, let esc)? where e > s: doc = JSONLineParser.decode(b, s, e, esc)
                default:
                    throw CoFailError.data(
                        location(docField, "doc_id"), value: text(docField),
                        message: "missing or invalid 'doc_id' (a non-negative integer or a string)")
                }
                let filterField = field("filter")
                let lineFilter: String
                switch filterField?.value {
                case nil: lineFilter = "none"
                case .string(let s, let e, let esc)?: lineFilter = JSONLineParser.decode(b, s, e, esc)
                default:
                    throw CoFailError.data(
                        location(filterField, "filter"), value: text(filterField), message: "'filter' must be a string")
                }
                if choices[file.task] == nil {
                    choices[file.task] = try choose(
                        task: file.task, fields: fields, bytes: b, lineFilter: lineFilter,
                        location: location(field("metrics"), "metrics"))
                    taskOrder.append(file.task)
                }
                guard let choice = choices[file.task] else {
                    continue
                }
                if !choice.filters.contains(lineFilter) {
                    choices[file.task]?.filters.append(lineFilter)
                }
                if lineFilter != choice.filter {
                    choices[file.task]?.otherFilterLines += 1
                    continue
                }
                guard let value = named(choice.metricBytes) else {
                    throw CoFailError.data(
                        location(nil, choice.metric), value: nil,
                        message: "the sample has no metric '\(choice.metric)' under filter '\(choice.filter)'")
                }
                if case .nested = value.value {
                    throw CoFailError.data(
                        location(value, choice.metric), value: text(value),
                        message: "metric '\(choice.metric)' is not a per-sample score")
                }
                try table.add(
                    model: modelName, query: "\(file.task)/\(doc)", type: file.task,
                    value: ScoreValue(JSONLineParser.scalarValue(b, value)), at: location(value, choice.metric))
                choices[file.task]?.documents += 1
            }
        }
        for task in taskOrder {
            guard let c = choices[task] else {
                continue
            }
            guard c.documents > 0 else {
                throw CoFailError.data(
                    InputLocation(file: paths.joined(separator: " ")), value: "\(c.metric),\(c.filter)",
                    message: "task '\(task)' has no sample under filter '\(c.filter)' (its filters: "
                        + c.filters.joined(separator: ", ") + "): give --metric NAME,FILTER for it, "
                        + "or import its logs separately")
            }
            note(c.summary)
        }
        return try table.matrix(file: paths.joined(separator: " "))
    }

    /// The metric and filter read for a task, from its first sample line.
    func choose(
        task: String, fields: [JSONLineParser.Field], bytes b: [UInt8], lineFilter: String, location: InputLocation
    ) throws -> TaskChoice {
        let listed = fields.first { JSONLineParser.keyIs(b, $0, "metrics") }.flatMap {
            JSONLineParser.strings(b, $0.value)
        }
        let keys = fields.map { JSONLineParser.decode(b, $0.keyStart, $0.keyEnd, $0.keyEscaped) }
        if let metric {
            return TaskChoice(task: task, metric: metric, filter: filter ?? lineFilter, isDefault: false)
        }
        let candidates = listed ?? keys
        guard let found = candidates.first(where: { LMEvalImporter.accuracyLike.contains($0) }) else {
            throw CoFailError.data(
                location, value: candidates.joined(separator: ","),
                message: "task '\(task)' has no accuracy-like metric: give --metric NAME[,FILTER]")
        }
        return TaskChoice(task: task, metric: found, filter: filter ?? lineFilter, isDefault: true)
    }
}
