import Foundation

/// What a learned router sees of each kept query (METHODS §16.2): the prompt text, or numeric
/// features given by the user (e.g. embeddings). Row q belongs to kept query q.
public enum RouterSignals: Sendable {
    case texts([String])
    case features([[Double]], dimensions: Int)

    /// Rows of the file that name no kept query (ignored and counted).
    public struct Load: Sendable {
        public var signals: RouterSignals
        public var source: String
        public var extraRows: Int
    }

    /// Reads `query,text` CSV or `{"query": …, "text": …}` JSON Lines (by extension `.jsonl`/
    /// `.ndjson`, else by a first byte `{`) for the kept `queryIDs`.
    /// - Throws: `CoFailError.data` for an empty file, a missing column or key, a duplicate query
    ///   (file and line) and a kept query without a row (naming it).
    public static func loadTexts(_ path: String, queryIDs: [String]) throws -> Load {
        let input = try ByteInput.read(path)
        let first = input.bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        guard first != nil else {
            throw CoFailError.data(InputLocation(file: input.name, line: 1), value: nil, message: "texts are empty")
        }
        var rows = RowCollector<String>(queryIDs: queryIDs, file: input.name)
        if path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson") || first == UInt8(ascii: "{") {
            var lines = JSONLines(input, harness: true, failure: "not a JSON object with query and text")
            let b = input.bytes
            while try lines.next() {
                var id: String?
                var text: String?
                for f in lines.parser.fields {
                    if JSONLineParser.keyIs(b, f, "query") {
                        id = JSONLineParser.scalarValue(b, f).text
                    } else if JSONLineParser.keyIs(b, f, "text"), case .string(let s, let e, let esc) = f.value {
                        text = JSONLineParser.decode(b, s, e, esc)
                    }
                }
                guard let id, let text else {
                    throw CoFailError.data(
                        InputLocation(file: input.name, line: lines.line), value: nil,
                        message: "each line needs a \"query\" and a string \"text\"")
                }
                try rows.add(id, text, line: lines.line)
            }
        } else {
            var table = try SideTable(path, empty: "texts are empty")
            guard let qc = table.header.firstIndex(of: "query"), let tc = table.header.firstIndex(of: "text") else {
                throw CoFailError.data(
                    InputLocation(file: input.name, line: table.headerLine), value: table.header.joined(separator: ","),
                    message: "the texts header needs the columns query and text")
            }
            while let (line, values) = try table.next() {
                try rows.add(values[qc], values[tc], line: line)
            }
        }
        return Load(signals: .texts(try rows.finish(what: "text")), source: input.name, extraRows: rows.extra)
    }

    /// Reads CSV `query,f1,…,fd` of finite reals for the kept `queryIDs`.
    /// - Throws: `CoFailError.data` for an empty file, no feature column, a value that is not a
    ///   finite number (file, line, column), a duplicate query and a kept query without a row.
    public static func loadFeatures(_ path: String, queryIDs: [String]) throws -> Load {
        var table = try SideTable(path, empty: "features are empty")
        let name = table.input.name
        guard let qc = table.header.firstIndex(of: "query"), table.header.count >= 2 else {
            throw CoFailError.data(
                InputLocation(file: name, line: table.headerLine), value: table.header.joined(separator: ","),
                message: "the features header needs a query column and at least one feature column")
        }
        let columns = table.header.indices.filter { $0 != qc }
        var rows = RowCollector<[Double]>(queryIDs: queryIDs, file: name)
        while let (line, values) = try table.next() {
            var row: [Double] = []
            row.reserveCapacity(columns.count)
            for c in columns {
                guard let v = Double(values[c].trimmingCharacters(in: .whitespaces)), v.isFinite else {
                    throw CoFailError.data(
                        InputLocation(file: name, line: line, column: c + 1, columnName: table.header[c]),
                        value: values[c], message: "a feature must be a finite number")
                }
                row.append(v)
            }
            try rows.add(values[qc], row, line: line)
        }
        let found = try rows.finish(what: "feature row")
        return Load(signals: .features(found, dimensions: columns.count), source: name, extraRows: rows.extra)
    }

    /// Rows keyed by query id, placed at the kept queries' positions.
    struct RowCollector<T> {
        let file: String
        let queryIDs: [String]
        var position: [String: Int] = [:]
        var rows: [T?]
        var lines: [Int]
        var extra = 0

        init(queryIDs: [String], file: String) {
            self.file = file
            self.queryIDs = queryIDs
            for (q, id) in queryIDs.enumerated() {
                position[id] = q
            }
            rows = Array(repeating: nil, count: queryIDs.count)
            lines = Array(repeating: 0, count: queryIDs.count)
        }

        mutating func add(_ id: String, _ value: T, line: Int) throws {
            guard let q = position[id] else {
                extra += 1
                return
            }
            if lines[q] != 0 {
                throw CoFailError.data(
                    InputLocation(file: file, line: line, columnName: "query"), value: id,
                    message: "duplicate query (first on line \(lines[q]))")
            }
            rows[q] = value
            lines[q] = line
        }

        func finish(what: String) throws -> [T] {
            if let q = rows.firstIndex(where: { $0 == nil }) {
                let missing = rows.filter { $0 == nil }.count
                throw CoFailError.data(
                    InputLocation(file: file), value: queryIDs[q],
                    message: "no \(what) for this kept query (\(missing) kept queries have none)")
            }
            return rows.map { $0! }
        }
    }
}

/// The hashed text features of METHODS §16.3, exact so that another language reproduces them:
/// NFC, per-code-point simple lowercase, tokens = runs of letters and digits (general category
/// L* or N*), terms = unigrams and bigrams, bucket = FNV-1a-32(UTF-8 of term) mod D, counts in one
/// bucket added, tf = 1 + ln(count).
public enum TextFeatures {
    /// The tokens of a text.
    public static func tokens(_ text: String) -> [String] {
        var out: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.precomposedStringWithCanonicalMapping.unicodeScalars {
            let lower = simpleLowercase(scalar)
            if isLetterOrNumber(lower) {
                current.append(lower)
            } else if !current.isEmpty {
                out.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty {
            out.append(String(current))
        }
        return out
    }

    /// Unicode's simple lowercase mapping: the full mapping when it is one code point; where the
    /// full mapping has several (U+0130 → i + U+0307, the only unconditional case) its first.
    static func simpleLowercase(_ s: Unicode.Scalar) -> Unicode.Scalar {
        s.properties.lowercaseMapping.unicodeScalars.first ?? s
    }

    static func isLetterOrNumber(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber,
            .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    /// The (bucket, tf) entries of a text, buckets ascending.
    public static func termFrequencies(_ text: String, buckets d: Int) -> [(bucket: Int32, tf: Double)] {
        let t = tokens(text)
        var counts: [Int32: Int] = [:]
        func add(_ term: String) {
            let b = Int32(Int(Hashing.fnv1a32(term.utf8)) % d)
            counts[b, default: 0] += 1
        }
        for (k, token) in t.enumerated() {
            add(token)
            if k > 0 {
                add(t[k - 1] + " " + token)
            }
        }
        return counts.sorted { $0.key < $1.key }.map { ($0.key, 1 + log(Double($0.value))) }
    }
}
