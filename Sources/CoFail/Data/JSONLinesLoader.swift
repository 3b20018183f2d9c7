import Foundation

extension MatrixLoader {
    // MARK: JSON Lines

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
}
