/// The portable hashes cofail keys things with: FNV-1a-64 of bytes, SplitMix64's finaliser, and the
/// fold key of METHODS §13.7 built from them (so another language reproduces every split).
public enum Hashing {
    public static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    public static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3

    /// FNV-1a-64 of a byte sequence.
    public static func fnv1a64<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h = fnvOffset
        for b in bytes {
            h = (h ^ UInt64(b)) &* fnvPrime
        }
        return h
    }

    /// FNV-1a-32 of a byte sequence (the text features' bucket hash, METHODS §16.3).
    public static func fnv1a32<S: Sequence>(_ bytes: S) -> UInt32 where S.Element == UInt8 {
        var h: UInt32 = 0x811c_9dc5
        for b in bytes {
            h = (h ^ UInt32(b)) &* 0x0100_0193
        }
        return h
    }

    /// FNV-1a-64 of a string's UTF-8 bytes.
    public static func fnv1a64(_ s: String) -> UInt64 {
        fnv1a64(s.utf8)
    }

    /// SplitMix64 (Steele, Lea and Flood 2014): the golden-ratio increment, then its finaliser.
    public static func splitMix64(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The fold key of an id under a seed: SplitMix64(FNV-1a-64(UTF-8 of id) XOR seed).
    public static func foldKey(_ id: String, seed: UInt64) -> UInt64 {
        splitMix64(fnv1a64(id) ^ seed)
    }
}
