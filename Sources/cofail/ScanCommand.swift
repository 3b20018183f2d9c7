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
    @Flag(name: .customLong("no-correction"), help: "Disable the 0.5 zero-cell correction.")
    var noCorrection = false
    @OptionGroup var input: InputOptions
    @OptionGroup var engine: EngineOptions
    @OptionGroup var out: OutputOptions

    func validate() throws {
        if subsets < 1 { throw ValidationError("--subsets must be at least 1 (got \(subsets))") }
        if matrix == "-" { throw ValidationError("scan needs a file, not '-': checkpoints and shards record the matrix path and hash") }
        if input.minModelCoverage != nil { throw ValidationError("scan applies the complete policy per subset; --min-model-coverage does not apply") }
    }

    func run() throws {
        try runReporting {
            let ei = EngineInput(path: matrix, format: input.inputFormat, threshold: input.threshold, minModelCoverage: nil, registry: input.registry)
            let bytes = try ByteInput.read(matrix)
            let raw = try MatrixLoader(format: input.inputFormat, threshold: input.threshold).load(bytes)
            let sizeList = try PoolScan.parseSizes(sizes ?? "2:\(raw.modelCount)", models: raw.modelCount)
            let scan = try PoolScan(raw, sizes: sizeList, subsets: subsets, seed: engine.seed, correction: !noCorrection, full: full)
            let signature = JSONValue.object([("command", .string("scan")), ("matrix_hash", .string(contentHash(bytes.bytes))),
                                              ("sizes", .string(sizeList.map(String.init).joined(separator: ","))), ("subsets", .string(String(subsets))),
                                              ("seed", .string(String(engine.seed))), ("zero_cell_correction", .string(String(!noCorrection))),
                                              ("full", .string(String(full)))] + ei.signature).canonical
            let shard = try engine.resolvedShard()
            var table = try engine.table(signature: signature, columns: PoolScan.columns, units: scan.units.count, shard: shard)
            try engine.run(&table, label: "scan", command: "cofail scan \(CommandLine.arguments.dropFirst(2).filter { $0 != "--resume" }.joined(separator: " "))") { u in
                try scan.compute(u)
            }
            if shard.count > 1 {
                try emit(table.serialized(), to: out.output)
                FileHandle.standardError.write(Data("cofail: shard \(shard.text): \(table.completed) subsets; combine with 'cofail merge'\n".utf8))
                return
            }
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

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine shard files of one bootstrap or scan run into exactly the result of the unsharded run.",
        discussion: "Example:  cofail merge boot-0.units boot-1.units boot-2.units --format json"
    )
    @Argument(help: "Shard files written by 'cofail bootstrap|scan --shard i/N'.")
    var files: [String]
    @Option(help: "Bootstrap interval level: 1 − alpha.")
    var alpha: Double = 0.05
    @Option(help: "Bootstrap: write replicate-level values as CSV.")
    var samples: String?
    @Option(help: "Write the run's SVG plot.")
    var plot: String?
    @OptionGroup var out: OutputOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give the shard files to merge") }
        if !(alpha > 0 && alpha < 1) { throw ValidationError("--alpha must lie in (0, 1) (got \(alpha))") }
    }

    func run() throws {
        try runReporting {
            let table = try UnitTable.merge(files.map { ($0, try UnitTable.read($0)) })
            let sig = table.signature
            let ei = try EngineInput(signature: sig)
            let seed = UInt64(sig[field: "seed"] ?? "1") ?? 1
            let echo: [(String, JSONValue)] = [("matrix", .string(ei.path)), ("merged_shards", .int(files.count)), ("seed", .string(String(seed)))]
            switch sig[field: "command"] {
            case "bootstrap":
                let (raw, x, cov, hash) = try ei.load()
                guard hash == sig[field: "matrix_hash"] else {
                    throw CoFailError.usage("\(ei.path) has changed since the shards were computed (hash \(hash), shards \(sig[field: "matrix_hash"] ?? "?"))")
                }
                let stats = (sig[field: "stats"] ?? "").split(separator: ",").compactMap { BootstrapStatistic(rawValue: String($0)) }
                let boot = try Bootstrap(x, stats: stats, seed: seed, correction: sig[field: "zero_cell_correction"] != "false",
                                         fullPoints: Int(sig[field: "full_draws"] ?? "") ?? 10_000)
                let summary = BootstrapSummary(stats: stats, estimates: try boot.estimate(), table: table, jackknife: try boot.jackknife(), alpha: alpha)
                try finishBootstrap(summary, raw: raw, x: x, cov: cov, samples: samples, plot: plot, out: out,
                                    inputs: echo + [("replicates", .int(table.units)), ("stats", .string(sig[field: "stats"] ?? "")), ("alpha", .number(alpha))])
            case "scan":
                try finishScan(table, full: sig[field: "full"] == "true", seed: seed, subsets: Int(sig[field: "subsets"] ?? "") ?? 0, plot: plot, out: out,
                               inputs: echo + [("sizes", .string(sig[field: "sizes"] ?? "")), ("subsets", .int(Int(sig[field: "subsets"] ?? "") ?? 0))])
            default:
                throw CoFailError.usage("\(files[0]) does not come from bootstrap or scan")
            }
        }
    }
}
