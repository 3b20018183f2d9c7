import Foundation

/// Which slice of a run's work units this process computes: unit u belongs to shard
/// `u % count == index`.
public struct Shard: Sendable, Equatable {
    public var index: Int
    public var count: Int
    public static let whole = Shard(index: 0, count: 1)

    public init(index: Int, count: Int) { self.index = index; self.count = count }

    /// Parses "i/N" (0-based i).
    public static func parse(_ text: String) throws -> Shard {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 0, i < n else {
            throw CoFailError.usage("--shard must be i/N with 0 <= i < N (got '\(text)')")
        }
        return Shard(index: i, count: n)
    }

    /// From Slurm job arrays (SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT), when set. Task ids
    /// are taken relative to SLURM_ARRAY_TASK_MIN so `--array=1-4` works too.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Shard? {
        guard let id = env["SLURM_ARRAY_TASK_ID"].flatMap(Int.init), let count = env["SLURM_ARRAY_TASK_COUNT"].flatMap(Int.init) else { return nil }
        let base = env["SLURM_ARRAY_TASK_MIN"].flatMap(Int.init) ?? 0
        guard count >= 1, id - base >= 0, id - base < count else {
            throw CoFailError.usage("SLURM_ARRAY_TASK_ID=\(id) does not fit SLURM_ARRAY_TASK_COUNT=\(count) (min \(base)); use --array=0-\(count - 1)")
        }
        return Shard(index: id - base, count: count)
    }

    public func owns(_ unit: Int) -> Bool { unit % count == index }
    public var text: String { "\(index)/\(count)" }
}

/// The values computed for each work unit (bootstrap replicate or scan subset) of a run, with
/// the run's signature. One file format serves as checkpoint, shard output and merge input:
///
///     #cofail-units 1
///     {"signature": {...}, "columns": [...], "units": B, "shard": "i/N"}
///     u,v1,v2,...          (one line per completed unit, appended as work completes)
///
/// Values are written in Swift's shortest round-trip form ("nan" = undefined), so a table read
/// back is bit-identical to the one written.
public struct UnitTable: Sendable {
    public var signature: JSONValue
    public var columns: [String]
    public var units: Int
    public var shard: Shard
    public private(set) var values: [Double]
    public private(set) var done: [Bool]

    public init(signature: JSONValue, columns: [String], units: Int, shard: Shard) {
        self.signature = signature; self.columns = columns; self.units = units; self.shard = shard
        values = [Double](repeating: .nan, count: units * columns.count)
        done = [Bool](repeating: false, count: units)
    }

    public var completed: Int { done.reduce(0) { $0 + ($1 ? 1 : 0) } }
    public var owned: Int { (0..<units).reduce(0) { $0 + (shard.owns($1) ? 1 : 0) } }

    public func row(_ u: Int) -> ArraySlice<Double> { values[u * columns.count ..< (u + 1) * columns.count] }
    public func column(_ name: String) -> [Double] {
        guard let c = columns.firstIndex(of: name) else { return [] }
        return (0..<units).map { values[$0 * columns.count + c] }
    }

    public mutating func set(_ u: Int, _ row: [Double]) {
        precondition(row.count == columns.count)
        for (c, v) in row.enumerated() { values[u * columns.count + c] = v }
        done[u] = true
    }

    var header: String {
        "#cofail-units 1\n" + JSONValue.object([("signature", signature), ("columns", .array(columns.map { .string($0) })),
                                                ("units", .int(units)), ("shard", .string(shard.text))]).rendered(pretty: false) + "\n"
    }

    func line(_ u: Int) -> String {
        ([String(u)] + row(u).map { $0.isNaN ? "nan" : "\($0)" }).joined(separator: ",") + "\n"
    }

    /// The whole table as text (header + completed units in order).
    public func serialized() -> String {
        var s = header
        for u in 0..<units where done[u] { s += line(u) }
        return s
    }

