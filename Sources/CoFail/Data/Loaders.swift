import Foundation

/// Loads outcome matrices (METHODS §0) from wide CSV, long CSV or JSON Lines.
public struct MatrixLoader: Sendable {
    public var format: InputFormat?
    public var cells: CellParser
    /// Threads that read the rows of a large wide CSV (the result is the same for any value).
    public var threads: Int

    public init(format: InputFormat? = nil, threshold: Double? = nil, threads: Int = 1) {
        self.format = format
        self.cells = CellParser(threshold: threshold)
        self.threads = threads
    }

    /// Loads `path` ("-" for standard input), detecting the format unless one was given:
    /// `.jsonl`/`.ndjson` or a first byte `{` means JSON Lines; a CSV header naming
    /// `query`, `model` and `correct` means long CSV; any other CSV is wide.
    public func load(_ path: String) throws -> RawMatrix {
        try load(ByteInput.read(path))
    }

    public func load(_ input: ByteInput) throws -> RawMatrix {
        let b = input.bytes
        var first = 0
        while first < b.count, b[first] == 0x20 || b[first] == 0x09 || b[first] == 0x0A || b[first] == 0x0D {
            first += 1
        }
        if first == b.count {
            throw CoFailError.data(InputLocation(file: input.name, line: 1), value: nil, message: "input is empty")
        }
        let fmt: InputFormat
        if let format {
            fmt = format
        } else if input.name.hasSuffix(".jsonl") || input.name.hasSuffix(".ndjson") || b[first] == 0x7B {
            fmt = .jsonl
        } else {
            var r = CSVReader(input)
            var fields: [CSVField] = []
            _ = try r.next(into: &fields)
            let names = Set(fields.map { r.string($0).lowercased() })
            fmt = names.isSuperset(of: ["query", "model", "correct"]) ? .long : .wide
        }
        switch fmt {
        case .wide: return try loadWide(input)
        case .long: return try loadLong(input)
        case .jsonl: return try loadJSONL(input)
        }
    }

    // MARK: wide CSV

    func loadWide(_ input: ByteInput) throws -> RawMatrix {
        var reader = CSVReader(input)
        var fields: [CSVField] = []
        guard let headerLine = try reader.next(into: &fields) else {
            throw CoFailError.data(InputLocation(file: input.name, line: 1), value: nil, message: "input is empty")
        }
        let header = fields.map { reader.string($0) }
        guard header.count >= 2 else {
            throw CoFailError.data(
                InputLocation(file: input.name, line: headerLine), value: header.first,
                message: "a wide CSV needs a query-id column and at least one model column")
        }
        let models = Array(header.dropFirst())
        var seen: [String: Int] = [:]
        for (j, name) in models.enumerated() {
            if name.isEmpty {
                throw CoFailError.data(
                    InputLocation(file: input.name, line: headerLine, column: j + 2), value: name,
                    message: "empty model name in header")
            }
            if let prev = seen[name] {
                throw CoFailError.data(
                    InputLocation(file: input.name, line: headerLine, column: j + 2, columnName: name), value: name,
                    message: "duplicate model name (also column \(prev + 2))")
            }
            seen[name] = j
        }
        let parts = wideParts(input, from: reader.pos, line: reader.line)
        let read = ResultSlots<WideRows>(count: parts.count)
        DispatchQueue.concurrentPerform(iterations: parts.count) { t in
            let part = parts[t]
            read.store(t, .success(wideRows(input, from: part.from, to: part.to, line: part.line, header: header)))
        }
        // The parts in file order: the first error in the file is the one reported, and a
        // duplicate query id is found across parts as within one.
        var correct = [[UInt64]](repeating: [], count: models.count)
        var answered = [[UInt64]](repeating: [], count: models.count)
        var queryIDs: [String] = []
        var queryLine: [String: Int] = [:]
        for t in parts.indices {
            let rows = try read.take(t).get()
            for (qid, line) in zip(rows.ids, rows.lines) {
                if let prev = queryLine[qid] {
                    throw CoFailError.data(
                        InputLocation(file: input.name, line: line, column: 1, columnName: header[0]), value: qid,
                        message:
                            "duplicate query id (first on line \(prev)): its (query, model) cells would be duplicated")
                }
                queryLine[qid] = line
            }
            if let failure = rows.failure {
                throw failure
            }
            for j in models.indices {
                MatrixLoader.appendBits(&correct[j], count: queryIDs.count, rows.correct[j], adding: rows.ids.count)
                MatrixLoader.appendBits(&answered[j], count: queryIDs.count, rows.answered[j], adding: rows.ids.count)
            }
            queryIDs += rows.ids
        }
        if queryIDs.isEmpty {
            throw CoFailError.data(
                InputLocation(file: input.name, line: headerLine), value: nil,
                message: "header only: the matrix has no query rows")
        }
        let raw = RawMatrix(
            source: input.name, format: .wide, queryIDs: queryIDs, modelNames: models,
            families: Array(repeating: nil, count: models.count), costs: nil, queryTypes: nil, confidences: nil,
            ignoredColumns: [],
            correct: correct, answered: answered)
        try requireAnswered(raw) { j in
            InputLocation(file: input.name, line: headerLine, column: j + 2, columnName: models[j])
        }
        return raw
    }

