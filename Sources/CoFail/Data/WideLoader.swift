import Foundation

extension MatrixLoader {
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
        let results = parts.indices.map { read.take($0) }
        queryLine.reserveCapacity(results.reduce(0) { $0 + ((try? $1.get())?.ids.count ?? 0) })
        for result in results {
            let rows = try result.get()
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
}
