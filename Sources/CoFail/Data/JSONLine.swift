/// A scalar JSON value of a JSON Lines record, materialised for messages and rare fields.
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

/// One JSON object, parsed straight from the bytes of its line (RFC 8259 grammar) into byte
/// ranges of a reused buffer: no String or dictionary per record. Every key keeps its 1-based
/// byte column, a key given twice is an error, and a number that does not fit a double (1e-400,
/// 1e400) is an error rather than 0 or infinity. Top-level values are scalars unless `harness`:
/// then an object or array value is validated whole and kept as its byte range (harness logs carry
/// documents and responses beside the few scalars an importer reads), and Python's `json` tokens
/// `NaN`, `Infinity` and `-Infinity` are numbers (lm-evaluation-harness writes them).
struct JSONLineParser {
    enum Value {
        case null
        case bool(Bool)
        case number(Double)
        /// Bytes between the quotes; `escaped` when they hold backslash escapes.
        case string(start: Int, end: Int, escaped: Bool)
        /// A validated object or array: bytes from its opening to past its closing bracket.
        case nested(start: Int, end: Int)
    }

    /// Whether nested values (as `.nested`) and Python's non-finite number tokens are accepted.
    var harness = false

    struct Field {
        var keyStart: Int
        var keyEnd: Int
        var keyEscaped: Bool
        var value: Value
        var column: Int
    }

    struct Failure: Error {
        var column: Int
        var message: String
    }

    private(set) var fields: [Field] = []
    private var bytes: [UInt8] = []

