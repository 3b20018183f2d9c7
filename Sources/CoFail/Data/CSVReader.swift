import Foundation

/// One field of a CSV record: a byte range of the input, and whether it was quoted.
struct CSVField {
    var start: Int
    var end: Int
    var quoted: Bool
    /// A quoted field containing doubled quotes ("") that must be unescaped.
    var escapes: Bool
}

/// RFC 4180 reader over a byte buffer: quoted fields (with commas, newlines and "" escapes),
/// LF or CRLF line ends, blank lines skipped. Fields are byte ranges, so reading allocates
/// nothing per field; strings are made only on request.
struct CSVReader {
    let input: ByteInput
    private(set) var pos = 0
    /// Physical line of the next byte (1-based).
    private(set) var line = 1
    /// The reader stops here: the end of the input, or of the part given to `init(_:from:to:line:)`.
    let end: Int

    init(_ input: ByteInput) {
        self.input = input
        end = input.bytes.count
    }

    /// A reader of the bytes `from ..< to` only, whose first byte is on physical line `line`;
    /// `from` must start a record.
    init(_ input: ByteInput, from: Int, to: Int, line: Int) {
        self.input = input
        pos = from
        end = to
        self.line = line
    }

    /// Reads the next non-blank record into `fields`; returns its first line, or nil at the end.
    mutating func next(into fields: inout [CSVField]) throws -> Int? {
        fields.removeAll(keepingCapacity: true)
        // the scan reads every byte of the input: without bounds checks on each
        return try input.bytes.withUnsafeBufferPointer {
            try scan(UnsafeBufferPointer(rebasing: $0[..<end]), into: &fields)
        }
    }

    private mutating func scan(_ b: UnsafeBufferPointer<UInt8>, into fields: inout [CSVField]) throws -> Int? {
        let n = b.count
        // skip blank lines
        while pos < n {
            if b[pos] == 0x0A {
                pos += 1
                line += 1
                continue
            }
            if b[pos] == 0x0D, pos + 1 < n, b[pos + 1] == 0x0A {
                pos += 2
                line += 1
                continue
            }
            break
        }
        if pos >= n { return nil }
        let startLine = line
        while true {
            if pos < n, b[pos] == 0x22 {  // quoted field
                let qLine = line
                var i = pos + 1
                var escapes = false
                while true {
                    if i >= n {
                        throw CoFailError.data(
                            InputLocation(file: input.name, line: qLine, column: fields.count + 1),
                            value: nil, message: "quoted field is never closed")
                    }
                    let c = b[i]
                    if c == 0x22 {
                        if i + 1 < n, b[i + 1] == 0x22 {
                            escapes = true
                            i += 2
                            continue
                        }
                        break
                    }
                    if c == 0x0A { line += 1 }
                    i += 1
                }
                fields.append(CSVField(start: pos + 1, end: i, quoted: true, escapes: escapes))
                pos = i + 1
                if pos < n, b[pos] != 0x2C, b[pos] != 0x0A, !(b[pos] == 0x0D && pos + 1 < n && b[pos + 1] == 0x0A),
                    !(b[pos] == 0x0D && pos + 1 == n)
                {
                    throw CoFailError.data(
                        InputLocation(file: input.name, line: line, column: fields.count),
                        value: String(decoding: b[pos..<min(n, pos + 20)], as: UTF8.self),
                        message: "unexpected text after a closing quote")
                }
            } else {
                var i = pos
                while i < n, b[i] != 0x2C, b[i] != 0x0A { i += 1 }
                var end = i
                if end > pos, b[end - 1] == 0x0D { end -= 1 }
                fields.append(CSVField(start: pos, end: end, quoted: false, escapes: false))
                pos = i
            }
            if pos >= n { return startLine }
            if b[pos] == 0x2C {
                pos += 1
                if pos >= n {
                    fields.append(CSVField(start: n, end: n, quoted: false, escapes: false))
                    return startLine
                }
                continue
            }
            if b[pos] == 0x0D { pos += 1 }
            if pos < n, b[pos] == 0x0A {
                pos += 1
                line += 1
            }
            return startLine
        }
    }

    /// The field's text, unescaped; surrounding spaces of unquoted fields are trimmed.
    func string(_ f: CSVField) -> String {
        let (s, e) = f.quoted ? (f.start, f.end) : trimmed(f)
        let text = String(decoding: input.bytes[s..<e], as: UTF8.self)
        return f.escapes ? text.replacingOccurrences(of: "\"\"", with: "\"") : text
    }

    /// Byte range of the field without surrounding spaces/tabs (unquoted fields).
    func trimmed(_ f: CSVField) -> (Int, Int) {
        input.bytes.withUnsafeBufferPointer { CSVReader.trimmed($0, f) }
    }

    /// The same in a buffer of the input's bytes.
    static func trimmed(_ b: UnsafeBufferPointer<UInt8>, _ f: CSVField) -> (Int, Int) {
        var s = f.start
        var e = f.end
        while s < e, b[s] == 0x20 || b[s] == 0x09 { s += 1 }
        while e > s, b[e - 1] == 0x20 || b[e - 1] == 0x09 { e -= 1 }
        return (s, e)
    }
}

/// A small CSV side file (registry, model costs, prices, routes): the lower-cased header, then
/// the text of each row's fields; a ragged row is an error naming its column.
struct SideTable {
    let input: ByteInput
    let headerLine: Int
    let header: [String]
    private var reader: CSVReader
    private var fields: [CSVField] = []

    /// Reads the header of `path`; an empty file is an error with `empty` as its message.
    init(_ path: String, empty: String) throws {
        let input = try ByteInput.read(path)
        var reader = CSVReader(input)
        var fields: [CSVField] = []
        guard let line = try reader.next(into: &fields) else {
            throw CoFailError.data(InputLocation(file: input.name, line: 1), value: nil, message: empty)
        }
        self.input = input
        headerLine = line
        header = fields.map { reader.string($0).lowercased() }
        self.reader = reader
        self.fields = fields
    }

    /// The next row's line and field texts, nil at the end of the file.
    mutating func next() throws -> (line: Int, values: [String])? {
        guard let line = try reader.next(into: &fields) else {
            return nil
        }
        if fields.count != header.count {
            throw raggedRow(input, line: line, fields: fields, reader: reader, header: header)
        }
        return (line, fields.map { reader.string($0) })
    }
}
