/// Writes a matrix in the formats the loader reads (METHODS §0); missing cells are empty
/// (wide) or have no record (long, JSON Lines).
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
            out += "query,model,correct\n"
            for q in 0..<queryCount {
                for i in 0..<modelCount where bit(answered, i, q) {
                    out +=
                        Report.csvQuote(queryIDs[q]) + "," + Report.csvQuote(modelNames[i])
                        + (bit(correct, i, q) ? ",1\n" : ",0\n")
                }
            }
        case .jsonl:
            for q in 0..<queryCount {
                for i in 0..<modelCount where bit(answered, i, q) {
                    out +=
                        JSONValue.object([
                            ("query", .string(queryIDs[q])), ("model", .string(modelNames[i])),
                            ("correct", .bool(bit(correct, i, q))),
                        ]).rendered(pretty: false) + "\n"
                }
            }
        }
        return out
    }
}
