import Foundation

/// Which slice of a run's work units this process computes: unit u belongs to shard
/// `u % count == index`.
public struct Shard: Sendable, Equatable {
    public var index: Int
    public var count: Int
    public static let whole = Shard(index: 0, count: 1)

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses "i/N" (0-based i).
    public static func parse(_ text: String) throws -> Shard {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 0, i < n else {
            throw CoFailError.invalid("shard", "'\(text)'", "be i/N with 0 <= i < N")
        }
        return Shard(index: i, count: n)
    }

    public func owns(_ unit: Int) -> Bool {
        unit % count == index
    }

    public var text: String {
        "\(index)/\(count)"
    }
}

/// The values computed for each work unit (bootstrap replicate or scan subset) of a run, with
/// the run's signature. One file format serves as checkpoint, shard output and merge input:
///
///     #cofail-units 2
///     {"columns":[...],"shard":"i/N","signature":{...},"units":B}
///     u,v1,v2,...*cccccccc     (one line per completed unit, appended as work completes)
///
/// Values are written in Swift's shortest round-trip form ("nan" = undefined), so a table read
/// back is bit-identical to the one written. `cccccccc` is the FNV-1a 32-bit checksum of the
/// text before `*`: a line torn by a crash or a full disk is recognised, dropped and recomputed.
public struct UnitTable: Sendable {
    /// The most values (units × columns) a table may hold: 2²⁹ doubles (4 GiB).
    public static let maxCells = 1 << 29
    static let magic = "#cofail-units 2"

    public var signature: RunSignature
    public var columns: [String]
    public var units: Int
    public var shard: Shard
    public private(set) var values: [Double]
    public private(set) var done: [Bool]

    public init(signature: RunSignature, columns: [String], units: Int, shard: Shard) {
        precondition(units >= 1 && units * max(1, columns.count) <= UnitTable.maxCells)
        self.signature = signature
        self.columns = columns
        self.units = units
        self.shard = shard
        values = [Double](repeating: .nan, count: units * columns.count)
        done = [Bool](repeating: false, count: units)
    }

    /// Why a run of `units` units with `columns` values each cannot be held, or nil.
    public static func capacityProblem(units: Int, columns: Int) -> String? {
        guard units >= 1 else {
            return "a run needs at least one unit (got \(units))"
        }
        let (cells, overflow) = units.multipliedReportingOverflow(by: max(1, columns))
        if overflow || cells > maxCells {
            return "\(units) units × \(columns) values exceed the \(maxCells) values (4 GiB) a run keeps in memory; "
                + "split the run into shards and merge them"
        }
        return nil
    }

    public var completed: Int {
        done.reduce(0) { $0 + ($1 ? 1 : 0) }
    }

    public var owned: Int {
        (0..<units).reduce(0) { $0 + (shard.owns($1) ? 1 : 0) }
    }

    public func row(_ u: Int) -> ArraySlice<Double> {
        values[u * columns.count..<(u + 1) * columns.count]
    }

    public func column(_ name: String) -> [Double] {
        guard let c = columns.firstIndex(of: name) else {
            return []
        }
        return (0..<units).map { values[$0 * columns.count + c] }
    }

    public mutating func set(_ u: Int, _ row: [Double]) {
        precondition(row.count == columns.count)
        for (c, v) in row.enumerated() {
            values[u * columns.count + c] = v
        }
        done[u] = true
    }

