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
            RouteCommand.self, CascadeCommand.self, ImportCommand.self, Simulate.self, Bounds.self, ProfileCommand.self,
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
        let fd = descriptor.load(ordering: .relaxed)
        var bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR {
                    continue
                }
                throw CoFailError.output(path: "standard output", reason: String(cString: strerror(errno)))
            }
            done += n
        }
        bytes.removeAll()
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

/// Runs a command body, turning cofail's errors into a message on stderr and its exit code.
func runReporting(_ body: () throws -> Void) throws {
    ReportStream.protect()
    do {
        try body()
    } catch let CoFailError.invalidParameter(name, value, requirement) {
        let flag = "--" + name.replacingOccurrences(of: "_", with: "-")
        note("error: \(flag) must \(requirement) (got \(value))")
        throw ExitCode(ExitStatus.usage.rawValue)
    } catch let e as CoFailError {
        note("error: \(e.description)")
        throw ExitCode(e.exitStatus.rawValue)
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
