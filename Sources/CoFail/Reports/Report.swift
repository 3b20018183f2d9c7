import Foundation

/// Version of the JSON report layout; bumped on any incompatible change (README "JSON output").
public let reportSchemaVersion = "1.5"

/// Output formats of every command.
public enum OutputFormat: String, Sendable, CaseIterable { case table, json, csv }

/// One report: sections of fields and tables, rendered to JSON, a human table or CSV from the
/// same content, so the three formats can never disagree.
public struct Report: Sendable {
    public enum Item: Sendable {
        /// A scalar quantity. `value` is `.null` when undefined, with `reason` saying why.
        case field(key: String, label: String, value: JSONValue, reason: String?, display: String?)
        /// Rows of a table (JSON: an array of objects).
        case table(key: String, title: String, columns: [(key: String, label: String)], rows: [[JSONValue]])
        /// A nested value that only the JSON report carries (its table form is a `display`).
        case json(key: String, value: JSONValue)
        /// A nested value built only when the JSON report is rendered (large arrays).
        case deferredJSON(key: String, value: @Sendable () -> JSONValue)
        /// A table for people only (the JSON report carries the same numbers under its own keys).
        case display(title: String, columns: [(key: String, label: String)], rows: [[JSONValue]])
        /// A chart (SVG markup) the web page shows inline; the other formats write charts to files.
        case figure(title: String, svg: String)
    }
    public struct Section: Sendable {
        public var key: String
        public var title: String
        public var items: [Item] = []

        public init(key: String, title: String) {
            self.key = key
            self.title = title
        }

        public mutating func add(
            _ key: String, _ label: String, _ value: JSONValue, reason: String? = nil, display: String? = nil
        ) {
            items.append(.field(key: key, label: label, value: value, reason: reason, display: display))
        }
        public mutating func add(_ key: String, _ label: String, _ q: Quantity, display: String? = nil) {
            items.append(
                .field(
                    key: key, label: label, value: .num(q.value),
                    reason: q.value == nil ? (q.reason ?? "undefined") : nil, display: display))
        }
        /// A quantity as members of a JSON object: `key`, and `key_reason` when undefined.
        static func quantityPair(_ key: String, _ q: Quantity) -> [(String, JSONValue)] {
            var out: [(String, JSONValue)] = [(key, .num(q.value))]
            if q.value == nil {
                out.append((key + "_reason", .string(q.reason ?? "undefined")))
            }
            return out
        }

        /// A table only people see; the JSON report carries its numbers elsewhere.
        public mutating func display(_ title: String, columns: [(String, String)], rows: [[JSONValue]]) {
            items.append(.display(title: title, columns: columns.map { (key: $0.0, label: $0.1) }, rows: rows))
        }

        public mutating func table(_ key: String, _ title: String, columns: [(String, String)], rows: [[JSONValue]]) {
            items.append(.table(key: key, title: title, columns: columns.map { (key: $0.0, label: $0.1) }, rows: rows))
        }
    }

    public var command: String
    public var inputs: [(String, JSONValue)]
    public var sections: [Section]

    public init(command: String, inputs: [(String, JSONValue)], sections: [Section] = []) {
        self.command = command
        self.inputs = inputs
        self.sections = sections
    }

    public func json() -> JSONValue {
        var top: [(String, JSONValue)] = [
            ("schema_version", .string(reportSchemaVersion)), ("command", .string(command)),
            ("inputs", .object(inputs)),
        ]
        for s in sections {
            var obj: [(String, JSONValue)] = []
            for item in s.items {
                switch item {
                case let .field(key, _, value, reason, _):
                    obj.append((key, value))
                    if let reason { obj.append((key + "_reason", .string(reason))) }
                case let .table(key, _, columns, rows):
                    obj.append((key, .array(rows.map { row in .object(zip(columns, row).map { ($0.key, $1) }) })))
                case let .json(key, value):
                    obj.append((key, value))
                case let .deferredJSON(key, value):
                    obj.append((key, value()))
                case .display, .figure:
                    break
                }
            }
            top.append((s.key, .object(obj)))
        }
        return .object(top)
    }

    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .json: return json().rendered() + "\n"
        case .csv: return csv()
        case .table: return table()
        }
    }

    /// One row per scalar quantity: section,key,value,reason (tables go to their own files).
    func csv() -> String {
        var out = "section,key,value,reason\n"
        for s in sections {
            for case let .field(key, _, value, reason, _) in s.items {
                out +=
                    [s.key, key, Report.csvCell(value), reason ?? ""].map(CSVText.quote).joined(separator: ",") + "\n"
            }
        }
        return out
    }

    static func csvCell(_ v: JSONValue) -> String {
        switch v {
        case .null: return ""
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .number(let d): return "\(d)"
        case .string(let s): return s
        case .array(let a): return a.map(csvCell).joined(separator: ";")
        case .object: return v.rendered(pretty: false)
        }
    }

    /// Human-readable: a titled block per section, aligned labels, tables as columns.
    func table() -> String {
        var out = ""
        for s in sections {
            out += "\n\(s.title)\n" + String(repeating: "-", count: s.title.count) + "\n"
            let width =
                s.items.compactMap {
                    if case let .field(_, label, _, _, _) = $0 { return label.count } else { return nil }
                }.max() ?? 0
            for item in s.items {
                switch item {
                case let .field(_, label, value, reason, display):
                    let text = Report.fieldText(value, reason: reason, display: display)
                    out += "  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + text + "\n"
                case .json, .deferredJSON, .figure:
                    break
                case let .table(_, title, columns, rows), let .display(title, columns, rows):
                    out += "  \(title)\n"
                    let cells = rows.map { $0.map(Report.human) }
                    let widths = columns.indices.map { c in
                        max(columns[c].label.count, cells.map { $0[c].count }.max() ?? 0)
                    }
                    // words read left-aligned, numbers right-aligned; nothing trails a line
                    let textual = columns.indices.map { c in
                        c == 0
                            || rows.allSatisfy {
                                switch $0[c] {
                                case .string, .array, .null: return true
                                default: return false
                                }
                            }
                    }
                    func line(_ fields: [String], header: Bool) -> String {
                        let parts = fields.indices.map { c in
                            header || textual[c]
                                ? fields[c].padding(toLength: widths[c], withPad: " ", startingAt: 0)
                                : String(repeating: " ", count: widths[c] - fields[c].count) + fields[c]
                        }
                        var text = "    " + parts.joined(separator: "  ")
                        while text.last == " " {
                            text.removeLast()
                        }
                        return text + "\n"
                    }
                    out += line(columns.map(\.label), header: true)
                    for row in cells {
                        out += line(row, header: false)
                    }
                }
            }
        }
        return out
    }

    /// A field's text in the table format and on the web page.
    static func fieldText(_ value: JSONValue, reason: String?, display: String?) -> String {
        if let reason, value == .null {
            return "undefined — \(reason)"
        }
        return display ?? human(value)
    }

    static func human(_ v: JSONValue) -> String {
        switch v {
        case .null: return "—"
        case .bool(let b): return b ? "yes" : "no"
        case .int(let i): return String(i)
        case .number(let d): return fmt(d)
        case .string(let s): return s
        case .array(let a): return a.isEmpty ? "(none)" : a.map(human).joined(separator: ", ")
        case .object: return v.rendered(pretty: false)
        }
    }

    /// Numbers for people: 4 significant digits, scientific when small or large.
    public static func fmt(_ d: Double) -> String {
        if d == 0 { return "0" }
        let a = abs(d)
        if a >= 1e-3 && a < 1e6 { return String(format: "%.4g", d) }
        return String(format: "%.4e", d)
    }
}
