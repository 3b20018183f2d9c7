import ArgumentParser
import CoFail
import Foundation

extension CascadeObjective: ExpressibleByArgument {}

struct CascadeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cascade",
        abstract: "Does a confidence cascade pay? Cascade against random mixing and the strong model (METHODS §13).",
        discussion: """
            Example:  cofail cascade examples/cascade/matrix.csv --cheap small --strong large --plot cascade.svg
            Input: long CSV or JSON Lines with a confidence for the cheap model (costs optional). The cascade \
            escalates a query to the strong model when the cheap model's confidence is below τ. Its integrated \
            advantage over random mixing is a_S(1 − a_S)(AUC − ½) plus a tail-edge part. On a matrix file the \
            noise replicates are units: --threads, --checkpoint/--resume and --shard i/N work as for bootstrap, \
            and 'cofail merge' combines shards.
            """
    )

    @Argument(
        help: "Outcome matrix with a confidence column (long CSV or JSON Lines; '-' for stdin; with --from: log paths)."
    )
    var paths: [String]
    var matrix: String { paths.joined(separator: " ") }
    @Option(help: "Cheap model S (default: the only model with confidences).")
    var cheap: String?
    @Option(help: "Strong model L (default: the most accurate other model).")
    var strong: String?
    @Option(help: "Quality floor A_min (default: (a_S + a_L)/2).")
    var floor: Double?
    @Option(help: "Held-out folds for the threshold choice.")
    var folds: Int = 5
    @Option(help: "Held-out objective: advantage, floor or escalation.")
    var objective: CascadeObjective = .advantage
    @Option(name: .customLong("max-escalation"), help: "Largest escalation fraction for --objective escalation.")
    var maxEscalation: Double = 0.3
    @Option(name: .customLong("noise-levels"), help: "Comma-separated noise levels η in [0, 1].")
    var noiseLevels: String = "0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1"
    @Option(name: .customLong("noise-seeds"), help: "Replicates per noise level.")
    var noiseSeeds: Int = 20
    @Flag(name: .customLong("all-pairs"), help: "One summary row for every (cheap, strong) pair with confidences.")
    var allPairs = false
    @Option(help: "Write an SVG: accuracy against escalation, and the integrated advantage against AUC.")
    var plot: String?
    @OptionGroup var engine: EngineOptions
    @OptionGroup var input: InputOptions
    @OptionGroup var out: OutputOptions

    func validate() throws {
        try input.check(paths, optional: false)
        if let a = floor, !(a >= 0 && a <= 1) {
            throw ValidationError("--floor must lie in [0, 1] (got \(a))")
        }
        if folds < 2 {
            throw ValidationError("--folds must be at least 2 (got \(folds))")
        }
        if !(maxEscalation >= 0 && maxEscalation <= 1) {
            throw ValidationError("--max-escalation must lie in [0, 1] (got \(maxEscalation))")
        }
        if noiseSeeds < 1 || noiseSeeds > 100_000 {
            throw ValidationError("--noise-seeds must lie in 1...100000 (got \(noiseSeeds))")
        }
        if let c = cheap, c == strong {
            throw ValidationError("--cheap and --strong name the same model ('\(c)')")
        }
        _ = try levels()
        if allPairs && (cheap != nil || strong != nil) {
            throw ValidationError("--all-pairs takes every pair: drop --cheap and --strong")
        }
        if engine.checkpoint != nil || engine.shard != nil {
            if allPairs {
                throw ValidationError("--checkpoint and --shard run one pair's noise replicates: drop --all-pairs")
            }
            try engine.requireFile(matrix, command: "cascade")
            try input.requireMatrixFile(command: "cascade")
        }
    }

    func levels() throws -> [Double] {
        let v = noiseLevels.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !v.isEmpty, v.allSatisfy({ $0 != nil && $0! >= 0 && $0! <= 1 }) else {
            throw ValidationError("--noise-levels must be comma-separated numbers in [0, 1] (got '\(noiseLevels)')")
        }
        return v.map { $0! }
    }

    func run() throws {
        try runReporting {
            // one matrix file: its noise replicates run on the engine (checkpoints, shards, Ctrl-C)
            let onFile = input.from == nil && matrix != "-" && !allPairs
            let loaded = onFile ? try input.engineInput(matrix).loadRaw(threads: engine.common.threads) : nil
            let raw = try loaded?.raw ?? input.raw(paths, threads: engine.common.threads)
            let fileHash = loaded?.hash
            var o = CascadeOptions()
            o.floor = floor
            o.folds = folds
            o.seed = engine.common.seed
            o.objective = objective
            o.maxEscalation = maxEscalation
            o.noiseLevels = try levels()
            o.noiseSeeds = noiseSeeds
            o.threads = engine.common.threads
            let inputs: [(String, JSONValue)] =
                [
                    ("matrix", .string(matrix)), ("cheap", cheap.map { .string($0) } ?? .null),
                    ("strong", strong.map { .string($0) } ?? .null), ("floor", .num(floor)), ("folds", .int(folds)),
                    ("objective", .string(objective.rawValue)), ("max_escalation", .number(maxEscalation)),
                    ("noise_levels", .array(o.noiseLevels.map { .number($0) })), ("noise_seeds", .int(noiseSeeds)),
                    ("seed", .string(String(engine.common.seed))), ("all_pairs", .bool(allPairs)),
                ] + input.echo
            if allPairs {
                let (pairs, skipped) = try CascadeInput.allPairs(raw, policy: input.policy)
                let rows = try pairs.map { p in
                    try CascadeAnalysis(
                        p.sample, ids: p.ids, cheap: raw.modelNames[p.cheap], strong: raw.modelNames[p.strong],
                        options: o)
                }
                let report = Report(
                    command: "cascade", inputs: inputs, sections: [.cascadePairs(rows, skipped: skipped)])
                try emit(report.render(out.format), to: out.output)
                return
            }
            let pair = try CascadeInput(raw, cheap: cheap, strong: strong, policy: input.policy)
            var noiseTable: UnitTable?
            if let hash = fileHash {
                var signature = RunSignature(
                    command: "cascade", input: input.engineInput(matrix), matrixHash: hash, seed: o.seed,
                    zeroCellCorrection: true)
                signature.cascade = CascadeSignature(
                    cheap: raw.modelNames[pair.cheap], strong: raw.modelNames[pair.strong], floor: floor, folds: folds,
                    objective: objective.rawValue, maxEscalation: maxEscalation, noiseLevels: o.noiseLevels,
                    noiseSeeds: noiseSeeds)
                let units = try CascadeAnalysis.noiseUnits(pair.sample, options: o)
                noiseTable = try engine.execute(
                    engine: "cascade", signature: signature, columns: CascadeNoise.columns, units: units.count,
                    output: out.output
                ) { try units.compute($0) }
                guard noiseTable != nil else {
                    return
                }
            }
            try finishCascade(
                raw: raw, pair: pair, options: o, noiseTable: noiseTable, plot: plot, out: out, inputs: inputs)
        }
    }
}

/// Shared by `cascade` and `merge`: one pair's analysis (its noise replicates from `noiseTable`, or
/// computed here), its plot and its report.
func finishCascade(
    raw: RawMatrix, pair: CascadeInput, options o: CascadeOptions, noiseTable: UnitTable?, plot: String?,
    out: OutputOptions, inputs: [(String, JSONValue)]
) throws {
    let a = try CascadeAnalysis(
        pair.sample, ids: pair.ids, cheap: raw.modelNames[pair.cheap], strong: raw.modelNames[pair.strong],
        options: o, noiseTable: noiseTable)
    if let plot {
        try emit(a.plot(), to: plot)
    }
    let report = Report(command: "cascade", inputs: inputs, sections: [.cascadeData(raw, pair), .cascade(a)])
    try emit(report.render(out.format), to: out.output)
}
