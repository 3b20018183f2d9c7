/// Writes a matrix in the formats the loader reads (METHODS §0, §0′); missing cells are empty
/// (wide) or have no record (long, JSON Lines). Costs, types and confidences need a long format.
extension RawMatrix {
    public func serialized(as format: InputFormat) -> String {
        var out = ""
        out.reserveCapacity(queryCount * modelCount * (format == .wide ? 2 : 24))
        func bit(_ cols: [[UInt64]], _ i: Int, _ q: Int) -> Bool { cols[i][q >> 6] & (1 << UInt64(q & 63)) != 0 }
        switch format {
        case .wide:
            out += (["query"] + modelNames).map(Report.csvQuote).joined(separator: ",") + "\n"
            for q in 0..<queryCount {
                out += Report.csvQuote(queryIDs[q])
                for i in 0..<modelCount {
                    out += bit(answered, i, q) ? (bit(correct, i, q) ? ",1" : ",0") : ","
                }
                out += "\n"
            }
        case .long:
            out += "query,model,correct"
            out += (costs == nil ? "" : ",cost") + (queryTypes == nil ? "" : ",type")
            out += (confidences == nil ? "" : ",confidence") + "\n"
            for q in 0..<queryCount {
                for i in 0..<modelCount where bit(answered, i, q) {
                    out +=
                        Report.csvQuote(queryIDs[q]) + "," + Report.csvQuote(modelNames[i])
                        + (bit(correct, i, q) ? ",1" : ",0")
                    if let costs {
                        out += costs[i][q].isNaN ? "," : ",\(costs[i][q])"
                    }
                    if let queryTypes {
                        out += "," + Report.csvQuote(queryTypes[q])
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
