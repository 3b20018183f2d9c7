import ArgumentParser
import CoFail
import Foundation

@main
struct CoFailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cofail",
        abstract: "How much can combining LLMs pay? The co-failure ceiling, certified.",
        discussion: """
        No policy whose answer is one of its members' answers can beat accuracy 1 − β, where β is
        the rate at which every model is wrong on the same query. cofail measures β, certifies it
        with Clopper–Pearson bounds, and shows how far pairwise copula models underprice it.

        Example:  cofail analyze examples/zeroeval_math_l5/matrix.csv --registry examples/zeroeval_math_l5/models.csv
        """,
        version: "0.1.0",
        subcommands: [Certify.self, Analyze.self, BootstrapCommand.self, ScanCommand.self, MergeCommand.self, Simulate.self, Bounds.self, ProfileCommand.self]
    )
}

/// Runs a command body, turning cofail's errors into a message on stderr and its exit code.
func runReporting(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as CoFailError {
        FileHandle.standardError.write(Data("cofail: error: \(e.description)\n".utf8))
        throw ExitCode(e.exitStatus.rawValue)
    }
}

/// Writes the rendered report to stdout or to `--output`.
func emit(_ text: String, to path: String?) throws {
    guard let path, path != "-" else {
        FileHandle.standardOutput.write(Data(text.utf8))
        return
    }
    do { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) } catch {
        throw CoFailError.output(path: path, reason: error.localizedDescription)
    }
}
