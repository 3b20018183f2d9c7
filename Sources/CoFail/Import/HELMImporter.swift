import Foundation

/// Reads HELM run folders (`benchmark_output/runs/<suite>/<run>/`): `run_spec.json` names the
/// run and its model (`adapter_spec.model`), `per_instance_stats.json` holds one entry per
/// (instance, train trial, perturbation) with that instance's statistics. Query =
/// `<scenario>/<instance_id>` (plus `/<perturbation>` for perturbed copies), where the scenario is
/// the run name without its `model=` argument; model = the run's model; correct = one statistic's
/// mean; type = the scenario; cost from `num_prompt_tokens` and `num_completion_tokens` with a
/// price table.
public struct HELMImporter: Sendable {
    /// Statistic whose mean is the correctness (default per run: its first accuracy-like one).
    public var metric: String?
    /// Model name for every run read, instead of the run specs' model.
    public var model: String?
    /// Scoring, repeats (train trials are samples), `--skip-invalid`, scenario filter, prices.
    public var options: ImportOptions

    /// Statistics taken as correctness by default, searched in the order the run lists them.
    public static let accuracyLike: Set<String> = [
        "exact_match", "quasi_exact_match", "prefix_exact_match", "quasi_prefix_exact_match", "math_equiv",
        "math_equiv_chain_of_thought", "equivalent", "equivalent_cot", "correct",
    ]

    public init(metric: String? = nil, model: String? = nil, options: ImportOptions = ImportOptions()) {
        self.metric = metric
        self.model = model
        self.options = options
    }

    struct RunSpec: Decodable {
        struct Adapter: Decodable {
            let model: String
        }
        let name: String
        let adapter_spec: Adapter
    }

    struct Perturbation: Decodable {
        let name: String
    }

    struct Stat: Decodable {
        struct Name: Decodable {
            let name: String
            let split: String?
            let perturbation: Perturbation?
        }
        let name: Name
        let count: Int
        let sum: Double
    }

    /// An instance's id and input text (`instances.json`, or `scenario_state.json`'s requests).
    struct Instance: Decodable {
        struct Input: Decodable {
            let text: String?
        }
        let id: String?
        let input: Input?
    }
    struct ScenarioState: Decodable {
        struct RequestState: Decodable {
            let instance: Instance
        }
        let request_states: [RequestState]
    }

    /// The input text of each instance id of the run in `folder` (empty when the run kept neither
    /// file, which the caller notes).
    static func instanceTexts(_ folder: String) throws -> [String: String] {
        let fm = FileManager.default
        let instancesPath = (folder as NSString).appendingPathComponent("instances.json")
        let statePath = (folder as NSString).appendingPathComponent("scenario_state.json")
        var found: [Instance] = []
        if fm.fileExists(atPath: instancesPath) {
            found = try LogJSON.decode(
                [Instance].self, what: "HELM instances", Data(try ByteInput.read(instancesPath).bytes),
                file: instancesPath, part: "instances")
        } else if fm.fileExists(atPath: statePath) {
            found = try LogJSON.decode(
                ScenarioState.self, what: "a HELM scenario state", Data(try ByteInput.read(statePath).bytes),
                file: statePath, part: "scenario_state"
            ).request_states.map(\.instance)
        }
        var out: [String: String] = [:]
        for inst in found {
            if let id = inst.id, let text = inst.input?.text, out[id] == nil {
                out[id] = text
            }
        }
        return out
    }

    struct InstanceStats: Decodable {
        let instance_id: String
        let train_trial_index: Int
        let perturbation: Perturbation?
        var stats: [Stat]
    }

    /// The run folders under `paths`: a folder holding `per_instance_stats.json`, or any folder
    /// below one (searched recursively, sorted); a `per_instance_stats.json` file names its folder.
    static func runFolders(_ paths: [String]) throws -> [String] {
        let file = "per_instance_stats.json"
        let found = try LogFiles.find(paths, recursive: true, what: "HELM \(file)") { $0 == file }
        return try found.map { p in
            guard (p as NSString).lastPathComponent == file else {
                throw CoFailError.data(InputLocation(file: p), value: nil, message: "not a HELM \(file) or run folder")
            }
            return (p as NSString).deletingLastPathComponent
        }
    }

    /// The run name without its `model=` (and `model_deployment=`) arguments: the scenario.
    static func scenario(_ runName: String) -> String {
        guard let colon = runName.firstIndex(of: ":") else {
            return runName
        }
        let args = runName[runName.index(after: colon)...].split(separator: ",").filter {
            !$0.hasPrefix("model=") && !$0.hasPrefix("model_deployment=")
        }
        let head = String(runName[..<colon])
        return args.isEmpty ? head : head + ":" + args.joined(separator: ",")
    }

