#if canImport(Glibc)
import Glibc
#endif

/// Writing a whole buffer to a file descriptor with POSIX `write`, retried after EINTR and short
/// writes: a failure is the errno text (a full disk, a closed descriptor, a file-size limit).
public enum FileWriting {
    /// Writes every byte of `text`; returns nil, or the reason it could not.
    public static func writeAll(_ text: String, to fd: Int32) -> String? {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buf in
                Glibc.write(fd, buf.baseAddress! + offset, buf.count - offset)
            }
            if n < 0 {
                if errno == EINTR {
                    continue
                }
                return String(cString: strerror(errno))
            }
            offset += n
        }
        bytes.removeAll()
        return nil
    }
}
