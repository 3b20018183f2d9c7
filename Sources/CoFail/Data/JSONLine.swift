/// A scalar JSON value of a JSON Lines record.
enum JSONScalar: Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)

    var text: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let d): return "\(d)"
        case .string(let s): return s
        }
    }
}

/// One JSON object of scalar fields, parsed straight from the bytes of its line (RFC 8259
/// grammar): every key keeps its 1-based byte column, a key given twice is an error, and a
/// number that does not fit a double (1e-400, 1e400) is an error rather than 0 or infinity.
struct JSONLine {
    struct Field {
        var value: JSONScalar
        var column: Int
    }

    struct Failure: Error {
        var column: Int
        var message: String
    }

    var fields: [String: Field] = [:]

    /// Parses bytes [s, e) of `b`; `lineStart` is the offset of the line's first byte.
    init(_ b: [UInt8], from s: Int, to e: Int, lineStart: Int) throws {
        var p = s
        func fail(_ message: String) -> Failure {
            Failure(column: p - lineStart + 1, message: message)
        }
        func skipSpace() {
            while p < e, b[p] == 0x20 || b[p] == 0x09 || b[p] == 0x0D {
                p += 1
            }
        }
        func expect(_ c: UInt8, _ what: String) throws {
            skipSpace()
            guard p < e, b[p] == c else {
                throw fail("expected \(what)")
            }
            p += 1
        }
        try expect(UInt8(ascii: "{"), "'{': each line must be one JSON object")
        skipSpace()
        if p < e, b[p] == UInt8(ascii: "}") {
            p += 1
        } else {
            while true {
                skipSpace()
                let keyColumn = p - lineStart + 1
                guard p < e, b[p] == UInt8(ascii: "\"") else {
                    throw fail("expected a quoted key")
                }
                let key = try JSONLine.string(b, &p, e, lineStart)
                guard fields[key] == nil else {
                    throw Failure(column: keyColumn, message: "key '\(key)' appears twice in one object")
                }
                try expect(UInt8(ascii: ":"), "':' after a key")
                skipSpace()
                let valueColumn = p - lineStart + 1
                fields[key] = Field(value: try JSONLine.scalar(b, &p, e, lineStart), column: valueColumn)
                skipSpace()
                guard p < e else {
                    throw fail("unterminated object")
                }
                if b[p] == UInt8(ascii: ",") {
                    p += 1
                    continue
                }
                guard b[p] == UInt8(ascii: "}") else {
                    throw fail("expected ',' or '}'")
                }
                p += 1
                break
            }
        }
        skipSpace()
        guard p == e else {
            throw fail("text after the object")
        }
    }

    static func scalar(_ b: [UInt8], _ p: inout Int, _ e: Int, _ lineStart: Int) throws -> JSONScalar {
        guard p < e else {
            throw Failure(column: p - lineStart + 1, message: "missing value")
        }
        func word(_ w: String, _ v: JSONScalar) throws -> JSONScalar {
            let u = Array(w.utf8)
            guard p + u.count <= e, Array(b[p..<p + u.count]) == u else {
                throw Failure(column: p - lineStart + 1, message: "invalid literal")
            }
            p += u.count
            return v
        }
        switch b[p] {
        case UInt8(ascii: "\""): return .string(try string(b, &p, e, lineStart))
        case UInt8(ascii: "t"): return try word("true", .bool(true))
        case UInt8(ascii: "f"): return try word("false", .bool(false))
        case UInt8(ascii: "n"): return try word("null", .null)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            throw Failure(
                column: p - lineStart + 1, message: "fields must be scalars (string, number, true, false, null)")
        default: return .number(try number(b, &p, e, lineStart))
        }
    }

    /// A JSON number token, converted exactly; under- and overflow are errors.
    static func number(_ b: [UInt8], _ p: inout Int, _ e: Int, _ lineStart: Int) throws -> Double {
        let start = p
        func digits() -> Int {
            let s = p
            while p < e, b[p] >= 0x30, b[p] <= 0x39 {
                p += 1
            }
            return p - s
        }
        let bad = Failure(column: start - lineStart + 1, message: "invalid number")
        if p < e, b[p] == UInt8(ascii: "-") {
            p += 1
        }
        let intStart = p
        guard digits() > 0, !(b[intStart] == 0x30 && p - intStart > 1) else {
            throw bad
        }
        if p < e, b[p] == UInt8(ascii: ".") {
            p += 1
            guard digits() > 0 else {
                throw bad
            }
        }
        if p < e, b[p] == UInt8(ascii: "e") || b[p] == UInt8(ascii: "E") {
            p += 1
            if p < e, b[p] == UInt8(ascii: "+") || b[p] == UInt8(ascii: "-") {
                p += 1
            }
            guard digits() > 0 else {
                throw bad
            }
        }
        let token = String(decoding: b[start..<p], as: UTF8.self)
        guard let v = Double(token) else {
            throw bad
        }
        try CellParser.checkRepresentable(v, token: token).mapError { _ in
            Failure(column: start - lineStart + 1, message: "number \(token) does not fit a double")
        }.get()
        return v
    }

    /// A JSON string starting at the opening quote; escapes decoded, surrogate pairs joined.
    static func string(_ b: [UInt8], _ p: inout Int, _ e: Int, _ lineStart: Int) throws -> String {
        let open = p
        p += 1
        var out: [UInt8] = []
        func fail(_ message: String) -> Failure {
            Failure(column: p - lineStart + 1, message: message)
        }
        func hex4() throws -> UInt32 {
            guard p + 4 <= e else {
                throw fail("truncated \\u escape")
            }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = b[p]
                let d: UInt8
                switch c {
                case 0x30...0x39: d = c - 0x30
                case 0x41...0x46: d = c - 0x41 + 10
                case 0x61...0x66: d = c - 0x61 + 10
                default: throw fail("invalid \\u escape")
                }
                v = v << 4 | UInt32(d)
                p += 1
            }
            return v
        }
        while p < e {
            let c = b[p]
            if c == UInt8(ascii: "\"") {
                p += 1
                return String(decoding: out, as: UTF8.self)
            }
            if c < 0x20 {
                throw fail("control character inside a string")
            }
            guard c == UInt8(ascii: "\\") else {
                out.append(c)
                p += 1
                continue
            }
            p += 1
            guard p < e else {
                break
            }
            let esc = b[p]
            p += 1
            switch esc {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(esc)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if scalar >= 0xD800, scalar < 0xDC00, p + 1 < e, b[p] == UInt8(ascii: "\\"),
                    b[p + 1] == UInt8(ascii: "u")
                {
                    p += 2
                    let low = try hex4()
                    guard low >= 0xDC00, low < 0xE000 else {
                        throw fail("unpaired surrogate")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let u = Unicode.Scalar(scalar) else {
                    throw fail("unpaired surrogate")
                }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default:
                throw fail("invalid escape")
            }
        }
        throw Failure(column: open - lineStart + 1, message: "unterminated string")
    }
}
