import ArgumentParser
import CoFail

struct Certify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Certify the co-failure ceiling 1 − β of a pool (METHODS §1).",
        discussion: """
            From a matrix:   cofail certify matrix.csv --overhead 0.02
            From counts:     cofail certify --all-wrong 16 --queries 425 --best-correct 379
            Sequential:      cofail certify matrix.csv --sequential --overhead 0.02 --shuffle --trace t.csv
            Reads standard input for '-'. --sequential reads the queries in order (or in a seeded random \
            order with --shuffle) and stops at the first query after which confidence sequences valid at \
            every sample size decide: no selection policy can gain the overhead over the best model, or at \
            least the overhead of headroom exists (METHODS §15).
            """
    )

    @Argument(help: "Outcome matrix (wide CSV, long CSV or JSON Lines; '-' for stdin). Omit in counts-only mode.")
    var paths: [String] = []
    var matrix: String? { paths.isEmpty ? nil : paths.joined(separator: " ") }

    @OptionGroup var input: InputOptions
    @OptionGroup var levels: CertificateFlags
    @OptionGroup var out: OutputOptions
    @OptionGroup var sequential: SequentialFlags

    @Option(name: .customLong("all-wrong"), help: "Counts-only mode: number of queries every model got wrong (k).")
    var allWrong: Int?
    @Option(help: "Counts-only mode: number of queries (n).")
    var queries: Int?
    @Option(name: .customLong("best-correct"), help: "Counts-only mode: correct answers of the best model.")
    var bestCorrect: Int?

    func validate() throws {
        try input.check(paths, optional: true)
        let counts = [allWrong, queries, bestCorrect].filter { $0 != nil }.count
        if matrix != nil && counts > 0 {
            throw ValidationError("give either MATRIX or --all-wrong/--queries/--best-correct, not both")
        }
        if matrix == nil && counts != 3 {
            throw ValidationError("give MATRIX, or all three of --all-wrong, --queries and --best-correct")
        }
        try sequential.check(matrix: matrix != nil, input: input)
    }

    func run() throws {
        try runReporting {
            var report = Report(
                command: "certify", inputs: [("matrix", matrix.map { .string($0) } ?? .null)] + input.echo + levels.echo
            )
            if !paths.isEmpty {
                let (raw, x, cov) = try input.load(paths, threads: RunOptions.cores)
                let c = try Certificate(x, options: levels.options)
                report.sections = [.data(raw, x, cov), .certificate(c)]
                if sequential.sequential {
                    report.inputs += sequential.echo
                    let s = try SequentialCertificate(x, options: sequential.options(levels))
                    report.sections.append(.sequential(s))
                    if let trace = sequential.trace { try emit(s.traceCSV(), to: trace) }
                    if let plot = sequential.plot { try emit(s.plot(), to: plot) }
                }
            } else {
                report.inputs += [
                    ("all_wrong", .int(allWrong!)), ("queries", .int(queries!)), ("best_correct", .int(bestCorrect!)),
                ]
                let c = try Certificate(
                    allWrong: allWrong!, queries: queries!, bestCorrect: bestCorrect!, options: levels.options)
                report.sections = [.certificate(c)]
            }
            try emit(report.render(out.format), to: out.output)
        }
    }
}

/// `certify --sequential` (METHODS §15.3, §15.5).
struct SequentialFlags: ParsableArguments {
    @Flag(help: "Grade until the ceiling decides: confidence sequences valid at every number of graded queries.")
    var sequential = false
    @OptionGroup var prior: PriorOption
    @Flag(help: "With --sequential: read the queries in a seeded random order (key of METHODS §13.7).")
    var shuffle = false
    @Option(help: "With --shuffle: seed of the order.")
    var seed: UInt64?
    @Option(help: "With --sequential: one trace row every N queries (default: up to 10^4 rows; the last query always).")
    var every: Int?
    @Option(help: "With --sequential: write the trace CSV (t, k_t, the β and G bounds, the decision so far).")
    var trace: String?
    @Option(help: "With --sequential: write an SVG of the headroom bounds against queries graded.")
    var plot: String?
    @Option(help: "With --sequential: threads over the tracked rates (the result does not depend on it).")
    var threads: Int = RunOptions.cores

    /// The overhead when --overhead is not given (METHODS §14).
    static let defaultOverhead = 0.01

    func check(matrix: Bool, input: InputOptions) throws {
        let needs: [(Bool, String)] = [
            (shuffle, "--shuffle"), (seed != nil, "--seed"), (every != nil, "--every"), (trace != nil, "--trace"),
            (plot != nil, "--plot"), (prior.prior != "0.5,0.5", "--prior"),
        ]
        if !sequential, let flag = needs.first(where: { $0.0 })?.1 {
            throw ValidationError("\(flag) applies to --sequential only")
        }
        guard sequential else {
            return
        }
        if !matrix {
            throw ValidationError("--sequential reads the queries of a matrix: give MATRIX, not counts")
        }
        if input.minModelCoverage != nil {
            throw ValidationError(
                "--sequential keeps the complete queries only (METHODS §15.3): --min-model-coverage would choose "
                    + "models after seeing every query; drop it")
        }
        if seed != nil && !shuffle {
            throw ValidationError("--seed orders the queries of --shuffle: add --shuffle")
        }
        if let every, every < 1 {
            throw ValidationError("--every must be at least 1 (got \(every))")
        }
        try RunOptions.check(threads: threads)
    }

    func options(_ levels: CertificateFlags) throws -> SequentialOptions {
        var o = SequentialOptions()
        o.overhead = levels.overhead ?? SequentialFlags.defaultOverhead
        o.delta = levels.delta
        o.prior = try prior.value()
        o.shuffleSeed = shuffle ? (seed ?? 1) : nil
        o.every = every
        o.threads = threads
        return o
    }

    var echo: [(String, JSONValue)] {
        [
            ("sequential", .bool(true)), ("prior", .string(prior.prior)), ("shuffle", .bool(shuffle)),
            ("seed", shuffle ? .string(String(seed ?? 1)) : .null), ("every", every.map { .int($0) } ?? .null),
        ]
    }
}
