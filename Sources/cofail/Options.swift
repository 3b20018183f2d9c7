import ArgumentParser
import CoFail
import Foundation

extension OutputFormat: ExpressibleByArgument {}
extension InputFormat: ExpressibleByArgument {}

/// Log formats `--from` reads.
enum LogSource: String, ExpressibleByArgument {
    case inspect
    case lmEval = "lm-eval"
    case helm
}

/// Where the matrix comes from and how it is read and filtered (METHODS §0).
struct InputOptions: ParsableArguments {
    @Option(name: .customLong("input-format"), help: "Input format: wide, long or jsonl (default: detected).")
    var inputFormat: InputFormat?

    @Option(
        help: """
            Count scores >= this value as correct (otherwise fractional scores are rejected); \
            with --from any finite number (<= with --lower-is-better).
            """)
    var threshold: Double?

    @Option(
        name: .customLong("min-model-coverage"),
        help: "Drop models answering under this fraction of queries, then keep complete queries (default: complete)."
    )
    var minModelCoverage: Double?

    @Option(help: "Model registry CSV: model,family[,tier,price_in,price_out].")
    var registry: String?

    @Option(
        name: .customLong("from"), help: "Read evaluation-harness logs instead of a matrix: inspect, lm-eval or helm.")
    var from: LogSource?

    @OptionGroup var logs: LogOptions

    func validate() throws {
        if let t = threshold, from == nil, !(t > 0 && t <= 1) {
            throw ValidationError("--threshold must lie in (0, 1] for a matrix file (got \(t))")
        }
        if let t = threshold, !t.isFinite {
            throw ValidationError("--threshold must be a finite number (got \(t))")
        }
        if let c = minModelCoverage, !(c >= 0 && c <= 1) {
            throw ValidationError("--min-model-coverage must lie in [0, 1] (got \(c))")
        }
        try logs.check(for: from)
    }

    var policy: CoveragePolicy { minModelCoverage.map { .minModelCoverage($0) } ?? .complete }

    /// Engines record the matrix file's path and hash for shards and resumes: logs must be imported first.
    func requireMatrixFile(command: String) throws {
        if from != nil {
            throw ValidationError(
                "\(command) reads a matrix file (shards and checkpoints record its hash): "
                    + "run 'cofail import \(from!.rawValue) … -o matrix.csv' first")
        }
    }

    /// One matrix path, or with --from one or more log paths (`optional`: none in counts-only modes).
    func check(_ paths: [String], optional: Bool) throws {
        if paths.isEmpty && !optional {
            throw ValidationError("give the matrix file (or, with --from, the log paths)")
        }
        if paths.count > 1 && from == nil {
            throw ValidationError("give one matrix file (several paths are read only with --from)")
        }
    }

    /// The input as loaded: a matrix file, or with --from the logs at `paths` (files or directories),
    /// read as sample 0 or combined by --aggregate; `threads` read a large wide CSV (commands without
    /// --threads give `RunOptions.cores`).
    func raw(_ paths: [String], threads: Int) throws -> RawMatrix {
        guard let from else {
            let raw = try MatrixLoader(format: inputFormat, threshold: threshold, threads: threads).load(paths[0])
            return try raw.readingSamples(logs.aggregate, threshold: threshold)
        }
        return try logs.load(from, paths, threshold: threshold)
    }

    /// What an engine records of how its matrix file is read (checkpoints, shards, merge).
    func engineInput(_ path: String) -> EngineInput {
        EngineInput(
            path: path, format: inputFormat, threshold: threshold, minModelCoverage: minModelCoverage,
            registry: registry, aggregate: logs.aggregate)
    }

    func load(_ paths: [String], threads: Int) throws -> (RawMatrix, OutcomeMatrix, CoverageReport) {
        let raw = try raw(paths, threads: threads)
        let reg = try registry.map { try ModelRegistry.load($0) }
        let (x, cov) = try raw.applyCoverage(policy, registry: reg)
        return (raw, x, cov)
    }

    var echo: [(String, JSONValue)] {
        [
            ("input_format", inputFormat.map { .string($0.rawValue) } ?? .null),
            ("threshold", .num(threshold)),
            ("coverage_policy", .string(policy.name)),
            ("min_model_coverage", .num(minModelCoverage)),
            ("registry", registry.map { .string($0) } ?? .null),
            ("from", from.map { .string($0.rawValue) } ?? .null),
            ("aggregate", logs.aggregate.map { .string($0.rawValue) } ?? .null),
        ]
    }
}

/// Levels of the certificate (METHODS §1).
struct CertificateFlags: ParsableArguments {
    @Option(help: "Two-sided Clopper–Pearson level: the interval has coverage 1 − alpha.")
    var alpha: Double = 0.05

    @Option(help: "One-sided risk δ of the certificate and the regime call.")
    var delta: Double = 0.05

    @Option(help: "Materiality μ: the tail is material when β_L(δ) > μ.")
    var materiality: Double = 0.01

    @Option(help: "Orchestration overhead o (accuracy, as a fraction): adds the verdict H < o.")
    var overhead: Double?

    func validate() throws {
        if !(alpha > 0 && alpha < 1) { throw ValidationError("--alpha must lie in (0, 1) (got \(alpha))") }
        if !(delta > 0 && delta < 1) { throw ValidationError("--delta must lie in (0, 1) (got \(delta))") }
        if !(materiality >= 0 && materiality < 1) {
            throw ValidationError("--materiality must lie in [0, 1) (got \(materiality))")
        }
        if let o = overhead, !(o >= 0 && o <= 1) { throw ValidationError("--overhead must lie in [0, 1] (got \(o))") }
    }

