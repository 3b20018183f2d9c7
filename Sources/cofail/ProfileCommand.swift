import ArgumentParser
import CoFail
import Foundation

struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract:
            "Quick throughput report (draws/s, pairs/s, replicates/s, subsets/s, thread scaling) for sizing a study.",
        discussion: "Example:  cofail profile --models 200 --queries 5000 --threads 8"
    )
    @Option(help: "Models in the generated matrix.") var models: Int = 67
    @Option(help: "Queries in the generated matrix.") var queries: Int = 330
    @OptionGroup var common: RunOptions
    @OptionGroup var out: OutputOptions

    func validate() throws {
        if models < 2 { throw ValidationError("--models must be at least 2 (got \(models))") }
        if queries < 10 { throw ValidationError("--queries must be at least 10 (got \(queries))") }
        if models > 5000 || queries > 10_000_000 {
            throw ValidationError("profile sizes are capped at 5000 models and 10^7 queries")
        }
    }

    func run() throws {
        try runReporting {
            let p = try ThroughputProfile(models: models, queries: queries, threads: common.threads, seed: common.seed)
            let inputs: [(String, JSONValue)] = [
                ("models", .int(models)), ("queries", .int(queries)), ("threads", .int(common.threads)),
            ]
            let report = Report(command: "profile", inputs: inputs, sections: [p.section()])
            try emit(report.render(out.format), to: out.output)
        }
    }
}
