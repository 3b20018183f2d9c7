import ArgumentParser
import CoFail
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

@main
struct CoFailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cofail",
        abstract: "How much can combining LLMs pay? The co-failure ceiling, certified.",
        discussion: """
            No policy whose answer is one of its members' answers can beat accuracy 1 − β, where β is \
            the rate at which every model is wrong on the same query. cofail measures β, certifies it \
            with Clopper–Pearson bounds, and shows how far pairwise copula models underprice it.

            Example:  cofail analyze examples/zeroeval_math_l5/matrix.csv --registry \
            examples/zeroeval_math_l5/models.csv

            --format json reports follow the JSON Schemas in schema/<command>.schema.json of the \
            source tree (schema_version \(reportSchemaVersion)). Shell completions: \
            cofail --generate-completion-script bash|zsh|fish.
            """,
        version: "0.2.0",
        subcommands: [
            Certify.self, Analyze.self, BootstrapCommand.self, ScanCommand.self, VoteCommand.self, MergeCommand.self,
            RouteCommand.self, CascadeCommand.self, ImportCommand.self, Simulate.self, Bounds.self, PlanCommand.self,
            ProfileCommand.self, DecideCommand.self, TimelineCommand.self, FuseCommand.self,
        ]
    )
}

/// Where the report goes. While a command runs, the process's standard output is pointed at
/// standard error, and the report is written to a private copy of the original descriptor: a
/// library that prints (LAPACK's xerbla, for one) can then never corrupt a JSON or CSV report.
enum ReportStream {
    private static let descriptor = Atomic<Int32>(1)

    static func protect() {
        // a file-size limit (ulimit -f) must surface as a write error (exit 74), not kill the process
        signal(SIGXFSZ, SIG_IGN)
        fflush(nil)
        let copy = dup(1)
        guard copy >= 0 else {
            return
        }
        _ = fcntl(copy, F_SETFD, FD_CLOEXEC)
        descriptor.store(copy, ordering: .relaxed)
        _ = dup2(2, 1)
    }

    static func write(_ text: String) throws {
        if let reason = FileWriting.writeAll(text, to: descriptor.load(ordering: .relaxed)) {
            throw CoFailError.output(path: "standard output", reason: reason)
        }
    }

    static func reason(_ error: Error) -> String {
        if let e = error as? CocoaError, let posix = e.underlying as? POSIXError {
            return String(cString: strerror(posix.code.rawValue))
        }
        return (error as NSError).localizedDescription
    }
}

/// SIGINT → the engines' cancellation token; a second Ctrl-C ends the process at once.
enum Interrupts {
    static let token = CancellationToken()

    static func install() -> CancellationToken {
        // a parent may start us with SIGINT blocked (test runners do): Ctrl-C must still reach us
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigprocmask(SIG_UNBLOCK, &set, nil)
        signal(SIGINT) { _ in
            if Interrupts.token.isCancelled {
                _exit(130)
            }
            Interrupts.token.cancel()
        }
        return token
    }
}

/// Process exit codes of the `cofail` CLI (documented in README "Exit codes").
enum ExitStatus: Int32 {
    case ok = 0
    /// Bad flags or option values (swift-argument-parser's validation failures also use 64).
    case usage = 64
    /// Malformed input data: the message names file, line, column and value.
    case dataError = 65
    /// An input file could not be opened or read.
    case noInput = 66
    /// A numerical kernel failed (a bug or an extreme case worth reporting): a `KernelError`.
    case software = 70
    /// An output file could not be written.
    case ioError = 74
    /// Interrupted by SIGINT; completed work was saved and the message says how to resume.
    case interrupted = 130
}

/// An option combination the CLI cannot honour (exit 64).
struct UsageError: Error {
    let message: String

    init(_ message: String) {
        self.message = message
    }
}

/// A run stopped by Ctrl-C after saving its work; `hint` says how to resume (exit 130).
struct Interrupted: Error {
    let hint: String
}

/// The flag that sets a library parameter (`min_model_coverage` → `--min-model-coverage`).
func flag(_ parameter: String) -> String {
    "--" + parameter.replacingOccurrences(of: "_", with: "-")
}

/// What the user can do about a data error, in this CLI's flags.
func words(_ remedy: Remedy) -> String {
    switch remedy {
    case .aggregate: return "--aggregate first|mean|majority combines repeated samples"
    case .threshold: return "give --threshold T (a score ≥ T counts as correct; ≤ T with --lower-is-better)"
    case .skipInvalid: return "--skip-invalid imports the other logs and lists the ones it skips"
    case .metric(let withFilter): return withFilter ? "give --metric NAME[,FILTER]" : "give --metric NAME"
    case .model: return "give --model NAME"
    case .task: return "check --task"
    case .prices: return "price them in --prices, or leave --prices out to import without costs"
    }
}

/// A library error in this CLI's words, and its exit status.
func worded(_ e: CoFailError) -> (String, ExitStatus) {
    switch e {
    case let .invalidParameter(name, value, requirement):
        return ("\(flag(name)) must \(requirement) (got \(value))", .usage)
    case let .data(_, _, _, remedy):
        return (e.description + (remedy.map { "; " + words($0) } ?? ""), .dataError)
    case .unreadable: return (e.description, .noInput)
    case .missingField, .conflict, .unsuitableFile, .runMismatch: return (e.description, .usage)
    case .output: return (e.description, .ioError)
    case .cancelled: return ("interrupted before any result was kept: run the command again", .interrupted)
    }
}

/// Runs a command body, turning cofail's errors into a message on stderr and its exit code.
func runReporting(_ body: () throws -> Void) throws {
    ReportStream.protect()
    do {
        try body()
    } catch let e as CoFailError {
        let (message, status) = worded(e)
        note("error: \(message)")
        throw ExitCode(status.rawValue)
    } catch let e as UsageError {
        note("error: \(e.message)")
        throw ExitCode(ExitStatus.usage.rawValue)
    } catch let e as Interrupted {
        note("interrupted; \(e.hint)")
        throw ExitCode(ExitStatus.interrupted.rawValue)
    } catch let e as KernelError {
        note("error: \(e.description)")
        throw ExitCode(ExitStatus.software.rawValue)
    }
}

/// A line on standard error, prefixed "cofail: ".
func note(_ text: String) {
    try? FileHandle.standardError.write(contentsOf: Data("cofail: \(text)\n".utf8))
}

/// Writes the rendered report to standard output or to `--output`.
func emit(_ text: String, to path: String?) throws {
    guard let path, path != "-" else {
        try ReportStream.write(text)
        return
    }
    do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    } catch {
        throw CoFailError.output(path: path, reason: ReportStream.reason(error))
    }
}
