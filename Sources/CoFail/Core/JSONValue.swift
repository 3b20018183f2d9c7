/// An ordered JSON value: reports keep their keys in a stable, documented order.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// A finite double, or null (callers attach the reason as a sibling key).
    public static func num(_ v: Double?) -> JSONValue {
        guard let v, v.isFinite else { return .null }
        return .number(v)
    }

    public func rendered(pretty: Bool = true) -> String {
        var out: [UInt8] = []
        write(into: &out, indent: pretty ? 0 : nil)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the UTF-8 of an ASCII literal.
    @inline(__always)
    private static func put(_ s: StaticString, _ out: inout [UInt8]) {
        s.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    @inline(__always)
    private static func newline(_ out: inout [UInt8], _ depth: Int) {
        out.append(0x0A)
        out.append(contentsOf: repeatElement(0x20, count: 2 * depth))
    }

    /// Writes UTF-8 bytes: reports are assembled in a byte buffer and decoded once.
    private func write(into out: inout [UInt8], indent: Int?) {
        switch self {
        case .null: JSONValue.put("null", &out)
        case .bool(let b): b ? JSONValue.put("true", &out) : JSONValue.put("false", &out)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .number(let d):
            // Shortest round-trip form; integral values keep a decimal point so types stay stable.
            precondition(d.isFinite, "non-finite number reached the JSON writer")
            let text = d.description.utf8
            out.append(contentsOf: text)
            if !text.contains(0x2E) && !text.contains(0x65) {
                JSONValue.put(".0", &out)
            }
        case .string(let s): JSONValue.escape(s, into: &out)
        case .array(let items):
            if items.isEmpty {
                JSONValue.put("[]", &out)
                return
            }
            let scalar = items.allSatisfy {
                if case .object = $0 { return false }
                if case .array = $0 { return false }
                return true
            }
            out.append(0x5B)
            for (n, item) in items.enumerated() {
                if n > 0 { out.append(0x2C) }
                if let indent, !scalar {
                    JSONValue.newline(&out, indent + 1)
                } else if indent != nil, n > 0 {
                    out.append(0x20)
                }
                item.write(into: &out, indent: indent.map { $0 + 1 })
            }
            if let indent, !scalar { JSONValue.newline(&out, indent) }
            out.append(0x5D)
        case .object(let pairs):
            if pairs.isEmpty {
                JSONValue.put("{}", &out)
                return
            }
            out.append(0x7B)
            for (n, (k, v)) in pairs.enumerated() {
                if n > 0 { out.append(0x2C) }
                if let indent { JSONValue.newline(&out, indent + 1) }
                JSONValue.escape(k, into: &out)
                out.append(0x3A)
                if indent != nil { out.append(0x20) }
                v.write(into: &out, indent: indent.map { $0 + 1 })
            }
            if let indent { JSONValue.newline(&out, indent) }
            out.append(0x7D)
        }
    }

    static func escape(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: JSONValue.put("\\\"", &out)
            case 0x5C: JSONValue.put("\\\\", &out)
            case 0x0A: JSONValue.put("\\n", &out)
            case 0x0D: JSONValue.put("\\r", &out)
            case 0x09: JSONValue.put("\\t", &out)
            case 0..<0x20:
                let hex = Array(String(b, radix: 16).utf8)
                JSONValue.put("\\u", &out)
                out.append(contentsOf: repeatElement(0x30, count: 4 - hex.count))
                out.append(contentsOf: hex)
            default: out.append(b)
            }
        }
        out.append(0x22)
    }
}