    /// Reads a table file; `path` names it in errors.
    public static func read(_ path: String) throws -> UnitTable {
        let input = try ByteInput.read(path)
        let text = String(decoding: input.bytes, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).makeIterator()
        guard lines.next() == "#cofail-units 1", let head = lines.next() else {
            throw CoFailError.data(InputLocation(file: path, line: 1), value: nil, message: "not a cofail unit table (checkpoint or shard file)")
        }
        guard let obj = try? JSONSerialization.jsonObject(with: Data(head.utf8)) as? [String: Any],
              let cols = obj["columns"] as? [String], let units = obj["units"] as? Int, let shardText = obj["shard"] as? String,
              let sigAny = obj["signature"] else {
            throw CoFailError.data(InputLocation(file: path, line: 2), value: String(head.prefix(80)), message: "malformed unit-table header")
        }
        var t = UnitTable(signature: JSONValue(any: sigAny), columns: cols, units: units, shard: try Shard.parse(shardText))
        var lineNo = 2
        while let l = lines.next() {
            lineNo += 1
            let f = l.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count == cols.count + 1, let u = Int(f[0]), u >= 0, u < units else {
                throw CoFailError.data(InputLocation(file: path, line: lineNo), value: String(l.prefix(80)), message: "malformed unit line")
            }
            var row: [Double] = []
            for (k, v) in f.dropFirst().enumerated() {
                guard let d = v == "nan" ? Double.nan : Double(v) else {
                    throw CoFailError.data(InputLocation(file: path, line: lineNo, column: k + 2), value: String(v), message: "not a number")
                }
                row.append(d)
            }
            t.set(u, row)
        }
        return t
    }

    /// Combines the shards of one run into the table of the unsharded run; every unit must be
    /// present exactly once and every signature identical.
    public static func merge(_ parts: [(path: String, table: UnitTable)]) throws -> UnitTable {
        guard let first = parts.first else { throw CoFailError.usage("merge needs at least one shard file") }
        var out = UnitTable(signature: first.table.signature, columns: first.table.columns, units: first.table.units, shard: .whole)
        for (path, t) in parts {
            guard t.signature == first.table.signature, t.columns == first.table.columns, t.units == first.table.units else {
                throw CoFailError.usage("\(path) belongs to a different run than \(first.path) (signatures differ)")
            }
            for u in 0..<t.units where t.done[u] {
                if out.done[u] { throw CoFailError.usage("unit \(u) appears in more than one shard (\(path))") }
                out.set(u, Array(t.row(u)))
            }
        }
        let missing = (0..<out.units).filter { !out.done[$0] }
        if !missing.isEmpty {
            throw CoFailError.usage("the shards cover \(out.units - missing.count) of \(out.units) units; missing e.g. \(missing.prefix(5).map(String.init).joined(separator: ", "))")
        }
        return out
    }
}

extension JSONValue {
    /// From a JSONSerialization value (numbers that are integral become ints).
    init(any: Any) {
        switch any {
        case is NSNull: self = .null
        case let s as String: self = .string(s)
        case let n as NSNumber:
            if String(cString: n.objCType) == "c" { self = .bool(n.boolValue) }
            else if n.doubleValue == n.doubleValue.rounded(), abs(n.doubleValue) < 1e15, !"\(n)".contains(".") { self = .int(n.intValue) }
            else { self = .number(n.doubleValue) }
        case let a as [Any]: self = .array(a.map(JSONValue.init(any:)))
        case let d as [String: Any]: self = .object(d.keys.sorted().map { ($0, JSONValue(any: d[$0]!)) })
        default: self = .string("\(any)")
        }
    }

    /// Canonical form (object keys sorted) so signatures compare equal after a round trip.
    public var canonical: JSONValue {
        switch self {
        case .object(let p): return .object(p.sorted { $0.0 < $1.0 }.map { ($0.0, $0.1.canonical) })
        case .array(let a): return .array(a.map(\.canonical))
        default: return self
        }
    }
}