    /// The rows of one part of a wide CSV's body: the query ids with their lines, and each
    /// model's correct and answered bits, bit r % 64 of word r / 64 for the part's row r.
    struct WideRows {
        var ids: [String] = []
        var lines: [Int] = []
        var correct: [[UInt64]]
        var answered: [[UInt64]]
        /// The error of the part's first bad row; `ids` then ends with that row's id when the row
        /// got as far as its cells (a duplicate id earlier in the file is reported first).
        var failure: Error?
    }

    /// Reads the records of bytes `from ..< to`, the first on physical line `line`.
    func wideRows(_ input: ByteInput, from: Int, to: Int, line: Int, header: [String]) -> WideRows {
        let m = header.count - 1
        var rows = WideRows(
            correct: [[UInt64]](repeating: [], count: m), answered: [[UInt64]](repeating: [], count: m))
        var reader = CSVReader(input, from: from, to: to, line: line)
        var fields: [CSVField] = []
        // Each column's bits collect in one word per model for 64 rows (`block`, flat: the
        // correct word of model j at 2j, the answered word at 2j + 1), then move to the columns.
        let block = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: 2 * m)
        block.initialize(repeating: 0)
        defer { block.deallocate() }
        func flush() {
            for j in 0..<m {
                rows.correct[j].append(block[2 * j])
                rows.answered[j].append(block[2 * j + 1])
            }
            block.update(repeating: 0)
        }
        do {
            while let line = try reader.next(into: &fields) {
                if fields.count != header.count {
                    throw raggedRow(input, line: line, fields: fields, reader: reader, header: header)
                }
                let qid = reader.string(fields[0])
                if qid.isEmpty {
                    throw CoFailError.data(
                        InputLocation(file: input.name, line: line, column: 1, columnName: header[0]), value: qid,
                        message: "empty query id")
                }
                let bit = UInt64(1) << UInt64(rows.ids.count & 63)
                rows.ids.append(qid)
                rows.lines.append(line)
                // every cell of the matrix passes here: buffers without bounds checks
                try fields.withUnsafeBufferPointer { fs in
                    try input.bytes.withUnsafeBufferPointer { b in
                        for j in 0..<m {
                            let f = fs[j + 1]
                            let (s, e) = f.quoted ? (f.start, f.end) : CSVReader.trimmed(b, f)
                            switch cells.parse(b, s, e) {
                            case .success(.correct):
                                block[2 * j] |= bit
                                block[2 * j + 1] |= bit
                            case .success(.wrong): block[2 * j + 1] |= bit
                            case .success(.missing): break
                            case .failure(let why):
                                throw CoFailError.data(
                                    InputLocation(
                                        file: input.name, line: line, column: j + 2, columnName: header[j + 1]),
                                    value: reader.string(f), message: CellParser.message(why))
                            }
                        }
                    }
                }
                if rows.ids.count & 63 == 0 {
                    flush()
                }
            }
        } catch {
            rows.failure = error
            return rows
        }
        if rows.ids.count & 63 != 0 {
            flush()
        }
        return rows
    }

    /// A wide CSV's body `from ...` (its first byte on line `line`) cut into one part per thread
    /// at line ends, with each part's first line. Only a body without quotes is cut: a quoted
    /// field may hold a line end, and small bodies are not worth the threads.
    func wideParts(_ input: ByteInput, from: Int, line: Int) -> [(from: Int, to: Int, line: Int)] {
        let n = input.bytes.count
        let size = n - from
        var parts: [(from: Int, to: Int, line: Int)] = []
        input.bytes.withUnsafeBufferPointer { p in
            guard threads > 1, size >= 1 << 20, memchr(p.baseAddress! + from, 0x22, size) == nil else {
                parts = [(from, n, line)]
                return
            }
            var start = from
            var first = line
            for t in 1...threads {
                var cut = t == threads ? n : max(start, from + size / threads * t)
                while cut < n, p[cut - 1] != 0x0A { cut += 1 }
                guard cut > start else {
                    continue
                }
                parts.append((start, cut, first))
                // the next part's first line: this part's line ends counted (none after the last)
                var at = p.baseAddress! + start
                let stop = p.baseAddress! + (cut < n ? cut : start)
                while let end = memchr(at, 0x0A, stop - at) {
                    first += 1
                    at = UnsafePointer(end.assumingMemoryBound(to: UInt8.self)) + 1
                }
                start = cut
            }
        }
        return parts
    }

    /// Appends the first `adding` bits of `src` (the rest are zero) to the `count` bits of `dst`.
    static func appendBits(_ dst: inout [UInt64], count: Int, _ src: [UInt64], adding: Int) {
        let shift = UInt64(count & 63)
        let words = (count + adding + 63) >> 6
        for w in src {
            if shift != 0 {
                dst[dst.count - 1] |= w << shift
            }
            if dst.count < words {
                dst.append(shift == 0 ? w : w >> (64 - shift))
            }
        }
    }

    func loadLong(_ input: ByteInput) throws -> RawMatrix {
        var reader = CSVReader(input)
        var fields: [CSVField] = []
        guard let headerLine = try reader.next(into: &fields) else {
            throw CoFailError.data(InputLocation(file: input.name, line: 1), value: nil, message: "input is empty")
        }
        let header = fields.map { reader.string($0).lowercased() }
        var col: [String: Int] = [:]
        for (j, h) in header.enumerated() {
            if col[h] != nil {
                throw CoFailError.data(
                    InputLocation(file: input.name, line: headerLine, column: j + 1), value: h,
                    message: "duplicate column name")
            }
            col[h] = j
        }
        for required in ["query", "model", "correct"] where col[required] == nil {
            throw CoFailError.data(
                InputLocation(file: input.name, line: headerLine), value: header.joined(separator: ","),
                message:
                    "long CSV header lacks the '\(required)' column (needs query, model, correct; optional cost, "
                    + "family, type, confidence, sample)"
            )
        }
        let known: Set<String> = ["query", "model", "correct", "cost", "family", "type", "confidence", "sample"]
        let ignored = header.filter { !known.contains($0) }
        let qc = col["query"]!
        let mc = col["model"]!
        let cc = col["correct"]!
        let costC = col["cost"]
        let famC = col["family"]
        let typeC = col["type"]
        let confC = col["confidence"]
        let sampleC = col["sample"]
        var sink = RecordSink(file: input.name)
        let b = input.bytes
        // Rows usually arrive grouped by query or by model: reuse the last index when the bytes repeat.
        var lastQ = (start: 0, end: -1, index: 0)
        var lastM = (start: 0, end: -1, index: 0)
        func same(_ f: CSVField, _ last: (start: Int, end: Int, index: Int)) -> Bool {
            let len = f.end - f.start
            guard !f.escapes, len == last.end - last.start else { return false }
            var i = 0
            while i < len {
                if b[f.start + i] != b[last.start + i] { return false }
                i += 1
            }
            return true
        }
        while let line = try reader.next(into: &fields) {
            if fields.count != header.count {
                throw raggedRow(input, line: line, fields: fields, reader: reader, header: header)
            }
            let fq = fields[qc]
            let fm = fields[mc]
            let q: Int
            if same(fq, lastQ) {
                q = lastQ.index
            } else {
                let id = reader.string(fq)
                if id.isEmpty {
                    throw CoFailError.data(
                        InputLocation(file: input.name, line: line, column: qc + 1, columnName: "query"), value: id,
                        message: "empty query id")
                }
                q = sink.query(id, line: line)
                lastQ = (fq.start, fq.end, q)
            }
            let i: Int
            if same(fm, lastM) {
                i = lastM.index
            } else {
                let name = reader.string(fm)
                if name.isEmpty {
                    throw CoFailError.data(
                        InputLocation(file: input.name, line: line, column: mc + 1, columnName: "model"), value: name,
                        message: "empty model name")
                }
                i = sink.model(name, line: line)
                lastM = (fm.start, fm.end, i)
            }
            let f = fields[cc]
            let (s, e) = f.quoted ? (f.start, f.end) : reader.trimmed(f)
            let value: CellValue
            switch input.bytes.withUnsafeBufferPointer({ cells.parse($0, s, e) }) {
            case .success(let v): value = v
            case .failure(let why):
                throw CoFailError.data(
                    InputLocation(file: input.name, line: line, column: cc + 1, columnName: "correct"),
                    value: reader.string(f), message: CellParser.message(why))
            }
            var x = Extras()
            if let costC {
                let text = reader.string(fields[costC])
                if !text.isEmpty {
                    guard let v = Double(text), v.isFinite, v >= 0 else {
                        throw CoFailError.data(
                            InputLocation(file: input.name, line: line, column: costC + 1, columnName: "cost"),
                            value: text,
                            message: "cost must be a non-negative number of dollars")
                    }
                    x.cost = v
                }
            }
            if let confC {
                let text = reader.string(fields[confC])
                switch MatrixLoader.confidence(text) {
                case .success(let v): x.confidence = v
                case .failure(let why):
                    throw CoFailError.data(
                        InputLocation(file: input.name, line: line, column: confC + 1, columnName: "confidence"),
                        value: text, message: why.message)
                }
            }
            x.family = famC.map { reader.string(fields[$0]) }
            x.type = typeC.map { reader.string(fields[$0]) }
            if let sampleC {
                let text = reader.string(fields[sampleC]).trimmingCharacters(in: .whitespaces)
                guard let v = MatrixLoader.sampleIndex(Double(text)) else {
                    throw CoFailError.data(
                        InputLocation(file: input.name, line: line, column: sampleC + 1, columnName: "sample"),
                        value: text, message: MatrixLoader.sampleMessage)
                }
                x.sample = v
            }
            try sink.add(q: q, i: i, value: value, extras: x, line: line, column: (cc + 1, "correct"))
        }
        if sink.queryIDs.isEmpty {
            throw CoFailError.data(
                InputLocation(file: input.name, line: headerLine), value: nil, message: "header only: no records")
        }
        let raw = try sink.finish(format: .long, ignored: ignored)
        try requireAnswered(raw) { j in
            InputLocation(file: input.name, line: sink.firstLine[j], column: mc + 1, columnName: "model")
        }
        return raw
    }

    func loadJSONL(_ input: ByteInput) throws -> RawMatrix {
        var sink = RecordSink(file: input.name)
        var ignored: [String] = []
        let b = input.bytes
        var lines = JSONLines(input, failure: "not one JSON object of scalar fields")
        // Records usually arrive grouped by query or by model: reuse the last index when the bytes repeat.
        var lastQ = (start: 0, end: -1, index: 0)
        var lastM = (start: 0, end: -1, index: 0)
        func same(_ s: Int, _ e: Int, _ last: (start: Int, end: Int, index: Int)) -> Bool {
            e - s == last.end - last.start && b[s..<e].elementsEqual(b[last.start..<last.end])
        }
        while try lines.next() {
            let lineNo = lines.line
            var query: JSONLineParser.Field?
            var model: JSONLineParser.Field?
            var correct: JSONLineParser.Field?
            var costField: JSONLineParser.Field?
            var familyField: JSONLineParser.Field?
            var typeField: JSONLineParser.Field?
            var confField: JSONLineParser.Field?
            var sampleField: JSONLineParser.Field?
            for f in lines.parser.fields {
                if JSONLineParser.keyIs(b, f, "query") {
                    query = f
                } else if JSONLineParser.keyIs(b, f, "model") {
                    model = f
                } else if JSONLineParser.keyIs(b, f, "correct") {
                    correct = f
                } else if JSONLineParser.keyIs(b, f, "cost") {
                    costField = f
                } else if JSONLineParser.keyIs(b, f, "family") {
                    familyField = f
                } else if JSONLineParser.keyIs(b, f, "type") {
                    typeField = f
                } else if JSONLineParser.keyIs(b, f, "confidence") {
                    confField = f
                } else if JSONLineParser.keyIs(b, f, "sample") {
                    sampleField = f
                } else {
                    let key = JSONLineParser.decode(b, f.keyStart, f.keyEnd, f.keyEscaped)
                    if !ignored.contains(key) {
                        ignored.append(key)
                    }
                }
            }
            func loc(_ key: String, _ f: JSONLineParser.Field?) -> InputLocation {
                InputLocation(file: input.name, line: lineNo, column: f?.column, columnName: key)
            }
            func text(_ f: JSONLineParser.Field?) -> String? {
                f.map { JSONLineParser.scalarValue(b, $0).text }
            }
            let q: Int
            switch query?.value {
            case .string(let qs, let qe, let esc)? where qe > qs:
                if !esc && same(qs, qe, lastQ) {
                    q = lastQ.index
                } else {
                    q = sink.query(JSONLineParser.decode(b, qs, qe, esc), line: lineNo)
                    lastQ = esc ? (0, -1, 0) : (qs, qe, q)
                }
            case .number(let n)? where n == n.rounded() && abs(n) < 1e15:
                q = sink.query(String(Int64(n)), line: lineNo)
            default:
                throw CoFailError.data(
                    loc("query", query), value: text(query), message: "missing or empty 'query' (string or integer)")
            }
            let i: Int
            switch model?.value {
            case .string(let ms, let me, let esc)? where me > ms:
                if !esc && same(ms, me, lastM) {
                    i = lastM.index
                } else {
                    i = sink.model(JSONLineParser.decode(b, ms, me, esc), line: lineNo)
                    lastM = esc ? (0, -1, 0) : (ms, me, i)
                }
            default:
                throw CoFailError.data(
                    loc("model", model), value: text(model), message: "missing or empty 'model' (string)")
            }
            let cell: Result<CellValue, CellParser.Failure>
            switch correct?.value {
            case nil:
                throw CoFailError.data(
                    loc("correct", nil), value: nil, message: "missing 'correct' field (use null for a missing cell)")
            case .null?: cell = .success(.missing)
            case .bool(let v)?: cell = .success(v ? .correct : .wrong)
            case .number(let v)?: cell = cells.parse(score: v)
            case .string(let cs, let ce, let esc)?:
                let word = JSONLineParser.decode(b, cs, ce, esc).trimmingCharacters(in: .whitespaces).lowercased()
                cell = cells.parse(word: word)
            case .nested?:
                throw CoFailError.data(
                    loc("correct", correct), value: text(correct), message: "correct must be a scalar")
            }
            let value: CellValue
            switch cell {
            case .success(let v): value = v
            case .failure(let why):
                throw CoFailError.data(
                    loc("correct", correct), value: text(correct), message: CellParser.message(why))
            }
            var x = Extras()
            switch costField?.value {
            case nil, .null?: break
            case .number(let v)? where v.isFinite && v >= 0: x.cost = v
            default:
                throw CoFailError.data(
                    loc("cost", costField), value: text(costField),
                    message: "cost must be a non-negative number of dollars")
            }
            switch familyField?.value {
            case nil, .null?: break
            case .string(let fs, let fe, let esc)?: x.family = JSONLineParser.decode(b, fs, fe, esc)
            default:
                throw CoFailError.data(
                    loc("family", familyField), value: text(familyField), message: "family must be a string")
            }
            switch typeField?.value {
            case nil: break
            case .string(let ts, let te, let esc)?: x.type = JSONLineParser.decode(b, ts, te, esc)
            case .number(let v)? where v == v.rounded() && abs(v) < 1e15: x.type = String(Int64(v))
            default:
                throw CoFailError.data(
                    loc("type", typeField), value: text(typeField), message: "type must be a non-empty string")
            }
            let confidence: Result<Double?, ConfidenceFailure>
            switch confField?.value {
            case nil, .null?: confidence = .success(nil)
            case .number(let v)?: confidence = v.isFinite ? .success(v) : .failure(.notFinite)
            case .string(let cs, let ce, let esc)?:
                confidence = MatrixLoader.confidence(
                    JSONLineParser.decode(b, cs, ce, esc).trimmingCharacters(in: .whitespaces))
            case .bool?, .nested?: confidence = .failure(.notANumber)
            }
            switch confidence {
            case .success(let v): x.confidence = v
            case .failure(let why):
                throw CoFailError.data(loc("confidence", confField), value: text(confField), message: why.message)
            }
            if let sampleField {
                guard case .number(let v) = sampleField.value, let index = MatrixLoader.sampleIndex(v) else {
                    throw CoFailError.data(
                        loc("sample", sampleField), value: text(sampleField), message: MatrixLoader.sampleMessage)
                }
                x.sample = index
            }
            try sink.add(q: q, i: i, value: value, extras: x, line: lineNo, column: (nil, "correct"))
        }
        if sink.queryIDs.isEmpty {
            throw CoFailError.data(
                InputLocation(file: input.name, line: max(lines.line, 1)), value: nil, message: "input has no records")
        }
        let raw = try sink.finish(format: .jsonl, ignored: ignored.sorted())
        try requireAnswered(raw) { j in InputLocation(file: input.name, line: sink.firstLine[j], columnName: "model") }
        return raw
    }

    /// A `sample` value as an index: an integer in 0..<2³¹, else nil.
    static func sampleIndex(_ v: Double?) -> Int? {
        guard let v, v == v.rounded(), v >= 0, v < 2_147_483_648 else {
            return nil
        }
        return Int(v)
    }

    static let sampleMessage = "sample must be an integer ≥ 0 (the repeated-sample index)"

    enum ConfidenceFailure: Error {
        case notANumber
        case notFinite

        var message: String {
            switch self {
            case .notANumber: return "confidence must be a finite number (empty, NA, null or nan = missing)"
            case .notFinite: return "confidence must be finite (inf and NaN are not confidences; write nan = missing)"
            }
        }
    }

    /// The confidence vocabulary of §0′: a finite real; empty, NA, null, nan (any case) = missing.
    static func confidence(_ text: String) -> Result<Double?, ConfidenceFailure> {
        if text.isEmpty {
            return .success(nil)
        }
        if let v = Double(text) {
            if v.isFinite {
                return .success(v)
            }
            return v.isNaN && text.lowercased() == "nan" ? .success(nil) : .failure(.notFinite)
        }
        switch text.lowercased() {
        case "na", "null": return .success(nil)
        default: return .failure(.notANumber)
        }
    }

    /// A model with no answered query cannot be analysed: reject it, naming where it appears.
    func requireAnswered(_ raw: RawMatrix, location: (Int) -> InputLocation) throws {
        for j in 0..<raw.modelCount where raw.answeredCount(j) == 0 {
            throw CoFailError.data(
                location(j), value: raw.modelNames[j], message: "model has no answered query (every cell is missing)")
        }
    }
}

