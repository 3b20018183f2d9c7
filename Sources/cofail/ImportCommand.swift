import ArgumentParser
import CoFail
import Foundation

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Matrices from evaluation-harness logs.",
        subcommands: [Inspect.self]
    )

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Inspect AI JSON logs → a long matrix (query = task/sample id, model = the log's model).",
            discussion: """
                Example:  cofail import inspect logs/ --prices prices.csv -o matrix.csv
                Reads *.json logs (directories: every *.json inside). Scores C/I/N, true/false, yes/no and 0/1 \
                are correctness; P and fractions need --threshold. The .eval zip container is not read: convert \
                it with 'inspect log convert --to json'. Every command reads logs directly with --from inspect.
                """
        )
        @Argument(help: "Log files or directories.")
        var paths: [String]
        @OptionGroup var log: InspectOptions
        @Option(help: "Count fractional scores >= this value as correct (otherwise they are rejected).")
        var threshold: Double?
        @Option(name: .customLong("output-format"), help: "Matrix format: long or jsonl.")
        var outputFormat: InputFormat = .long
        @Option(name: [.short, .customLong("output")], help: "Matrix file ('-' or omitted: standard output).")
        var output: String?

        func validate() throws {
            if let t = threshold, !(t > 0 && t <= 1) {
                throw ValidationError("--threshold must lie in (0, 1] (got \(t))")
            }
            if outputFormat == .wide {
                throw ValidationError("--output-format must be long or jsonl (costs and types need a long format)")
            }
        }

        func run() throws {
            try runReporting {
                let raw = try log.importer(threshold: threshold).load(paths)
                try emit(raw.serialized(as: outputFormat), to: output)
                note("imported \(raw.queryCount) queries × \(raw.modelCount) models from \(paths.count) path(s)")
            }
        }
    }
}

/// How Inspect logs become correctness: `cofail import inspect` and `--from inspect`.
struct InspectOptions: ParsableArguments {
    @Option(help: "Inspect scorer whose value is the correctness (default: the log's first scorer).")
    var scorer: String?
    @Option(help: "CSV model,price_in,price_out (dollars per million tokens): per-call costs from token usage.")
    var prices: String?

    func importer(threshold: Double? = nil) throws -> InspectImporter {
        var i = InspectImporter(scorer: scorer, threshold: threshold)
        if let prices {
            i.prices = try InspectImporter.loadPrices(prices)
        }
        return i
    }
}
