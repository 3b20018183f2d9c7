import Foundation

/// The optional model registry CSV: `model,family[,tier,price_in,price_out,released]` (`released`:
/// the release date, YYYY-MM-DD, for the timeline of METHODS §19).
public struct ModelRegistry: Sendable {
    public struct Entry: Sendable {
        public var family: String
        public var tier: String?
        public var priceIn: Double?
        public var priceOut: Double?
        public var released: String?
    }
    public var source: String
    public var entries: [String: Entry]

    public static func load(_ path: String) throws -> ModelRegistry {
        var table = try SideTable(path, empty: "registry is empty")
        let (input, headerLine, header) = (table.input, table.headerLine, table.header)
        guard header.count >= 2, header[0] == "model", header[1] == "family" else {
            throw CoFailError.data(
                InputLocation(file: input.name, line: headerLine), value: header.joined(separator: ","),
                message: "registry header must start with model,family (optional tier,price_in,price_out,released)")
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
                case "released":
                    if text.isEmpty { continue }
                    guard ReleaseDate.isValid(text) else {
                        throw CoFailError.data(
                            InputLocation(file: input.name, line: line, column: j + 1, columnName: h), value: text,
                            message: "release date must be a calendar date YYYY-MM-DD")
                    }
                    e.released = text
                default:
                    throw CoFailError.data(
                        InputLocation(file: input.name, line: headerLine, column: j + 1), value: h,
                        message: "unknown registry column (allowed: model,family,tier,price_in,price_out,released)")
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

/// Calendar dates written YYYY-MM-DD (proleptic Gregorian), as registries give release dates.
public enum ReleaseDate {
    public static func isValid(_ s: String) -> Bool {
        dayNumber(s) != nil
    }

    /// Days since 1970-01-01, nil when `s` is not such a date.
    public static func dayNumber(_ s: String) -> Int? {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }),
            let y = Int(parts[0]), let mo = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(mo)
        else {
            return nil
        }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let length = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]
        guard (1...length).contains(d) else {
            return nil
        }
        // days from the civil date (Hinnant's algorithm; years here are positive)
        let yy = mo <= 2 ? y - 1 : y
        let era = yy / 400
        let yoe = yy - era * 400
        let doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}
