import Foundation

/// Reads EleutherAI lm-evaluation-harness `--log_samples` output: per model a folder of
/// `samples_<task>_<date>.jsonl` (one JSON object per document and filter: `doc_id`, `filter`,
/// `metrics` and each metric's value; about version 0.4.2 the same JSON Lines were named `.json`,
/// and the content decides) beside `results_<date>.json` (whose `model_name` names the model).
/// Query = `task/doc_id`, model = the run's model name (or `model`), correct = one metric under one
/// filter, type = the task. Runs of one model and task in one folder (several dates) are repeated
/// samples: sample = the run's rank by date (METHODS §18.1).
public struct LMEvalImporter: Sendable {
    /// Metric whose value is the correctness (default per task: its first accuracy-like metric).
    public var metric: String?
    /// Filter of that metric (default per task: the first filter logged with the metric).
    public var filter: String?
    /// Model name for every run read, instead of the results files' `model_name`.
    public var model: String?
    /// Scoring, repeats, `--skip-invalid`, task filter.
    public var options: ImportOptions

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
        metric: String? = nil, filter: String? = nil, model: String? = nil, options: ImportOptions = ImportOptions()
    ) {
        self.metric = metric
        self.filter = filter
        self.model = model
        self.options = options
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
            paths, recursive: true, what: "lm-evaluation-harness samples_<task>_<date>.jsonl file",
            matches: isSamplesName, why: whyNotSamples)
        return try files.map { path in
            let name = (path as NSString).lastPathComponent
            guard isSamplesName(name) else {
                throw CoFailError.data(
                    InputLocation(file: path), value: name,
                    message: "not an lm-evaluation-harness samples file (samples_<task>_<date>.jsonl): "
                        + whyNotSamples(name))
            }
            let stem = name.dropFirst("samples_".count).dropLast(name.hasSuffix(".jsonl") ? 6 : 5)
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
        name.hasPrefix("samples_") && (name.hasSuffix(".jsonl") || name.hasSuffix(".json"))
            && name.count > "samples_.json".count
    }

    /// Why a file of a log folder is not read, with the remedy where there is one.
    static func whyNotSamples(_ name: String) -> String {
        if name.hasSuffix("_write_out_info.json") || name == "write_out_info.json" {
            return "lm-eval 0.3's --write_out output, which holds prompts but no per-sample scores: per-sample "
                + "logs need lm_eval --log_samples (version 0.4 or later)"
        }
        if name.hasPrefix("results") && name.hasSuffix(".json") {
            return "aggregate results; per-sample scores are in samples_<task>_<date>.jsonl, written with --log_samples"
        }
        return "not named samples_<task>_<date>.jsonl"
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
                    ? "no results_*.json beside it names the model"
                    : "results files beside it name several models (\(names.sorted().joined(separator: ", "))): "
                        + "they cannot be told apart", remedy: .model)
        }
        return name
    }

    /// What reading the files has chosen so far: the metric of each task, in first-seen order.
    struct Choices {
        var byTask: [String: TaskChoice] = [:]
        var order: [String] = []
        var models: [String: String?] = [:]
    }

    /// Reads every samples file; `note` receives one line per task saying what was read.
    public func load(_ paths: [String], note: @escaping (String) -> Void = { _ in }) throws -> RawMatrix {
        var table = ScoreTable(repeats: options.repeats, scoring: options.scoring)
        var log = ImportLog(options: options, note: note)
        var choices = Choices()
        let files = try LMEvalImporter.samplesFiles(paths).filter { options.wants($0.task) }
        // runs of one model and task: their dates in order give the sample index
        var dates: [String: [String]] = [:]
        var modelOf: [String: String] = [:]
        for file in files {
            do {
                let name = try modelName(of: file, cache: &choices.models)
                modelOf[file.path] = name
                dates[name + "\u{0}" + file.task, default: []].append(file.date)
            } catch {
                try log.skip(file.path, error)
            }
        }
        for file in files {
            guard let name = modelOf[file.path] else {
                continue
            }
            let runs = Set(dates[name + "\u{0}" + file.task] ?? []).sorted()
            let sample = runs.firstIndex(of: file.date) ?? 0
            let savedChoices = choices
            table.begin()
            do {
                try read(file, model: name, sample: sample, into: &table, choices: &choices)
            } catch {
                table.rollback()
                choices = savedChoices
                try log.skip(file.path, error)
            }
        }
        for task in choices.order {
            guard let c = choices.byTask[task] else {
                continue
            }
            guard c.documents > 0 else {
                throw CoFailError.data(
                    InputLocation(file: paths.joined(separator: " ")), value: "\(c.metric),\(c.filter)",
                    message: "task '\(task)' has no sample under filter '\(c.filter)' (its filters: "
                        + c.filters.joined(separator: ", ") + "); or import its logs separately",
                    remedy: .metric(withFilter: true))
            }
            note(c.summary)
        }
        return try log.finish(
            table, file: paths.joined(separator: " "),
            empty: "no samples: the samples files hold no document")
    }

    /// The JSON Lines of a samples file: as written, or converted from a JSON array (one element a line).
    static func lines(of path: String) throws -> ByteInput {
        let input = try ByteInput.read(path)
        guard let first = input.bytes.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) else {
            throw CoFailError.data(
                InputLocation(file: path, line: 1), value: nil,
                message: "no samples: the samples file is empty (an interrupted run?)")
        }
        guard first == UInt8(ascii: "[") else {
            return input
        }
        // each element on its own line: a raw line end can only be white space outside strings
        let b = input.bytes
        var p = b.firstIndex(of: UInt8(ascii: "["))! + 1
        var out: [UInt8] = []
        func malformed(_ f: JSONLineParser.Failure) -> CoFailError {
            let at = LogJSON.locate(b)
            return CoFailError.data(
                InputLocation(file: path, line: at?.line, column: at?.column), value: at?.token,
                message: "not an lm-evaluation-harness samples file: malformed JSON (\(at?.message ?? f.message))")
        }
        func skipSpace() {
            while p < b.count, b[p] == 0x20 || b[p] == 0x09 || b[p] == 0x0A || b[p] == 0x0D || b[p] == 0x2C {
                p += 1
            }
        }
        skipSpace()
        while p < b.count, b[p] != UInt8(ascii: "]") {
            let start = p
            guard b[p] == UInt8(ascii: "{") else {
                throw malformed(JSONLineParser.Failure(column: p + 1, message: "expected a sample object"))
            }
            do {
                try JSONLineParser.skipNested(b, &p, b.count, 0, depth: 0, python: true)
            } catch let f as JSONLineParser.Failure {
                throw malformed(f)
            }
            out += b[start..<p].map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 }
            out.append(0x0A)
            skipSpace()
        }
        return try ByteInput(name: path, bytes: out)
    }

    /// Reads one samples file of `model` as repeated sample `sample`.
    func read(
        _ file: SamplesFile, model modelName: String, sample: Int, into table: inout ScoreTable,
        choices: inout Choices
    ) throws {
        let input = try LMEvalImporter.lines(of: file.path)
        let b = input.bytes
        var lines = JSONLines(input, harness: true, failure: "not an lm-evaluation-harness sample")
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
            if choices.byTask[file.task] == nil {
                choices.byTask[file.task] = try choose(
                    task: file.task, fields: fields, bytes: b, lineFilter: lineFilter,
                    location: location(field("metrics"), "metrics"))
                choices.order.append(file.task)
            }
            guard let choice = choices.byTask[file.task] else {
                continue
            }
            if !choice.filters.contains(lineFilter) {
                choices.byTask[file.task]?.filters.append(lineFilter)
            }
            if lineFilter != choice.filter {
                choices.byTask[file.task]?.otherFilterLines += 1
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
                value: ScoreValue(JSONLineParser.scalarValue(b, value)), sample: sample,
                at: location(value, choice.metric))
            choices.byTask[file.task]?.documents += 1
            if options.texts {
                table.text(
                    LMEvalImporter.prompt(b, arguments: field("arguments"), doc: field("doc")),
                    query: "\(file.task)/\(doc)")
            }
        }
    }

    /// The prompt of a sample (METHODS §16.2): `arguments[0][0]` of its first request (0.4.x's
    /// `{"gen_args_0": {"arg_0": …}}` form too), else the JSON of `doc`, else "".
    static func prompt(_ b: [UInt8], arguments: JSONLineParser.Field?, doc: JSONLineParser.Field?) -> String {
        if let a = arguments, case .nested(let s, let e) = a.value,
            let json = try? JSONSerialization.jsonObject(with: Data(b[s..<e]))
        {
            if let list = json as? [Any], let first = list.first as? [Any], let text = first.first as? String {
                return text
            }
            if let object = json as? [String: Any], let key = object.keys.sorted().first,
                let request = object[key] as? [String: Any], let text = request["arg_0"] as? String
            {
                return text
            }
        }
        if let d = doc {
            if case .nested(let s, let e) = d.value {
                return String(decoding: b[s..<e], as: UTF8.self)
            }
            return JSONLineParser.scalarValue(b, d).text
        }
        return ""
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
                message: "task '\(task)' has no accuracy-like metric", remedy: .metric(withFilter: true))
        }
        return TaskChoice(task: task, metric: found, filter: filter ?? lineFilter, isDefault: true)
    }
}
