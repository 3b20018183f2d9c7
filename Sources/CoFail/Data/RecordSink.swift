import Foundation

extension MatrixLoader {
    // MARK: long CSV and JSON Lines share one record sink

    /// One record's optional §0′ fields, already parsed.
    struct Extras {
        var cost: Double?
        var family: String?
        var type: String?
        var confidence: Double?
        /// The repeated-sample index (METHODS §18.1); nil when the input has no `sample` field.
        var sample: Int?
    }

    /// Accumulates (query, model, correct, cost, family, type, confidence) records.
    struct RecordSink {
        let file: String
        var queryIndex: [String: Int] = [:]
        var queryIDs: [String] = []
        var queryLine: [Int] = []
        var modelIndex: [String: Int] = [:]
        var models: [String] = []
        var firstLine: [Int] = []
        var families: [String?] = []
        var correct: [BitColumn] = []
        var answered: [BitColumn] = []
        var present: [BitColumn] = []  // cell seen (even if missing), to catch duplicates
        /// Allocated when the first record carries the field; NaN = not given.
        var costs: [[Double]]?
        var confidences: [[Double]]?
        var types: [String?]?
        var typeLine: [Int] = []
        /// Every record of an input with a `sample` field (sample 0 also fills the cells above).
        var samples: [SampleRecords.Record] = []
        /// (query, model, sample) → line, to catch duplicate samples above 0.
        var sampleLines: [SIMD3<Int32>: Int] = [:]

        init(file: String) { self.file = file }

        mutating func query(_ id: String, line: Int) -> Int {
            if let q = queryIndex[id] { return q }
            let q = queryIDs.count
            queryIndex[id] = q
            queryIDs.append(id)
            queryLine.append(line)
            return q
        }

        mutating func model(_ name: String, line: Int) -> Int {
            if let i = modelIndex[name] { return i }
            let i = models.count
            modelIndex[name] = i
            models.append(name)
            firstLine.append(line)
            families.append(nil)
            correct.append(BitColumn())
            answered.append(BitColumn())
            present.append(BitColumn())
            return i
        }

        /// Stores `v` at cell (i, q) of a model-major column set, growing it with NaN.
        static func put(_ v: Double, _ cols: inout [[Double]]?, i: Int, q: Int) {
            var c = cols ?? []
            cols = nil
            while c.count <= i {
                c.append([])
            }
            if c[i].count <= q {
                c[i].append(contentsOf: repeatElement(.nan, count: q - c[i].count + 1))
            }
            c[i][q] = v
            cols = c
        }

        mutating func add(q: Int, i: Int, value: CellValue, extras x: Extras, line: Int, column: (Int?, String)) throws
        {
            if let s = x.sample {
                samples.append(
                    SampleRecords.Record(
                        query: Int32(q), model: Int32(i), sample: Int32(s), value: value, cost: x.cost ?? .nan,
                        confidence: x.confidence ?? .nan))
                if s > 0 {
                    let key = SIMD3(Int32(q), Int32(i), Int32(s))
                    if let first = sampleLines[key] {
                        throw CoFailError.data(
                            InputLocation(file: file, line: line, column: column.0, columnName: column.1),
                            value: "\(queryIDs[q]), \(models[i]), sample \(s)",
                            message: "duplicate (query, model, sample) record (first on line \(first))")
                    }
                    sampleLines[key] = line
                    try setShared(q: q, i: i, extras: x, line: line)
                    return
                }
            }
            if present[i].get(q) {
                throw CoFailError.data(
                    InputLocation(file: file, line: line, column: column.0, columnName: column.1),
                    value: "\(queryIDs[q]), \(models[i])", message: "duplicate (query, model) record")
            }
            present[i].set(q)
            switch value {
            case .correct:
                correct[i].set(q)
                answered[i].set(q)
            case .wrong: answered[i].set(q)
            case .missing: break
            }
            if let cost = x.cost {
                RecordSink.put(cost, &costs, i: i, q: q)
            }
            if let c = x.confidence {
                RecordSink.put(c, &confidences, i: i, q: q)
            }
            try setShared(q: q, i: i, extras: x, line: line)
        }