    /// The entries of one run with those of the same (instance, trial, perturbation) merged: HELM
    /// writes the statistics of one instance in several records when they come from different
    /// metrics (a judge's score in one, token counts in another).
    static func merged(_ instances: [InstanceStats]) -> [InstanceStats] {
        var order: [String] = []
        var byKey: [String: InstanceStats] = [:]
        for inst in instances {
            let key = "\(inst.instance_id)\u{0}\(inst.train_trial_index)\u{0}\(inst.perturbation?.name ?? "")"
            if var known = byKey[key] {
                known.stats += inst.stats
                byKey[key] = known
            } else {
                byKey[key] = inst
                order.append(key)
            }
        }
        return order.map { byKey[$0]! }
    }

    /// Reads every run; `note` receives one line per run saying which statistic was read. Train
    /// trials are samples of their instance (sample = trial index).
    public func load(_ paths: [String], note: @escaping (String) -> Void = { _ in }) throws -> RawMatrix {
        var table = ScoreTable(repeats: options.repeats, scoring: options.scoring)
        var log = ImportLog(options: options, note: note)
        for folder in try HELMImporter.runFolders(paths) {
            table.begin()
            do {
                try read(folder, into: &table, log: &log)
            } catch {
                table.rollback()
                try log.skip(folder, error)
            }
        }
        return try log.finish(
            table, file: paths.joined(separator: " "),
            empty: "no HELM run with instances was read")
    }

    func read(_ folder: String, into table: inout ScoreTable, log: inout ImportLog) throws {
        let specPath = (folder as NSString).appendingPathComponent("run_spec.json")
        let statsPath = (folder as NSString).appendingPathComponent("per_instance_stats.json")
        let spec = try LogJSON.decode(
            RunSpec.self, what: "a HELM run spec", Data(try ByteInput.read(specPath).bytes), file: specPath,
            part: "run_spec")
        let scenario = HELMImporter.scenario(spec.name)
        guard options.wants(scenario, run: spec.name) else {
            return
        }
        let instances = HELMImporter.merged(
            try LogJSON.decode(
                [InstanceStats].self, what: "HELM per-instance statistics", Data(try ByteInput.read(statsPath).bytes),
                file: statsPath, part: "per_instance_stats"))
        guard let first = instances.first else {
            throw CoFailError.data(
                InputLocation(file: statsPath), value: nil,
                message: "the run has no instances (an interrupted or empty helm-run): rerun it", remedy: .skipInvalid)
        }
        let modelName = model ?? spec.adapter_spec.model
        let chosen: String
        if let metric {
            chosen = metric
        } else {
            let names = first.stats.map(\.name.name)
            guard let found = names.first(where: HELMImporter.accuracyLike.contains) else {
                var unique: [String] = []
                for n in names where !unique.contains(n) {
                    unique.append(n)
                }
                throw CoFailError.data(
                    InputLocation(file: statsPath, columnName: "[0].stats"), value: unique.joined(separator: ", "),
                    message: "the run has no accuracy-like statistic (its statistics are shown)",
                    remedy: .metric(withFilter: false))
            }
            chosen = found
        }
        let texts = options.texts ? try HELMImporter.instanceTexts(folder) : [:]
        if options.texts && texts.isEmpty {
            log.note("\((folder as NSString).lastPathComponent): no instances.json or scenario_state.json: no prompts")
        }
        for (k, inst) in instances.enumerated() {
            var query = "\(scenario)/\(inst.instance_id)"
            if let p = inst.perturbation {
                query += "/\(p.name)"
            }
            let at = InputLocation(file: statsPath, columnName: "[\(k)].stats.\(chosen)")
            func mean(_ name: String) -> Double? {
                inst.stats.first { $0.name.name == name && $0.count > 0 }.map { $0.sum / Double($0.count) }
            }
            guard let value = mean(chosen) else {
                throw CoFailError.data(
                    at, value: query, message: "instance has no statistic '\(chosen)' with a count")
            }
            let usage = TokenUsage(input: mean("num_prompt_tokens"), output: mean("num_completion_tokens"))
            let cost = try TokenPrices.cost(
                options.prices, model: modelName, usage: usage, unpriced: &log.unpriced, at: at)
            try table.add(
                model: modelName, query: query, type: scenario, value: .number(value), sample: inst.train_trial_index,
                cost: options.prices.isEmpty ? nil : cost, at: at)
            if let text = texts[inst.instance_id] {
                table.text(text, query: query)
            }
        }
        log.note(
            "\((folder as NSString).lastPathComponent): \(chosen)"
                + (metric == nil ? " (default: the run's first accuracy-like statistic)" : "")
                + ", \(instances.count) entries, model \(modelName)")
    }
}
