/// Bit access over 64-bit words: bit q of a column is bit q mod 64 of word q / 64.
enum Bits {
    /// Whether bit q of `words` is set.
    @inline(__always)
    static func get(_ words: [UInt64], _ q: Int) -> Bool {
        words[q >> 6] & (1 << UInt64(q & 63)) != 0
    }
}

/// Growable bit column used while loading.
struct BitColumn {
    var words: [UInt64] = []
    @inline(__always) mutating func set(_ q: Int) {
        let w = q >> 6
        if w >= words.count { words.append(contentsOf: repeatElement(0, count: w - words.count + 1)) }
        words[w] |= 1 << UInt64(q & 63)
    }
    @inline(__always) func get(_ q: Int) -> Bool {
        let w = q >> 6
        return w < words.count && words[w] & (1 << UInt64(q & 63)) != 0
    }
    func padded(to count: Int) -> [UInt64] {
        words.count >= count ? words : words + repeatElement(0, count: count - words.count)
    }
}
