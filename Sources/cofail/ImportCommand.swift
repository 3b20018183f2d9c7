import ArgumentParser
import CoFail
import Foundation

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Matrices from evaluation-harness logs.",
        subcommands: [Inspect.self, LMEval.self, HELM.self]
    )

    struct Inspect: LogImport {
        static let source = LogSource.inspect
        static let configuration = CommandConfiguration(
            abstract: "Inspect AI logs → a long matrix (query = task/sample id, model = the log's model).",
            discussion: """
                Example:  cofail import inspect logs/ --prices prices.csv -o matrix.csv
                Reads *.json logs and .eval containers (directories: every *.json and *.eval in and below them). \
                Scores C/I/N, true/false, yes/no and 0/1 are correctness; P and other numbers need --threshold. \
                Epochs are repeated samples of one query (a 'sample' column, epoch − 1): commands read sample 0 \
                unless --aggregate first|mean|majority combines them. With --prices, a sample costs every model \
                call it made (model_usage). Every command reads logs directly with --from inspect.
                """
        )
        @Argument(help: "Log files or directories.")
        var paths: [String]
        @OptionGroup var logs: LogOptions
        @OptionGroup var output: ImportOutput
    }

    struct LMEval: LogImport {
        static let source = LogSource.lmEval
        static let configuration = CommandConfiguration(
            commandName: "lm-eval",
            abstract: "lm-evaluation-harness --log_samples output → a long matrix (query = task/doc_id).",
            discussion: """
                Example:  cofail import lm-eval results/ --metric exact_match,strict-match -o matrix.csv
                Reads every samples_<task>_<date>.jsonl under the paths; the model is the model_name of the \
                results_<date>.json beside it (or --model). Correct = the metric's per-sample value under one \
                filter (default: the task's first accuracy-like metric and the filter of its first line, said on \
                standard error). 0/1 and true/false are correctness; other numbers need --threshold. Runs of one \
                model and task on several dates are repeated samples (a 'sample' column by date): commands read \
                sample 0 unless --aggregate first|mean|majority combines them. Every command reads these folders \
                directly with --from lm-eval.
                """
        )
        @Argument(help: "Output folders of lm_eval --log_samples, or samples files.")
        var paths: [String]
        @OptionGroup var logs: LogOptions
        @OptionGroup var output: ImportOutput
    }

    struct HELM: LogImport {
        static let source = LogSource.helm
        static let configuration = CommandConfiguration(
            commandName: "helm",
            abstract: "HELM run folders → a long matrix (query = scenario/instance id, model = the run's model).",
            discussion: """
                Example:  cofail import helm benchmark_output/runs/my-suite --prices prices.csv -o matrix.csv
                Reads every run folder (run_spec.json beside per_instance_stats.json) under the paths. Correct = \
                one statistic's per-instance mean (default: the run's first accuracy-like statistic, said on \
                standard error; fractions need --threshold). The scenario is the run name without its model= \
                argument; perturbed copies of an instance are their own queries. Train trials of an instance are \
                repeated samples (a 'sample' column): commands read sample 0 unless --aggregate combines them. \
                With --prices, cost comes from num_prompt_tokens and num_completion_tokens. Every command reads \
                runs directly with --from helm.
                """
        )
        @Argument(help: "HELM run folders, suite folders above them, or per_instance_stats.json files.")
        var paths: [String]
        @OptionGroup var logs: LogOptions
        @OptionGroup var output: ImportOutput
    }
}

/// One `cofail import` subcommand: read the logs of `source`, write a long matrix.
protocol LogImport: ParsableCommand {
    static var source: LogSource { get }
    var paths: [String] { get }
    var logs: LogOptions { get }
    var output: ImportOutput { get }
}

extension LogImport {
    func validate() throws {
        try logs.check(for: Self.source)
        if logs.lowerIsBetter && output.threshold == nil {
            throw ValidationError("--lower-is-better needs --threshold T (score <= T counts as correct)")
        }
    }

    func run() throws {
        try runReporting {
            let raw = try logs.load(Self.source, paths, threshold: output.threshold, texts: output.textsOut != nil)
            try emit(raw.serialized(as: output.format), to: output.output)
            if let textsOut = output.textsOut {
                var csv = "query,text\n"
                var without = 0
                for id in raw.queryIDs {
                    guard let text = raw.queryTexts[id] else {
                        without += 1
                        continue
                    }
                    csv += CSVText.quote(id) + "," + CSVText.quote(text) + "\n"
                }
                try emit(csv, to: textsOut)
                note(
                    "wrote \(raw.queryCount - without) prompts to \(textsOut)"
                        + (without > 0 ? " (\(without) queries had none in the logs)" : ""))
            }
            let samples = raw.samples == nil ? "" : " (with a sample column: \(raw.sampleReading?.summary ?? ""))"
            note("imported \(raw.queryCount) queries × \(raw.modelCount) models from \(paths.count) path(s)\(samples)")
        }
    }
}

