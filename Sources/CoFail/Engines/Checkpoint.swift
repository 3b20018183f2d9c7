import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A checkpoint file written in place with POSIX calls: it is never replaced by a rename, so a
/// symlink, FIFO or device at the path is refused rather than clobbered, and every write error
/// (a full disk, a closed descriptor) names the file.
final class CheckpointWriter {
    let path: String
    private let fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit {
        close(fd)
    }

    /// Why `path` cannot serve as a checkpoint: it exists and is not a regular file.
    static func problem(at path: String) -> String? {
        var st = stat()
        guard lstat(path, &st) == 0 else {
            return nil
        }
        let kind = st.st_mode & S_IFMT
        if kind == S_IFLNK {
            return "is a symbolic link; give the path of a regular file"
        }
        if kind != S_IFREG {
            return "is not a regular file (a device, FIFO, socket or directory)"
        }
        return nil
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    /// Creates (or, with `overwrite`, truncates) the file and writes `contents`.
    static func create(_ path: String, contents: String, overwrite: Bool) throws -> CheckpointWriter {
        if let problem = problem(at: path) {
            throw CoFailError.unsuitableFile(path: path, problem: problem)
        }
        var flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC
        flags |= overwrite ? O_TRUNC : O_EXCL
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else {
            throw CoFailError.output(path: path, reason: String(cString: strerror(errno)))
        }
        let w = CheckpointWriter(path: path, fd: fd)
        try w.write(contents)
        return w
    }

    /// Opens an existing checkpoint for appending after its first `keep` bytes (its intact part).
    static func resume(_ path: String, keep: Int) throws -> CheckpointWriter {
        if let problem = problem(at: path) {
            throw CoFailError.unsuitableFile(path: path, problem: problem)
        }
        let fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            throw CoFailError.output(path: path, reason: String(cString: strerror(errno)))
        }
        let w = CheckpointWriter(path: path, fd: fd)
        guard ftruncate(fd, off_t(keep)) == 0, lseek(fd, 0, SEEK_END) >= 0 else {
            throw CoFailError.output(path: path, reason: String(cString: strerror(errno)))
        }
        return w
    }

    func write(_ text: String) throws {
        if let reason = FileWriting.writeAll(text, to: fd) {
            throw CoFailError.output(path: path, reason: reason + "; the units written before stay resumable")
        }
    }
}
