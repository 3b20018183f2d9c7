import Foundation

extension MatrixLoader {
    // MARK: long CSV

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
            switch cells.parse(input.bytes, s, e) {
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
}
