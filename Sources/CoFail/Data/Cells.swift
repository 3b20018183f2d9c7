/// The state of one (query, model) cell.
public enum CellValue: Sendable { case correct, wrong, missing }

/// Parses the cell vocabulary of METHODS §0: 1/0, true/false, correct/incorrect, yes/no
/// (case-insensitive); empty, NA, null, nan = missing. Numbers other than 0 and 1 are
/// fractional scores: rejected unless a threshold is given (score >= threshold = correct).
public struct CellParser: Sendable {
    public var threshold: Double?

    public init(threshold: Double? = nil) { self.threshold = threshold }

    public enum Failure: Error {
        case unknown
        case fractional
        case outOfRange
        case unrepresentable
    }

    /// Parses bytes [s, e) of `b` (already trimmed).
    @inline(__always)
    /// The cell in bytes [s, e) of `b`.
    func parse(_ b: [UInt8], _ s: Int, _ e: Int) -> Result<CellValue, Failure> {
        b.withUnsafeBufferPointer { parse($0, s, e) }
    }

    func parse(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Result<CellValue, Failure> {
        let len = e - s
        if len == 0 { return .success(.missing) }
        if len == 1 {
            switch b[s] {
            case 0x31: return .success(.correct)
            case 0x30: return .success(.wrong)
            default: break
            }
        }
        var word = ""
        word.reserveCapacity(len)
        for i in s..<e { word.unicodeScalars.append(Unicode.Scalar(b[i] | (b[i] >= 0x41 && b[i] <= 0x5A ? 0x20 : 0))) }
        return parse(word: word)
    }

    /// Parses an already lower-cased token.
    func parse(word: String) -> Result<CellValue, Failure> {
        switch word {
        case "", "na", "n/a", "null", "nan", "none": return .success(.missing)
        case "1", "true", "correct", "yes", "t", "y": return .success(.correct)
        case "0", "false", "incorrect", "no", "f", "n": return .success(.wrong)
        default: break
        }
        // decimal numbers only: Swift's Double(_:) also reads hex floats ("0x1") and "inf"
        let decimal = word.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2B || $0 == 0x2D
                || $0 == 0x65
        }
        guard decimal, let v = Double(word) else {
            return .failure(.unknown)
        }
        if case .failure(let f) = CellParser.checkRepresentable(v, token: word) {
            return .failure(f)
        }
        return parse(score: v)
    }

    /// A decimal token that rounds to 0 or ±∞ although it is neither (1e-400, 1e400) does not
    /// fit a double: an error rather than a silently different value.
    static func checkRepresentable(_ v: Double, token: String) -> Result<Void, Failure> {
        if v.isInfinite {
            return .failure(.unrepresentable)
        }
        if v == 0 {
            let mantissa = token.split(whereSeparator: { $0 == "e" || $0 == "E" }).first ?? ""
            if mantissa.contains(where: { $0 >= "1" && $0 <= "9" }) {
                return .failure(.unrepresentable)
            }
        }
        return .success(())
    }

    func parse(score v: Double) -> Result<CellValue, Failure> {
        if v == 1 { return .success(.correct) }
        if v == 0 { return .success(.wrong) }
        guard v > 0 && v < 1 else { return .failure(.outOfRange) }
        guard let t = threshold else { return .failure(.fractional) }
        return .success(v >= t ? .correct : .wrong)
    }

    static func message(_ f: Failure) -> String {
        switch f {
        case .unknown:
            return
                "unknown cell value; expected 1/0, true/false, correct/incorrect, yes/no, or empty/NA/null/nan "
                + "for missing"
        case .fractional: return "fractional score; give a score threshold T to count scores >= T as correct"
        case .outOfRange: return "numeric score outside [0, 1]"
        case .unrepresentable: return "number does not fit a double (it would round to 0 or infinity)"
        }
    }
}
