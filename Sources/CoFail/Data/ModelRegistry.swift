import Foundation

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
