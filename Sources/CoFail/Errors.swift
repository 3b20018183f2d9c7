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

/// What a user can do about a data error; the CLI words it with its flags.
public enum Remedy: Sendable, Equatable {
    /// Combine repeated samples of a cell (first, mean or majority).
    case aggregate
    /// Give a threshold that turns scores into correctness (and its direction).
    case threshold
    /// Import what is valid and list what is skipped.
    case skipInvalid
    /// Name the metric (lm-eval: with its filter) or statistic read as correctness.
    case metric(withFilter: Bool)
    /// Name the model for every run read.
    case model
    /// Keep only some tasks.
    case task
    /// Price every model whose calls were logged, or import without costs.
    case prices
}

/// Every failure cofail reports, except a numerical kernel's (`KernelError`). Each case carries
/// fields, not wording for a particular front end: a command-line tool names its own flags and
/// maps cases to exit codes.
public enum CoFailError: Error, CustomStringConvertible, Sendable {
    /// Malformed data: location, the offending value (if any), what is wrong, and what helps.
    case data(InputLocation, value: String?, message: String, remedy: Remedy? = nil)
    /// The input could not be read at all.
    case unreadable(path: String, reason: String)
    /// A parameter outside its domain: its name (as the library spells it, `min_model_coverage`),
    /// the value given, and what it must satisfy.
    case invalidParameter(name: String, value: String, requirement: String)
    /// An analysis needs a field the input does not have (`type`, `confidence`, `cost`).
    case missingField(field: String, neededBy: String)
    /// Inputs or parameters that cannot be used together, in words.
    case conflict(String)
    /// A file that cannot serve its purpose (a checkpoint at a FIFO, a link).
    case unsuitableFile(path: String, problem: String)
    /// Unit files, a checkpoint or a matrix that do not belong to the same run: what differs.
    case runMismatch(String)
    /// An output could not be written.
    case output(path: String, reason: String)
    /// A cancellation token stopped the work before any result could be kept.
    case cancelled

    public var description: String {
        switch self {
        case let .data(loc, value, message, _):
            if let value { return "\(loc): \(message) (value: '\(InputText.printable(value))')" }
            return "\(loc): \(message)"
        case let .unreadable(path, reason): return "\(path): cannot read input: \(reason)"
        case let .invalidParameter(name, value, requirement): return "\(name) must \(requirement) (got \(value))"
        case let .missingField(field, neededBy): return "\(neededBy) needs a '\(field)' field in the input"
        case let .conflict(message): return message
        case let .unsuitableFile(path, problem): return "\(path) \(problem)"
        case let .runMismatch(message): return message
        case let .output(path, reason): return "\(path): cannot write output: \(reason)"
        case .cancelled: return "cancelled before any result was kept"
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
