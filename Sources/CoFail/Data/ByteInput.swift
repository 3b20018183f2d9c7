#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The raw bytes of one input (a file, or standard input for "-"), validated as UTF-8,
/// with a leading byte-order mark removed.
public struct ByteInput: Sendable {
    /// Name used in messages: the path, or "<stdin>".
    public let name: String
    public let bytes: [UInt8]

    public init(name: String, bytes: [UInt8]) throws {
        self.name = name
        var b = bytes
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { b.removeFirst(3) }
        self.bytes = b
        try ByteInput.validateUTF8(b, name: name)
    }

    /// Reads `path`, or all of standard input when `path == "-"`.
    public static func read(_ path: String) throws -> ByteInput {
        if path == "-" { return try ByteInput(name: "<stdin>", bytes: readAll(fd: 0, path: "<stdin>")) }
        let fd = open(path, O_RDONLY)
        if fd < 0 { throw CoFailError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        var size = 0
        if fstat(fd, &st) == 0 {
            size = st.st_mode & S_IFMT == S_IFREG ? Int(st.st_size) : 0
            switch st.st_mode & S_IFMT {
            case S_IFDIR: throw CoFailError.unreadable(path: path, reason: "is a directory")
            case S_IFREG, S_IFIFO: break
            default:
                throw CoFailError.unreadable(
                    path: path, reason: "not a regular file or a pipe (a device or socket cannot be an input)")
            }
        }
        return try ByteInput(name: path, bytes: readAll(fd: fd, path: path, size: size))
    }

    /// Reads to the end of `fd`; a regular file's `size` is read straight into the result (a file
    /// that grows meanwhile continues through the chunked reads).
    private static func readAll(fd: Int32, path: String, size: Int = 0) throws -> [UInt8] {
        var failure: Int32 = 0
        var out = [UInt8](unsafeUninitializedCapacity: size) { buffer, filled in
            filled = 0
            while filled < size {
                let got = Glibc.read(fd, buffer.baseAddress! + filled, size - filled)
                if got < 0 && errno == EINTR {
                    continue
                }
                if got < 0 {
                    failure = errno
                }
                if got <= 0 {
                    break
                }
                filled += got
            }
        }
        if failure != 0 {
            throw CoFailError.unreadable(path: path, reason: String(cString: strerror(failure)))
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let got = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw CoFailError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if got == 0 { break }
            out.append(contentsOf: chunk[0..<got])
        }
        return out
    }

    /// Rejects the first byte sequence that is not UTF-8, naming its line and column.
    static func validateUTF8(_ bytes: [UInt8], name: String) throws {
        try bytes.withUnsafeBufferPointer { try validateUTF8($0, name: name) }
    }

    /// ASCII runs are skipped eight bytes at a time; the line and column of an invalid sequence
    /// are counted only when there is one.
    private static func validateUTF8(_ b: UnsafeBufferPointer<UInt8>, name: String) throws {
        var i = 0
        let n = b.count
        let raw = UnsafeRawBufferPointer(b)
        while i < n {
            while i + 8 <= n, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
            }
            if i == n {
                break
            }
            let c = b[i]
            if c < 0x80 {
                i += 1
                continue
            }
            var need = 0
            var minScalar: UInt32 = 0
            var scalar: UInt32 = 0
            switch c {
            case 0xC2...0xDF:
                need = 1
                scalar = UInt32(c & 0x1F)
                minScalar = 0x80
            case 0xE0...0xEF:
                need = 2
                scalar = UInt32(c & 0x0F)
                minScalar = 0x800
            case 0xF0...0xF4:
                need = 3
                scalar = UInt32(c & 0x07)
                minScalar = 0x10000
            default: need = -1
            }
            var ok = need > 0 && i + need < n
            if ok {
                for j in 1...need {
                    let cc = b[i + j]
                    if cc & 0xC0 != 0x80 {
                        ok = false
                        break
                    }
                    scalar = (scalar << 6) | UInt32(cc & 0x3F)
                }
            }
            if ok && (scalar < minScalar || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar)) { ok = false }
            if !ok {
                let hex = b[i..<min(n, i + 4)].map { String($0, radix: 16, uppercase: true) }.joined(separator: " ")
                let line = 1 + b[..<i].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                let lineStart = (b[..<i].lastIndex(of: 0x0A) ?? -1) + 1
                throw CoFailError.data(
                    InputLocation(file: name, line: line, column: i - lineStart + 1),
                    value: "0x" + hex, message: "bytes are not valid UTF-8 (byte column shown)")
            }
            i += need + 1
        }
    }
}