    struct Header: Codable {
        var columns: [String]
        var shard: String
        var signature: RunSignature
        var units: Int
    }

    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.keyEncodingStrategy = .convertToSnakeCase
        return e
    }

    var header: String {
        let h = Header(columns: columns, shard: shard.text, signature: signature, units: units)
        let json = (try? UnitTable.encoder().encode(h)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return UnitTable.magic + "\n" + json + "\n"
    }

    static func checksum(_ text: Substring.UTF8View) -> String {
        var h: UInt32 = 0x811c9dc5
        for b in text {
            h = (h ^ UInt32(b)) &* 0x01000193
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    func line(_ u: Int) -> String {
        let body = ([String(u)] + row(u).map { $0.isNaN ? "nan" : "\($0)" }).joined(separator: ",")
        return body + "*" + UnitTable.checksum(Substring(body).utf8) + "\n"
    }

    /// The whole table as text (header + completed units in order).
    public func serialized() -> String {
        var s = header
        for u in 0..<units where done[u] {
            s += line(u)
        }
        return s
    }

    /// A table read back from a file, with what was dropped from its end.
    public struct Loaded: Sendable {
        public var table: UnitTable
        /// Bytes of the file up to the end of its last intact line.
        public var intactBytes: Int
        /// Line number of a torn last line that was dropped (its unit will be recomputed).
        public var tornLine: Int?
    }

    /// Reads a table file, validating every field; `path` names it in errors. A torn last line
    /// (no checksum, or a wrong one) is dropped and reported, never used.
    public static func read(_ path: String) throws -> Loaded {
        if let problem = CheckpointWriter.problem(at: path) {
            throw CoFailError.unsuitableFile(path: path, problem: problem)
        }
        let bytes = try ByteInput.read(path).bytes
        func fail(
            _ line: Int, _ column: Int? = nil, _ field: String? = nil, _ value: String?,
            _ message: String
        ) -> CoFailError {
            .data(
                InputLocation(file: path, line: line, column: column, columnName: field), value: value,
                message: message)
        }
        var lines: [(start: Int, end: Int, terminated: Bool)] = []
        var start = 0
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") {
            lines.append((start, i, true))
            start = i + 1
        }
        if start < bytes.count {
            lines.append((start, bytes.count, false))
        }
        func text(_ k: Int) -> Substring {
            Substring(String(decoding: bytes[lines[k].start..<lines[k].end], as: UTF8.self))
        }
        guard lines.count >= 2, text(0) == magic, lines[1].terminated else {
            throw fail(
                1, nil, nil, lines.isEmpty ? nil : String(text(0).prefix(40)),
                "not a cofail unit table (checkpoint or shard file) of format 2")
        }
        let headerText = text(1)
        let h: Header
        do {
            let d = JSONDecoder()
            d.keyDecodingStrategy = .convertFromSnakeCase
            h = try d.decode(Header.self, from: Data(headerText.utf8))
        } catch let DecodingError.keyNotFound(key, _) {
            throw fail(2, nil, key.stringValue, nil, "unit-table header lacks a field")
        } catch let DecodingError.typeMismatch(_, ctx), let DecodingError.valueNotFound(_, ctx) {
            let field = ctx.codingPath.map(\.stringValue).joined(separator: ".")
            throw fail(2, nil, field, nil, "unit-table header field has the wrong type")
        } catch let DecodingError.dataCorrupted(ctx) {
            let field = ctx.codingPath.map(\.stringValue).joined(separator: ".")
            throw fail(
                2, nil, field.isEmpty ? nil : field, String(headerText.prefix(80)),
                "malformed unit-table header")
        } catch {
            throw fail(2, nil, nil, String(headerText.prefix(80)), "malformed unit-table header")
        }
        guard !h.columns.isEmpty, h.columns.count <= 64, Set(h.columns).count == h.columns.count else {
            throw fail(2, nil, "columns", "\(h.columns.count) columns", "columns must be 1 to 64 distinct names")
        }
        if let problem = capacityProblem(units: h.units, columns: h.columns.count) {
            throw fail(2, nil, "units", String(h.units), problem)
        }
        let shard: Shard
        do {
            shard = try Shard.parse(h.shard)
        } catch {
            throw fail(2, nil, "shard", h.shard, "shard must be i/N with 0 <= i < N")
        }
        var t = UnitTable(signature: h.signature, columns: h.columns, units: h.units, shard: shard)
        var intact = lines[1].end + 1
        var torn: Int?
        for k in 2..<lines.count {
            let lineNo = k + 1
            let isLast = k == lines.count - 1
            let l = text(k)
            guard lines[k].terminated, let star = l.lastIndex(of: "*"),
                checksum(l[..<star].utf8) == l[l.index(after: star)...]
            else {
                if isLast {
                    torn = lineNo
                    break
                }
                throw fail(lineNo, nil, nil, String(l.prefix(80)), "unit line fails its checksum (corrupted file)")
            }
            let f = l[..<star].split(separator: ",", omittingEmptySubsequences: false)
            guard f.count == h.columns.count + 1, let u = Int(f[0]), u >= 0, u < h.units else {
                throw fail(lineNo, 1, nil, String(l.prefix(80)), "malformed unit line")
            }
            guard shard.owns(u) else {
                throw fail(lineNo, 1, nil, String(u), "unit does not belong to shard \(shard.text)")
            }
            guard !t.done[u] else {
                throw fail(lineNo, 1, nil, String(u), "unit appears twice")
            }
            var row: [Double] = []
            row.reserveCapacity(h.columns.count)
            for (c, v) in f.dropFirst().enumerated() {
                guard let d = v == "nan" ? Double.nan : Double(v), !d.isInfinite else {
                    throw fail(lineNo, c + 2, h.columns[c], String(v), "not a finite number")
                }
                row.append(d)
            }
            t.set(u, row)
            intact = lines[k].end + 1
        }
        return Loaded(table: t, intactBytes: intact, tornLine: torn)
    }

    /// Combines the shards of one run into the table of the unsharded run; every unit must be
    /// present exactly once and every signature identical.
    public static func merge(_ parts: [(path: String, table: UnitTable)]) throws -> UnitTable {
        guard let first = parts.first else {
            throw CoFailError.invalid("shards", 0, "be at least one unit file")
        }
        var out = UnitTable(
            signature: first.table.signature, columns: first.table.columns,
            units: first.table.units, shard: .whole)
        for (path, t) in parts {
            let diff = t.signature.differences(from: first.table.signature)
            guard diff.isEmpty, t.columns == first.table.columns, t.units == first.table.units else {
                let what = diff.isEmpty ? "columns or unit count" : diff.joined(separator: "; ")
                throw CoFailError.runMismatch("\(path) belongs to a different run than \(first.path) (\(what))")
            }
            for u in 0..<t.units where t.done[u] {
                if out.done[u] {
                    throw CoFailError.runMismatch("unit \(u) appears in more than one shard (\(path))")
                }
                out.set(u, Array(t.row(u)))
            }
        }
        let missing = (0..<out.units).filter { !out.done[$0] }
        if !missing.isEmpty {
            let some = missing.prefix(5).map(String.init).joined(separator: ", ")
            throw CoFailError.runMismatch(
                "the shards cover \(out.units - missing.count) of \(out.units) units; "
                    + "missing e.g. \(some)")
        }
        return out
    }
}

extension UnitTable {
    /// Whether something exists at `path` (a file, link or device).
    public static func fileExists(_ path: String) -> Bool {
        CheckpointWriter.exists(path)
    }

    /// Whether `path` is an empty regular file: a checkpoint whose header was never written (the
    /// disk filled first), which holds no work and counts as absent.
    public static func isEmptyFile(_ path: String) -> Bool {
        CheckpointWriter.problem(at: path) == nil
            && (try? FileManager.default.attributesOfItem(atPath: path)[.size])
                .flatMap { $0 as? NSNumber }?.intValue == 0
    }

    /// Writes the whole table to `path` in place (no rename); `overwrite` allows replacing an
    /// existing regular file. Links, FIFOs and devices are refused.
    public func save(to path: String, overwrite: Bool) throws {
        _ = try CheckpointWriter.create(path, contents: serialized(), overwrite: overwrite)
    }
}
