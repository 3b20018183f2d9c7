/// Process exit codes of the `cofail` CLI (documented in README "Exit codes").
public enum ExitStatus: Int32, Sendable {
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

/// Where in an input a problem sits. `line` and `column` are 1-based; `column` may carry the
/// header name of that column.
public struct InputLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    public var columnName: String?

    public init(file: String, line: Int? = nil, column: Int? = nil, columnName: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.columnName = columnName
    }

    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        if let column {
            s += ":\(column)"
            if let columnName { s += " (column '\(columnName)')" }
        } else if let columnName {
            s += " (field '\(columnName)')"
        }
        return s
    }
}

extension CoFailError {
    /// A parameter outside its domain (see `invalidParameter`).
    static func invalid(_ name: String, _ value: some CustomStringConvertible, _ requirement: String) -> CoFailError {
        .invalidParameter(name: name, value: value.description, requirement: requirement)
    }
}

/// Every failure cofail reports to a user, except a numerical kernel's, which is thrown as `KernelError`.
public enum CoFailError: Error, CustomStringConvertible, Sendable {
    /// Malformed data: location, the offending value (if any) and what is wrong.
    case data(InputLocation, value: String?, message: String)
    /// The input could not be read at all.
    case unreadable(path: String, reason: String)
    /// An option value or combination that cannot be honoured.
    case usage(String)
    /// A parameter outside its domain: its name (as the library spells it, `min_model_coverage`),
    /// the value given, and what it must satisfy. The CLI words the name as its flag.
    case invalidParameter(name: String, value: String, requirement: String)
    /// An output could not be written.
    case output(path: String, reason: String)
    /// The run was interrupted; `resumeHint` says how to continue.
    case interrupted(resumeHint: String)

    public var description: String {
        switch self {
        case let .data(loc, value, message):
            if let value { return "\(loc): \(message) (value: '\(InputText.printable(value))')" }
            return "\(loc): \(message)"
        case let .unreadable(path, reason): return "\(path): cannot read input: \(reason)"
        case let .usage(message): return message
        case let .invalidParameter(name, value, requirement): return "\(name) must \(requirement) (got \(value))"
        case let .output(path, reason): return "\(path): cannot write output: \(reason)"
        case let .interrupted(hint): return "interrupted; \(hint)"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .data: return .dataError
        case .unreadable: return .noInput
        case .usage, .invalidParameter: return .usage
        case .output: return .ioError
        case .interrupted: return .interrupted
        }
    }
}

enum InputText {
    /// A value as it can be shown in one line of an error message.
    static func printable(_ s: String) -> String {
        let limit = 60
        var out = ""
        for scalar in s.unicodeScalars.prefix(limit) {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        if s.unicodeScalars.count > limit { out += "…" }
        return out
    }
}