/// Where and how `cofail import` writes the matrix.
struct ImportOutput: ParsableArguments {
    @Option(help: "Count scores >= this value as correct (any finite number; <= with --lower-is-better).")
    var threshold: Double?
    @Option(
        name: .customLong("output-format"), help: "Matrix format: long or jsonl (wide cannot hold costs and types).")
    var format: InputFormat = .long
    @Option(name: [.short, .customLong("output")], help: "Matrix file ('-' or omitted: standard output).")
    var output: String?
    @Option(
        name: .customLong("texts-out"),
        help: "Also write each query's prompt as CSV query,text (for route --texts; METHODS §16.2).")
    var textsOut: String?

    func validate() throws {
        if let t = threshold, !t.isFinite {
            throw ValidationError("--threshold must be a finite number (got \(t))")
        }
        if format == .wide {
            throw ValidationError("--output-format must be long or jsonl (costs and types need a long format)")
        }
    }
}

extension RepeatPolicy: ExpressibleByArgument {}

/// How harness logs become correctness, for `cofail import SOURCE` and `--from SOURCE`. Each
/// option belongs to the harnesses its help names; given for another it is a usage error.
struct LogOptions: ParsableArguments {
    @Option(help: "inspect: scorer whose value is the correctness (default: the log's first scorer).")
    var scorer: String?
    @Option(
        help: "lm-eval: NAME or NAME,FILTER; helm: a statistic NAME. The correctness (default: first accuracy-like).")
    var metric: String?
    @Option(
        help: """
            Combine repeated samples of a query (Inspect epochs, lm-eval runs, HELM trials, a 'sample' column): \
            first, mean or majority (default: read sample 0).
            """)
    var aggregate: RepeatPolicy?
    @Option(help: "lm-eval, helm: model name for every run read (default: the name the logs give).")
    var model: String?
    @Option(
        help: """
            inspect, helm: CSV model,price_in,price_out[,price_cache_read,price_cache_write] ($ per million tokens): \
            costs from token counts.
            """)
    var prices: String?
    @Flag(
        name: .customLong("lower-is-better"), help: "Logs: a score <= --threshold counts as correct (mae, perplexity).")
    var lowerIsBetter = false
    @Flag(
        name: .customLong("skip-invalid"),
        help: "Logs: import what is valid; each skipped file or run is listed with its reason.")
    var skipInvalid = false
    @Option(help: "Logs: only these tasks (comma-separated; lm-eval tasks, Inspect tasks, HELM scenarios or runs).")
    var task: String?

    /// The options given that `source` does not read (all but --aggregate without a source).
    func misplaced(for source: LogSource?) -> [String] {
        let every: Set<LogSource> = [.inspect, .lmEval, .helm]
        var given: [(String, Bool, Set<LogSource>)] = [
            ("--scorer", scorer != nil, [.inspect]),
            ("--metric", metric != nil, [.lmEval, .helm]),
            ("--model", model != nil, [.lmEval, .helm]),
            ("--prices", prices != nil, [.inspect, .helm]),
            ("--lower-is-better", lowerIsBetter, every),
            ("--skip-invalid", skipInvalid, every),
            ("--task", task != nil, every),
        ]
        given.removeAll { !$0.1 }
        return given.filter { source == nil || !$0.2.contains(source!) }.map(\.0)
    }

    func check(for source: LogSource?) throws {
        let wrong = misplaced(for: source)
        guard wrong.isEmpty else {
            let reader = source.map { "--from \($0.rawValue) / import \($0.rawValue)" } ?? "a matrix file"
            throw ValidationError("\(wrong.joined(separator: ", ")) not read for \(reader)")
        }
        if let metric {
            let parts = metric.split(separator: ",", omittingEmptySubsequences: false)
            guard !parts[0].isEmpty, parts.count <= (source == .lmEval ? 2 : 1), parts.allSatisfy({ !$0.isEmpty })
            else {
                throw ValidationError(
                    "--metric must be " + (source == .lmEval ? "NAME or NAME,FILTER" : "NAME") + " (got '\(metric)')")
            }
        }
        if let model, model.isEmpty {
            throw ValidationError("--model must not be empty")
        }
        if let task, tasks(task).isEmpty {
            throw ValidationError("--task must name at least one task (got '\(task)')")
        }
    }

    func tasks(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The matrix the logs at `paths` hold; what each importer chose goes to standard error.
    func load(_ source: LogSource, _ paths: [String], threshold: Double?, texts: Bool = false) throws -> RawMatrix {
        if lowerIsBetter && threshold == nil {
            throw UsageError("--lower-is-better needs --threshold T (score <= T counts as correct)")
        }
        var o = ImportOptions()
        o.scoring = Scoring(threshold: threshold, lowerIsBetter: lowerIsBetter)
        o.repeats = aggregate
        o.skipInvalid = skipInvalid
        o.tasks = task.map(tasks)
        o.prices = try prices.map { try TokenPrices.load($0) } ?? [:]
        o.texts = texts
        switch source {
        case .inspect:
            return try InspectImporter(scorer: scorer, options: o).load(paths, note: note)
        case .lmEval:
            let parts = metric.map { $0.split(separator: ",").map(String.init) }
            return try LMEvalImporter(
                metric: parts?.first, filter: parts.flatMap { $0.count > 1 ? $0[1] : nil }, model: model, options: o
            ).load(paths, note: note)
        case .helm:
            return try HELMImporter(metric: metric, model: model, options: o).load(paths, note: note)
        }
    }
}
