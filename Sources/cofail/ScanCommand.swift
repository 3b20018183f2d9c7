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
    @OptionGroup var pairwise: PairwiseOptions
    @OptionGroup var input: InputOptions
    @OptionGroup var engine: EngineOptions
    @OptionGroup var out: OutputOptions

    func validate() throws {
        if subsets < 1 { throw ValidationError("--subsets must be at least 1 (got \(subsets))") }
        try engine.requireFile(matrix, command: "scan")
        if input.minModelCoverage != nil { throw ValidationError("scan applies the complete policy per subset; --min-model-coverage does not apply") }
    }

    func run() throws {
        try runReporting {
            let ei = EngineInput(path: matrix, format: input.inputFormat, threshold: input.threshold, minModelCoverage: nil, registry: input.registry)
            let (raw, hash) = try ei.loadRaw()
            guard raw.modelCount >= 2 else { throw CoFailError.usage("scan needs at least two models (\(matrix) has \(raw.modelCount))") }
            let sizeList = try PoolScan.parseSizes(sizes ?? "2:\(raw.modelCount)", models: raw.modelCount)
            let scan = try PoolScan(raw, sizes: sizeList, subsets: subsets, seed: engine.seed, correction: pairwise.correction, full: full)
            let signature = JSONValue.object([("command", .string("scan")), ("matrix_hash", .string(hash)),
                                              ("sizes", .string(sizeList.map(String.init).joined(separator: ","))), ("subsets", .string(String(subsets))),
                                              ("seed", .string(String(engine.seed))), ("zero_cell_correction", .string(String(pairwise.correction))),
                                              ("full", .string(String(full)))] + ei.signature).canonical
            guard let table = try engine.execute(engine: "scan", signature: signature, columns: PoolScan.columns, units: scan.units.count,
                                                 output: out.output, compute: { try scan.compute($0) }) else { return }
            try finishScan(table, full: full, seed: engine.seed, subsets: subsets, plot: plot, out: out,
                           inputs: [("matrix", .string(matrix)), ("sizes", .string(sizes ?? "2:\(raw.modelCount)")), ("subsets", .int(subsets)),
                                    ("seed", .string(String(engine.seed))), ("full", .bool(full))] + input.echo)
        }
    }
}

func finishScan(_ table: UnitTable, full: Bool, seed: UInt64, subsets: Int, plot: String?, out: OutputOptions, inputs: [(String, JSONValue)]) throws {
    let summary = ScanSummary(table, full: full)
    if let plot { try emit(summary.plot(), to: plot) }
    let report = Report(command: "scan", inputs: inputs, sections: [summary.section(seed: seed, subsets: subsets)])
    try emit(report.render(out.format), to: out.output)
}
