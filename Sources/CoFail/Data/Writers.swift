/// Writes a matrix in the formats the loader reads (METHODS §0, §0′); missing cells are empty
/// (wide) or have no record (long, JSON Lines). Costs, types and confidences need a long format;
/// repeated samples (read as sample 0) are written one record each with a `sample` field.
extension RawMatrix {
    /// One record of a long format: query, model, correctness, sample (when written), cost and
    /// confidence (NaN: not given).
    typealias LongRecord = (q: Int, i: Int, correct: Bool, sample: Int?, cost: Double, confidence: Double)

    /// Whether the records are the repeated samples (read as sample 0) rather than the cells.
    var writesSamples: Bool { samples != nil && sampleReading?.policy == nil }

    /// The records of a long format in writing order: every non-missing sample in input order, or
    /// every answered cell query by query.
    func forEachRecord(_ body: (LongRecord) -> Void) {
        if writesSamples {
            for r in samples!.records where r.value != .missing {
                body((Int(r.query), Int(r.model), r.value == .correct, Int(r.sample), r.cost, r.confidence))
            }
            return
        }
        for q in 0..<queryCount {
            for i in 0..<modelCount where Bits.get(answered[i], q) {
                body(
                    (q, i, Bits.get(correct[i], q), nil, costs?[i][q] ?? .nan, confidences?[i][q] ?? .nan))
            }
        }
    }

    public func serialized(as format: InputFormat) -> String {
        var out = ""
        out.reserveCapacity(queryCount * modelCount * (format == .wide ? 2 : 24))
        switch format {
        case .wide:
            out += (["query"] + modelNames).map(CSVText.quote).joined(separator: ",") + "\n"
            for q in 0..<queryCount {
                out += CSVText.quote(queryIDs[q])
                for i in 0..<modelCount {
                    out += Bits.get(answered[i], q) ? (Bits.get(correct[i], q) ? ",1" : ",0") : ","
                }
                out += "\n"
            }
        case .long:
            out += "query,model,correct" + (writesSamples ? ",sample" : "")
            out += (costs == nil ? "" : ",cost") + (queryTypes == nil ? "" : ",type")
            out += (confidences == nil ? "" : ",confidence") + "\n"
            forEachRecord { r in
                out += CSVText.quote(queryIDs[r.q]) + "," + CSVText.quote(modelNames[r.i]) + (r.correct ? ",1" : ",0")
                if let sample = r.sample {
                    out += "," + String(sample)
                }
                if costs != nil {
                    out += r.cost.isNaN ? "," : ",\(r.cost)"
                }
                if let queryTypes {
                    out += "," + CSVText.quote(queryTypes[r.q])
                }
                if confidences != nil {
                    out += r.confidence.isNaN ? "," : ",\(r.confidence)"
                }
                out += "\n"
            }
        case .jsonl:
            forEachRecord { r in
                var record: [(String, JSONValue)] = [
                    ("query", .string(queryIDs[r.q])), ("model", .string(modelNames[r.i])),
                    ("correct", .bool(r.correct)),
                ]
                if let sample = r.sample {
                    record.append(("sample", .int(sample)))
                }
                if costs != nil, !r.cost.isNaN {
                    record.append(("cost", .number(r.cost)))
                }
                if let queryTypes {
                    record.append(("type", .string(queryTypes[r.q])))
                }
                if confidences != nil, !r.confidence.isNaN {
                    record.append(("confidence", .number(r.confidence)))
                }
                out += JSONValue.object(record).rendered(pretty: false) + "\n"
            }
        }
        return out
    }
}
