import ArgumentParser
import CoFail
import Foundation

extension VoteControl: ExpressibleByArgument {}

struct VoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vote",
        abstract:
            "Does majority voting beat the best member? Every model subset, model-clustered inference (METHODS §11).",
        discussion: """
            Example:  cofail vote examples/zeroeval_math_l5/matrix.csv --size 3 --replicates 1000 --plot vote.svg
            Subsets are units: --threads, --checkpoint/--resume and --shard i/N work as for scan, and \
            'cofail merge' combines shards. The jackknife leaves one model out at a time (clusters = models); \
            the naive query bootstrap holds the models fixed and is expected to be narrower.
            """
    )

    @Argument(help: "Outcome matrix (a file: shards and checkpoints record its path and hash).")
    var matrix: String
    @Option(help: "Subset size k (odd, 3 ≤ k ≤ m).")
    var size: Int = 3
    @Option(help: "Comma-separated model names forming the pool (default: every model).")
    var models: String?
    @Option(name: .customLong("accuracy-band"), help: "Keep models whose accuracy lies in LO:HI.")
    var accuracyBand: String?
    @Option(help: "Regression control: headroom (best minus mean member accuracy) or none.")
    var control: VoteControl = .headroom
    @Option(help: "Mean subset correlation in the regression: phi, tetrachoric or both.")
    var correlation: String = "both"
    @Option(help: "Naive query-bootstrap replicates (0: none).")
    var replicates: Int = 1000
    @Option(name: .customLong("max-subsets"), help: "Enumerate all subsets up to this many, sample beyond.")
    var maxSubsets: Int = 1_000_000
    @Option(help: "Sample this many distinct subsets instead of enumerating.")
    var subsets: Int?
    @Option(name: .customLong("subsets-out"), help: "Write one CSV row per subset to this file.")
    var subsetsOut: String?
    @Option(help: "Write an SVG of vote gain against mean subset correlation.")
    var plot: String?
    @Option(
        name: .customLong("cost-ratio"),
        help: "Cost per member per query / value of a correct answer: adds the break-even section.")
    var costRatio: Double?
    @OptionGroup var interval: IntervalOptions
    @OptionGroup var pairwise: PairwiseOptions
    @OptionGroup var input: InputOptions
    @OptionGroup var engine: EngineOptions
    @OptionGroup var out: OutputOptions

    func validate() throws {
        if size < 3 || size % 2 == 0 {
            throw ValidationError("--size must be odd and at least 3 (got \(size))")
        }
        if replicates < 0 || replicates > 1_000_000 {
            throw ValidationError("--replicates must lie in 0...1000000 (got \(replicates))")
        }
        if maxSubsets < 1 {
            throw ValidationError("--max-subsets must be at least 1 (got \(maxSubsets))")
        }
        if let s = subsets, s < 1 {
            throw ValidationError("--subsets must be at least 1 (got \(s))")
        }
        if let c = costRatio, !(c > 0 && c.isFinite) {
            throw ValidationError("--cost-ratio must be a positive number (got \(c))")
        }
        _ = try band()
        _ = try correlations()
        try engine.requireFile(matrix, command: "vote")
        try input.requireMatrixFile(command: "vote")
    }

    func band() throws -> ClosedRange<Double>? {
        guard let accuracyBand else {
            return nil
        }
        let parts = accuracyBand.split(separator: ":").map { Double($0) }
        guard parts.count == 2, let lo = parts[0], let hi = parts[1], lo.isFinite, hi.isFinite, lo <= hi else {
            throw ValidationError("--accuracy-band must be LO:HI with LO <= HI (got '\(accuracyBand)')")
        }
        return lo...hi
    }

    func correlations() throws -> [VoteCorrelation] {
        switch correlation {
        case "both": return [.phi, .tetrachoric]
        case "phi": return [.phi]
        case "tetrachoric": return [.tetrachoric]
        default: throw ValidationError("--correlation must be phi, tetrachoric or both (got '\(correlation)')")
        }
    }

    func run() throws {
        try runReporting {
            let ei = input.engineInput(matrix)
            let modelList = models?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let (raw, x, cov, hash) = try ei.load(threads: engine.common.threads, models: modelList)
            let pool = try VotePool(x, accuracyBand: try band())
            var o = VoteOptions()
            o.size = size
            o.control = control
            o.correlations = try correlations()
            o.replicates = replicates
            o.alpha = interval.alpha
            o.maxSubsets = maxSubsets
            o.subsets = subsets
            o.seed = engine.common.seed
            o.correction = pairwise.correction
            o.cancellation = Interrupts.install()
            let vote = try VoteEngine(pool, options: o)
            var signature = RunSignature(
                command: "vote", input: ei, matrixHash: hash, seed: o.seed,
                zeroCellCorrection: o.correction)
            signature.vote = VoteSignature(
                options: o, models: pool.matrix.modelNames, selected: modelList, costRatio: costRatio)
            let table = try engine.execute(
                engine: "vote", signature: signature, columns: vote.columns,
                units: vote.units, output: out.output
            ) { try vote.compute($0) }
            guard let table else {
                return
            }
            var inputs: [(String, JSONValue)] = [
                ("matrix", .string(matrix)), ("size", .int(size)), ("control", .string(control.rawValue)),
                ("correlation", .string(correlation)), ("replicates", .int(replicates)),
                ("seed", .string(String(o.seed))), ("alpha", .number(interval.alpha)),
                ("models", models.map { .string($0) } ?? .null),
                ("accuracy_band", accuracyBand.map { .string($0) } ?? .null),
                ("cost_ratio", .num(costRatio)),
            ]
            inputs += input.echo
            try finishVote(
                vote, table: table, pool: pool, costRatio: costRatio, subsetsOut: subsetsOut, plot: plot,
                out: out, sections: [.data(raw, x, cov)], inputs: inputs)
        }
    }
}

/// Shared by `vote` and `merge`: the summary, its files and the report.
func finishVote(
    _ vote: VoteEngine, table: UnitTable, pool: VotePool, costRatio: Double?, subsetsOut: String?,
    plot: String?, out: OutputOptions, sections: [Report.Section], inputs: [(String, JSONValue)]
) throws {
    let summary = try VoteSummary(engine: vote, table: table, keepRows: subsetsOut != nil || plot != nil)
    let names = pool.matrix.modelNames
    if let subsetsOut {
        try emit(summary.subsetsCSV(names: names), to: subsetsOut)
    }
    if let plot {
        try emit(summary.plot(), to: plot)
    }
    var report = Report(command: "vote", inputs: inputs, sections: sections + [.vote(summary, names: names)])
    let f = try VotePoolFloor(summary, costRatio: costRatio)
    report.sections.append(
        .majorityFloor(
            f.floor, reason: f.reason, calibration: VotePoolFloor.calibration,
            pool: (f.observedError, f.heterogeneousError, f.symmetricError)))
    if let b = f.breakEven {
        report.sections.append(.breakEven(b))
    }
    try emit(report.render(out.format), to: out.output)
}
