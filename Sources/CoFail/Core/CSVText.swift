/// Text as one RFC 4180 CSV field.
public enum CSVText {
    /// The field quoted when it holds a comma, a quote or a line end (quotes doubled), else as is.
    public static func quote(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