    var options: CertificateOptions {
        CertificateOptions(alpha: alpha, delta: delta, materiality: materiality, overhead: overhead)
    }

    var echo: [(String, JSONValue)] {
        [
            ("alpha", .number(alpha)), ("delta", .number(delta)), ("materiality", .number(materiality)),
            ("overhead", .num(overhead)),
        ]
    }
}

/// The Beta prior of the confidence sequences' mixture (METHODS §15.2).
struct PriorOption: ParsableArguments {
    @Option(help: "Beta prior a,b of the mixture martingale.")
    var prior: String = "0.5,0.5"

    func validate() throws {
        _ = try value()
    }

    func value() throws -> ConfidenceSequence {
        let parts = prior.split(separator: ",", omittingEmptySubsequences: false).map {
            Double($0.trimmingCharacters(in: .whitespaces))
        }
        guard parts.count == 2, let a = parts[0], let b = parts[1], a > 0, b > 0,
            a <= ConfidenceSequence.maxPrior, b <= ConfidenceSequence.maxPrior
        else {
            throw ValidationError("--prior must be two numbers a,b in (0, 1e6] (got '\(prior)')")
        }
        return try ConfidenceSequence(a: a, b: b)
    }
}

struct OutputOptions: ParsableArguments {
    @Option(help: "Output format: table (for people), json (stable keys, schema_version) or csv.")
    var format: OutputFormat = .table

    @Option(name: [.short, .customLong("output")], help: "Write the report to this file instead of standard output.")
    var output: String?
}

/// The zero-cell rule of the tetrachoric fits (METHODS §2): analyze, bootstrap and scan.
struct PairwiseOptions: ParsableArguments {
    @Flag(
        name: .customLong("no-correction"),
        help: "Disable the 0.5 zero-cell correction (a zero cell then puts r at ±1).")
    var noCorrection = false

    var correction: Bool { !noCorrection }
}

/// Threads and seed: the same two options, with one help text, on every command that computes.
struct RunOptions: ParsableArguments {
    /// More threads than this many per core only add scheduling cost.
    static let threadsPerCore = 16
    /// The machine's cores: the default of --threads, and the threads of commands without it.
    static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    @Option(help: "Threads (results are bit-identical for any value; at most 16 per core).")
    var threads: Int = RunOptions.cores
    @Option(help: "Seed of the counter-based random streams (same seed ⇒ same result for any thread count).")
    var seed: UInt64 = 1

    func validate() throws {
        try RunOptions.check(threads: threads)
    }

    static func check(threads: Int) throws {
        let cap = RunOptions.threadsPerCore * RunOptions.cores
        if threads < 1 || threads > cap {
            throw ValidationError("--threads must lie in 1...\(cap) (16 per core; got \(threads))")
        }
    }
}

/// The precision of β_full: analyze, bootstrap and scan (METHODS §4).
struct FullPrecisionOptions: ParsableArguments {
    @Option(
        name: .customLong("full-rel-error"),
        help: ArgumentHelp(
            "β_full: extend the tilted-QMC lattices until the standard error is ≤ this fraction of β_full "
                + "(default 1e-3 for analyze, 1e-2 per replicate or subset; 0: the first round only)."))
    var fullRelError: Double?

    func validate() throws {
        if let e = fullRelError, !(e >= 0 && e < 1) {
            throw ValidationError("--full-rel-error must lie in [0, 1) (got \(e))")
        }
    }
}

/// The level of bootstrap and jackknife intervals: bootstrap, vote and merge.
struct IntervalOptions: ParsableArguments {
    @Option(help: "Interval level: the intervals cover 1 − alpha.")
    var alpha: Double = 0.05

    func validate() throws {
        if !BootstrapInterval.isValid(alpha: alpha) {
            throw ValidationError("--alpha must lie in [\(BootstrapInterval.minAlpha), 1) (got \(alpha))")
        }
    }
}

/// The learned routers' signal and settings (METHODS §16.2–§16.4), shared by route and decide.
struct LearnedRouterFlags: ParsableArguments {
    @Option(help: "Learned routers from the prompts: CSV query,text or JSON Lines {\"query\", \"text\"}.")
    var texts: String?
    @Option(help: "Learned routers from numeric features: CSV query,f1,…,fd (e.g. embeddings).")
    var features: String?
    @Option(help: "kNN router: neighbours k.")
    var neighbors: Int = 10
    @Option(help: "Logistic router: L2 penalty λ on the weights (the intercept is not penalised).")
    var l2: Double = 1
    @Option(name: .customLong("hash-buckets"), help: "Text features: hash buckets D.")
    var hashBuckets: Int = 1 << 18

    func validate() throws {
        if texts != nil && features != nil {
            throw ValidationError("give --texts or --features, not both")
        }
        if neighbors < 1 {
            throw ValidationError("--neighbors must be at least 1 (got \(neighbors))")
        }
        if !(l2 > 0 && l2.isFinite) {
            throw ValidationError("--l2 must be a positive number (got \(l2))")
        }
        if hashBuckets < 1 || hashBuckets > 1 << 24 {
            throw ValidationError("--hash-buckets must lie in 1...\(1 << 24) (got \(hashBuckets))")
        }
    }

    /// Whether a signal was given.
    var given: Bool { texts != nil || features != nil }

    /// The signal for the kept queries, or nil without one.
    func load(queryIDs: [String]) throws -> RouterSignals.Load? {
        try texts.map { try RouterSignals.loadTexts($0, queryIDs: queryIDs) }
            ?? features.map { try RouterSignals.loadFeatures($0, queryIDs: queryIDs) }
    }

    var echo: [(String, JSONValue)] {
        [("texts", texts.map { .string($0) } ?? .null), ("features", features.map { .string($0) } ?? .null)]
    }
}