    /// Parses bytes [s, e) of `b`; `lineStart` is the offset of the line's first byte. The
    /// fields stay valid until the next call.
    mutating func parse(_ b: [UInt8], from s: Int, to e: Int, lineStart: Int) throws {
        fields.removeAll(keepingCapacity: true)
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
                let (ks, ke, kesc) = try JSONLineParser.stringRange(b, &p, e, lineStart)
                for f in fields where JSONLineParser.sameKey(b, f, ks, ke, kesc) {
                    let key = JSONLineParser.decode(b, ks, ke, kesc)
                    throw Failure(column: keyColumn, message: "key '\(key)' appears twice in one object")
                }
                try expect(UInt8(ascii: ":"), "':' after a key")
                skipSpace()
                let valueColumn = p - lineStart + 1
                let value: Value
                if harness, b[p] == UInt8(ascii: "{") || b[p] == UInt8(ascii: "[") {
                    let open = p
                    try JSONLineParser.skipNested(b, &p, e, lineStart, depth: 0, python: true)
                    value = .nested(start: open, end: p)
                } else {
                    value = try JSONLineParser.scalar(b, &p, e, lineStart, python: harness)
                }
                fields.append(Field(keyStart: ks, keyEnd: ke, keyEscaped: kesc, value: value, column: valueColumn))
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

    /// Whether a field's key is `key` (plain ASCII, as the known keys are).
    static func keyIs(_ b: [UInt8], _ f: Field, _ key: StaticString) -> Bool {
        guard !f.keyEscaped, f.keyEnd - f.keyStart == key.utf8CodeUnitCount else {
            return false
        }
        let k = key.utf8Start
        for i in 0..<key.utf8CodeUnitCount where b[f.keyStart + i] != k[i] {
            return false
        }
        return true
    }

    /// Whether a field's key is `key` (UTF-8 bytes); an escaped key is decoded first.
    static func keyIs(_ b: [UInt8], _ f: Field, _ key: [UInt8]) -> Bool {
        guard !f.keyEscaped else {
            return Array(decode(b, f.keyStart, f.keyEnd, true).utf8) == key
        }
        return f.keyEnd - f.keyStart == key.count && b[f.keyStart..<f.keyEnd].elementsEqual(key)
    }

    static func sameKey(_ b: [UInt8], _ f: Field, _ s: Int, _ e: Int, _ escaped: Bool) -> Bool {
        if f.keyEscaped || escaped {
            return decode(b, f.keyStart, f.keyEnd, f.keyEscaped) == decode(b, s, e, escaped)
        }
        return f.keyEnd - f.keyStart == e - s && b[f.keyStart..<f.keyEnd].elementsEqual(b[s..<e])
    }

    /// The text of a string range, escapes decoded (already validated by the parser).
    static func decode(_ b: [UInt8], _ s: Int, _ e: Int, _ escaped: Bool) -> String {
        guard escaped else {
            return String(decoding: b[s..<e], as: UTF8.self)
        }
        var p = s - 1
        return (try? unescape(b, &p, e + 1, 0)) ?? String(decoding: b[s..<e], as: UTF8.self)
    }

    /// A field's value as a `JSONScalar` (for messages and the rare fields); a nested value
    /// becomes its JSON text.
    static func scalarValue(_ b: [UInt8], _ f: Field) -> JSONScalar {
        switch f.value {
        case .null: return .null
        case .bool(let v): return .bool(v)
        case .number(let v): return .number(v)
        case .string(let s, let e, let esc): return .string(decode(b, s, e, esc))
        case .nested(let s, let e): return .string(String(decoding: b[s..<e], as: UTF8.self))
        }
    }

    /// Nesting deeper than this is refused (a hostile line cannot exhaust the stack).
    static let maxDepth = 256

    /// Validates the object or array starting at `p` (its opening bracket); `p` ends past it.
    static func skipNested(
        _ b: [UInt8], _ p: inout Int, _ e: Int, _ lineStart: Int, depth: Int, python: Bool
    ) throws {
        func fail(_ message: String) -> Failure {
            Failure(column: p - lineStart + 1, message: message)
        }
        func skipSpace() {
            while p < e, b[p] == 0x20 || b[p] == 0x09 || b[p] == 0x0D || b[p] == 0x0A {
                p += 1
            }
        }
        guard depth < maxDepth else {
            throw fail("nested deeper than \(maxDepth) levels")
        }
        let isObject = b[p] == UInt8(ascii: "{")
        let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        p += 1
        skipSpace()
        if p < e, b[p] == close {
            p += 1
            return
        }
        while true {
            skipSpace()
            if isObject {
                guard p < e, b[p] == UInt8(ascii: "\"") else {
                    throw fail("expected a quoted key")
                }
                _ = try stringRange(b, &p, e, lineStart)
                skipSpace()
                guard p < e, b[p] == UInt8(ascii: ":") else {
                    throw fail("expected ':' after a key")
                }
                p += 1
                skipSpace()
            }
            guard p < e else {
                throw fail("missing value")
            }
            if b[p] == UInt8(ascii: "{") || b[p] == UInt8(ascii: "[") {
                try skipNested(b, &p, e, lineStart, depth: depth + 1, python: python)
            } else {
                _ = try scalar(b, &p, e, lineStart, python: python)
            }
            skipSpace()
            guard p < e else {
                throw fail(isObject ? "unterminated object" : "unterminated array")
            }
            if b[p] == UInt8(ascii: ",") {
                p += 1
                continue
            }
            guard b[p] == close else {
                throw fail(isObject ? "expected ',' or '}'" : "expected ',' or ']'")
            }
            p += 1
            return
        }
    }

    /// The strings of a nested value that is an array of strings, or nil when it is anything else.
    static func strings(_ b: [UInt8], _ value: Value) -> [String]? {
        guard case .nested(let s, let e) = value, b[s] == UInt8(ascii: "[") else {
            return nil
        }
        var out: [String] = []
        var p = s + 1
        while p < e {
            let c = b[p]
            if c == UInt8(ascii: "\"") {
                guard let (ks, ke, esc) = try? stringRange(b, &p, e, 0) else {
                    return nil
                }
                out.append(decode(b, ks, ke, esc))
            } else if c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A || c == UInt8(ascii: ",") {
                p += 1
            } else if c == UInt8(ascii: "]"), p == e - 1 {
                p += 1
            } else {
                return nil
            }
        }
        return out
    }

    /// One scalar value; `python` also accepts `NaN`, `Infinity` and `-Infinity`.
    static func scalar(_ b: [UInt8], _ p: inout Int, _ e: Int, _ lineStart: Int, python: Bool = false) throws -> Value {
        guard p < e else {
            throw Failure(column: p - lineStart + 1, message: "missing value")
        }
        func word(_ w: StaticString, _ v: Value) throws -> Value {
            let n = w.utf8CodeUnitCount
            guard p + n <= e else {
                throw Failure(column: p - lineStart + 1, message: "invalid literal")
            }
            for i in 0..<n where b[p + i] != w.utf8Start[i] {
                throw Failure(column: p - lineStart + 1, message: "invalid literal")
            }
            p += n
            return v
        }
        switch b[p] {
        case UInt8(ascii: "\""):
            let (s, end, esc) = try stringRange(b, &p, e, lineStart)
            return .string(start: s, end: end, escaped: esc)
        case UInt8(ascii: "t"): return try word("true", .bool(true))
        case UInt8(ascii: "f"): return try word("false", .bool(false))
        case UInt8(ascii: "n"): return try word("null", .null)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            throw Failure(
                column: p - lineStart + 1, message: "fields must be scalars (string, number, true, false, null)")
        case UInt8(ascii: "N") where python: return try word("NaN", .number(.nan))
        case UInt8(ascii: "I") where python: return try word("Infinity", .number(.infinity))
        case UInt8(ascii: "-") where python && p + 1 < e && b[p + 1] == UInt8(ascii: "I"):
            return try word("-Infinity", .number(-.infinity))
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
        // one-digit integers (0/1 cells) without building a string
        if p - start == 1 {
            return Double(b[start] - 0x30)
        }
        let token = String(decoding: b[start..<p], as: UTF8.self)
        guard let v = Double(token) else {
            throw bad
        }
        if case .failure = CellParser.checkRepresentable(v, token: token) {
            throw Failure(column: start - lineStart + 1, message: "number \(token) does not fit a double")
        }
        return v
    }

    /// The byte range inside a JSON string that starts at the opening quote at `p`, validated
    /// (escapes, control characters); `p` ends after the closing quote.
    static func stringRange(_ b: [UInt8], _ p: inout Int, _ e: Int, _ lineStart: Int) throws -> (Int, Int, Bool) {
        let open = p
        var q = p + 1
        var escaped = false
        while q < e {
            let c = b[q]
            if c == UInt8(ascii: "\"") {
                p = q + 1
                if escaped {
                    var check = open
                    _ = try unescape(b, &check, e, lineStart)
                }
                return (open + 1, q, escaped)
            }
            if c < 0x20 {
                throw Failure(column: q - lineStart + 1, message: "control character inside a string")
            }
            if c == UInt8(ascii: "\\") {
                escaped = true
                q += 2
                continue
            }
            q += 1
        }
        throw Failure(column: open - lineStart + 1, message: "unterminated string")
    }

    /// Decodes the JSON string starting at the opening quote at `p` (escapes, surrogate pairs).
    static func unescape(_ b: [UInt8], _ p: inout Int, _ e: Int, _ lineStart: Int) throws -> String {
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

/// The objects of a JSON Lines input in order, one per line that is not blank (spaces, tabs and
/// CRs around an object are ignored): `next()` parses the next one into `parser.fields`. A line
/// that is not one JSON object is an error at file:line:column, its message led by `failure`.
struct JSONLines {
    let input: ByteInput
    var parser = JSONLineParser()
    let failure: String
    /// 1-based number of the line last read (after the end: the number of lines).
    private(set) var line = 0
    private var start = 0

    init(_ input: ByteInput, harness: Bool = false, failure: String) {
        self.input = input
        self.failure = failure
        parser.harness = harness
    }

    /// Parses the next object; false at the end of the input.
    mutating func next() throws -> Bool {
        let b = input.bytes
        while start < b.count {
            var end = start
            while end < b.count, b[end] != 0x0A {
                end += 1
            }
            line += 1
            let lineStart = start
            start = end + 1
            var s = lineStart
            var e = end
            while s < e, b[s] == 0x20 || b[s] == 0x09 || b[s] == 0x0D {
                s += 1
            }
            while e > s, b[e - 1] == 0x20 || b[e - 1] == 0x09 || b[e - 1] == 0x0D {
                e -= 1
            }
            if s == e {
                continue
            }
            do {
                try parser.parse(b, from: s, to: e, lineStart: lineStart)
            } catch let f as JSONLineParser.Failure {
                let shown = String(decoding: b[s..<min(e, s + 80)], as: UTF8.self)
                throw CoFailError.data(
                    InputLocation(file: input.name, line: line, column: f.column), value: shown,
                    message: "\(failure): \(f.message)")
            }
            return true
        }
        return false
    }
}
