/// Writes a matrix in the formats the loader reads (METHODS §0, §0′); missing cells are empty
/// (wide) or have no record (long, JSON Lines). Costs, types and confidences need a long format;
/// repeated samples (read as sample 0) are written one record each with a `sample` field.
extension RawMatrix {
    public func serialized(as format: InputFormat) -> String {
        var out = ""
        out.reserveCapacity(queryCount * modelCount * (format == .wide ? 2 : 24))
        func bit(_ cols: [[UInt64]], _ i: Int, _ q: Int) -> Bool { Bits.get(cols[i], q) }
        switch format {
        case .wide:
            out += (["query"] + modelNames).map(CSVText.quote).joined(separator: ",") + "\n"
            for q in 0..<queryCount {
                out += CSVText.quote(queryIDs[q])
                for i in 0..<modelCount {
                    out += bit(answered, i, q) ? (bit(correct, i, q) ? ",1" : ",0") : ","
                }
                out += "\n"
            }
        case .long where samples != nil && sampleReading?.policy == nil:
            out += "query,model,correct,sample"
            out += (costs == nil ? "" : ",cost") + (queryTypes == nil ? "" : ",type")
            out += (confidences == nil ? "" : ",confidence") + "\n"
            for r in samples!.records where r.value != .missing {
                let q = Int(r.query)
                out +=
                    CSVText.quote(queryIDs[q]) + "," + CSVText.quote(modelNames[Int(r.model)])
                    + (r.value == .correct ? ",1," : ",0,") + String(r.sample)
                if costs != nil {
                    out += r.cost.isNaN ? "," : ",\(r.cost)"
                }
                if let queryTypes {
                    out += "," + CSVText.quote(queryTypes[q])
                }
                if confidences != nil {
                    out += r.confidence.isNaN ? "," : ",\(r.confidence)"
                }
                out += "\n"
            }
        case .jsonl where samples != nil && sampleReading?.policy == nil:
            for r in samples!.records where r.value != .missing {
                let q = Int(r.query)
                var record: [(String, JSONValue)] = [
                    ("query", .string(queryIDs[q])), ("model", .string(modelNames[Int(r.model)])),
                    ("correct", .bool(r.value == .correct)), ("sample", .int(Int(r.sample))),
                ]
                if costs != nil, !r.cost.isNaN {
                    record.append(("cost", .number(r.cost)))
                }
                if let queryTypes {
                    record.append(("type", .string(queryTypes[q])))
                }
                if confidences != nil, !r.confidence.isNaN {
                    record.append(("confidence", .number(r.confidence)))
                }
                out += JSONValue.object(record).rendered(pretty: false) + "\n"
            }
        case .long:
            out += "query,model,correct"
            out += (costs == nil ? "" : ",cost") + (queryTypes == nil ? "" : ",type")
            out += (confidences == nil ? "" : ",confidence") + "\n"
            for q in 0..<queryCount {
                for i in 0..<modelCount where bit(answered, i, q) {
                    out +=
                        CSVText.quote(queryIDs[q]) + "," + CSVText.quote(modelNames[i])
                        + (bit(correct, i, q) ? ",1" : ",0")
                    if let costs {
                        out += costs[i][q].isNaN ? "," : ",\(costs[i][q])"
                    }
                    if let queryTypes {
                        out += "," + CSVText.quote(queryTypes[q])
                    }
                    if let confidences {
                        out += confidences[i][q].isNaN ? "," : ",\(confidences[i][q])"
                    }
                    out += "\n"
                }
            }
        case .jsonl:
            for q in 0..<queryCount {
                for i in 0..<modelCount where bit(answered, i, q) {
                    var record: [(String, JSONValue)] = [
                        ("query", .string(queryIDs[q])), ("model", .string(modelNames[i])),
                        ("correct", .bool(bit(correct, i, q))),
                    ]
                    if let costs, !costs[i][q].isNaN {
                        record.append(("cost", .number(costs[i][q])))
                    }
                    if let queryTypes {
                        record.append(("type", .string(queryTypes[q])))
                    }
                    if let confidences, !confidences[i][q].isNaN {
                        record.append(("confidence", .number(confidences[i][q])))
                    }
                    out += JSONValue.object(record).rendered(pretty: false) + "\n"
                }
            }
        }
        return out
    }
}