        /// The fields every sample of a cell shares: the model's family and the query's type.
        mutating func setShared(q: Int, i: Int, extras x: Extras, line: Int) throws {
            if let family = x.family, !family.isEmpty {
                if let known = families[i], known != family {
                    throw CoFailError.data(
                        InputLocation(file: file, line: line, columnName: "family"), value: family,
                        message: "model '\(models[i])' was given family '\(known)' earlier")
                }
                families[i] = family
            }
            if let t = x.type {
                try setType(t, q: q, line: line)
            }
        }

        /// Every record of a query must carry the same type (§0′).
        mutating func setType(_ t: String, q: Int, line: Int) throws {
            if t.isEmpty {
                throw CoFailError.data(
                    InputLocation(file: file, line: line, columnName: "type"), value: t,
                    message: "empty type for query '\(queryIDs[q])' (the type column names every query's type)")
            }
            var ts = types ?? []
            types = nil
            if ts.count <= q {
                ts.append(contentsOf: repeatElement(nil, count: q - ts.count + 1))
                typeLine.append(contentsOf: repeatElement(0, count: q - typeLine.count + 1))
            }
            if let known = ts[q], known != t {
                types = ts
                throw CoFailError.data(
                    InputLocation(file: file, line: line, columnName: "type"), value: t,
                    message: "query '\(queryIDs[q])' has type '\(known)' on line \(typeLine[q]) and '\(t)' here")
            }
            if ts[q] == nil {
                ts[q] = t
                typeLine[q] = line
            }
            types = ts
        }

        func finish(format: InputFormat, ignored: [String]) throws -> RawMatrix {
            let n = queryIDs.count
            let words = (n + 63) / 64
            func full(_ cols: [[Double]]?) -> [[Double]]? {
                cols.map { c in
                    (0..<models.count).map { i in
                        let col = i < c.count ? c[i] : []
                        return col + repeatElement(Double.nan, count: n - col.count)
                    }
                }
            }
            var queryTypes: [String]?
            if let types {
                var out: [String] = []
                out.reserveCapacity(n)
                for q in 0..<n {
                    guard q < types.count, let t = types[q] else {
                        throw CoFailError.data(
                            InputLocation(file: file, line: queryLine[q], columnName: "type"), value: queryIDs[q],
                            message: "query has no type although other queries have one")
                    }
                    out.append(t)
                }
                queryTypes = out
            }
            var raw = RawMatrix(
                source: file, format: format, queryIDs: queryIDs, modelNames: models, families: families,
                costs: full(costs), queryTypes: queryTypes, confidences: full(confidences), ignoredColumns: ignored,
                correct: correct.map { $0.padded(to: words) }, answered: answered.map { $0.padded(to: words) })
            if !samples.isEmpty {
                // records without a sample field are sample 0 of their cell
                var zero = Set<SIMD2<Int32>>()
                for r in samples where r.sample == 0 {
                    zero.insert(SIMD2(r.query, r.model))
                }
                var all = samples
                for i in 0..<models.count {
                    for q in 0..<n where present[i].get(q) && !zero.contains(SIMD2(Int32(q), Int32(i))) {
                        let value: CellValue =
                            answered[i].get(q) ? (correct[i].get(q) ? .correct : .wrong) : .missing
                        all.append(
                            SampleRecords.Record(
                                query: Int32(q), model: Int32(i), sample: 0, value: value,
                                cost: raw.costs?[i][q] ?? .nan, confidence: raw.confidences?[i][q] ?? .nan))
                    }
                }
                raw.samples = SampleRecords(records: all)
                raw.sampleReading = SampleReading(policy: nil, samples: raw.samples!)
            }
            return raw
        }
    }
}