/// The optional model registry CSV: `model,family[,tier,price_in,price_out]`.
public struct ModelRegistry: Sendable {
    public struct Entry: Sendable {
        public var family: String
        public var tier: String?
        public var priceIn: Double?
        public var priceOut: Double?
    }
    public var source: String
    public var entries: [String: Entry]

    public static func load(_ path: String) throws -> ModelRegistry {
        var table = try SideTable(path, empty: "registry is empty")
        let (input, headerLine, header) = (table.input, table.headerLine, table.header)
        guard header.count >= 2, header[0] == "model", header[1] == "family" else {
            throw CoFailError.data(
                InputLocation(file: input.name, line: headerLine), value: header.joined(separator: ","),
                message: "registry header must start with model,family (optional tier,price_in,price_out)")
        }
        var entries: [String: Entry] = [:]
        while let (line, values) = try table.next() {
            let model = values[0]
            let family = values[1]
            if model.isEmpty {
                throw CoFailError.data(
                    InputLocation(file: input.name, line: line, column: 1, columnName: "model"), value: model,
                    message: "empty model name")
            }
            if family.isEmpty {
                throw CoFailError.data(
                    InputLocation(file: input.name, line: line, column: 2, columnName: "family"), value: family,
                    message: "empty family")
            }
            if entries[model] != nil {
                throw CoFailError.data(
                    InputLocation(file: input.name, line: line, column: 1, columnName: "model"), value: model,
                    message: "model listed twice in the registry")
            }
            var e = Entry(family: family)
            for (j, h) in header.enumerated().dropFirst(2) {
                let text = values[j]
                switch h {
                case "tier": e.tier = text.isEmpty ? nil : text
                case "price_in", "price_out":
                    if text.isEmpty { continue }
                    guard let v = Double(text), v.isFinite, v >= 0 else {
                        throw CoFailError.data(
                            InputLocation(file: input.name, line: line, column: j + 1, columnName: h), value: text,
                            message: "price must be a non-negative number")
                    }
                    if h == "price_in" { e.priceIn = v } else { e.priceOut = v }
                default:
                    throw CoFailError.data(
                        InputLocation(file: input.name, line: headerLine, column: j + 1), value: h,
                        message: "unknown registry column (allowed: model,family,tier,price_in,price_out)")
                }
            }
            entries[model] = e
        }
        if entries.isEmpty {
            throw CoFailError.data(
                InputLocation(file: input.name, line: headerLine), value: nil,
                message: "header only: the registry lists no model")
        }
        return ModelRegistry(source: input.name, entries: entries)
    }
}

/// A scalar JSON value of one JSON Lines field.
/// A row whose field count differs from the header's: the column is the first extra field, or
/// the first missing one.
func raggedRow(_ input: ByteInput, line: Int, fields: [CSVField], reader: CSVReader, header: [String]) -> CoFailError {
    if fields.count > header.count {
        let extra = fields[header.count]
        return .data(
            InputLocation(file: input.name, line: line, column: header.count + 1), value: reader.string(extra),
            message: "ragged row: \(fields.count) fields, header has \(header.count)")
    }
    return .data(
        InputLocation(file: input.name, line: line, column: fields.count + 1, columnName: header[fields.count]),
        value: nil, message: "ragged row: \(fields.count) fields, header has \(header.count) (field missing)")
}
