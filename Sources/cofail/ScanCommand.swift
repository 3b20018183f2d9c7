import ArgumentParser
import CoFail
import Foundation

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Pool-size scan: U_tet over random model subsets per size (METHODS §7).",
        discussion: """
            Example:  cofail scan examples/zeroeval_math_l5/matrix.csv --sizes 2:43 --subsets 200 --plot scan.svg
            Each subset applies the complete-coverage policy to its own columns.
            """
    )

    @Argument(help: "Outcome matrix (a file).")
    var matrix: String
    @Option(help: "Pool sizes: FROM:TO[:STEP] or a comma list (default 2:m).")
    var sizes: String?
    @Option(help: "Random subsets per size (all subsets when fewer exist).")
    var subsets: Int = 200
    @Flag(help: "Also compute U_full per subset (nearest correlation matrix + tilted estimator).")
    var full = false
    @Option(help: "Write an SVG of median U_tet against pool size with the 10–90 band.")
    var plot: String?
    @OptionGroup var fullPrecision: FullPrecisionOptions
    @OptionGroup var pairwise: PairwiseOptions
    @OptionGroup var input: InputOptions
    @OptionGroup var engine: EngineOptions
    @OptionGroup var out: OutputOptions

    func validate() throws {
        if subsets < 1 {
            throw ValidationError("--subsets must be at least 1 (got \(subsets))")
        }
        try engine.requireFile(matrix, command: "scan")
        try input.requireMatrixFile(command: "scan")
        if input.minModelCoverage != nil {
            throw ValidationError("scan applies the complete policy per subset; --min-model-coverage does not apply")
        }
    }

    func run() throws {
        try runReporting {
            var ei = input.engineInput(matrix)
            ei.minModelCoverage = nil
            let (raw, hash) = try ei.loadRaw(threads: engine.common.threads)
            guard raw.modelCount >= 2 else {
                throw UsageError("scan needs at least two models (\(matrix) has \(raw.modelCount))")
            }
            let sizeText = sizes ?? "2:\(raw.modelCount)"
            let sizeList = try PoolScan.parseSizes(sizeText, models: raw.modelCount)
            let units = sizeList.reduce(0) { $0 + Subsets.count(n: raw.modelCount, k: $1, cap: subsets) }
            if let problem = UnitTable.capacityProblem(units: units, columns: PoolScan.columns.count) {
                throw UsageError("--subsets \(subsets) over \(sizeList.count) sizes: \(problem)")
            }
            let seed = engine.common.seed
            let relError = fullPrecision.fullRelError ?? Precision.replicate.fullRelError
            let scan = try PoolScan(
                raw, sizes: sizeList, subsets: subsets, seed: seed,
                correction: pairwise.correction, full: full, fullRelError: relError, threads: engine.common.threads)
            var signature = RunSignature(
                command: "scan", input: ei, matrixHash: hash, seed: seed,
                zeroCellCorrection: pairwise.correction)
            signature.sizes = sizeList
            signature.subsets = subsets
            signature.full = full
            signature.fullRelError = full ? relError : nil
            let table = try engine.execute(
                engine: "scan", signature: signature, columns: PoolScan.columns,
                units: scan.units.count, output: out.output
            ) { try scan.compute($0) }
            guard let table else {
                return
            }
            let inputs: [(String, JSONValue)] = [
                ("matrix", .string(matrix)), ("sizes", .string(sizeText)), ("subsets", .int(subsets)),
                ("seed", .string(String(seed))), ("full", .bool(full)),
            ]
            try finishScan(
                table, full: full, seed: seed, subsets: subsets, plot: plot, out: out,
                inputs: inputs + input.echo)
        }
    }
}

func finishScan(
    _ table: UnitTable, full: Bool, seed: UInt64, subsets: Int, plot: String?, out: OutputOptions,
    inputs: [(String, JSONValue)]
) throws {
    let summary = ScanSummary(table, full: full)
    if let plot { try emit(summary.plot(), to: plot) }
    let report = Report(command: "scan", inputs: inputs, sections: [summary.section(seed: seed, subsets: subsets)])
    try emit(report.render(out.format), to: out.output)
}
