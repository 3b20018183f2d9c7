import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Set by SIGINT; engines stop after the batch in flight and keep what was done.
let interruptRequested = Atomic<Bool>(false)

/// Installs the SIGINT handler (idempotent). A second Ctrl-C kills the process as usual.
public func installInterruptHandler() {
    signal(SIGINT) { _ in
        if interruptRequested.load(ordering: .relaxed) { _exit(130) }
        interruptRequested.store(true, ordering: .relaxed)
    }
}

/// Runs the owned, not yet completed units of a `UnitTable` on `threads` threads, in batches:
/// after each batch results are stored, appended to the checkpoint file, progress is drawn,
/// and a pending interrupt stops the run cleanly. Each unit is computed from its index alone,
/// so the table is the same for any thread count or batch order.
public struct UnitRunner: Sendable {
    public var threads: Int
    public var label: String
    public var progress: Bool
    /// Checkpoint file (the table's own format), appended as batches complete.
    public var checkpoint: String?

    public init(threads: Int, label: String, progress: Bool, checkpoint: String?) {
        self.threads = max(1, threads); self.label = label; self.progress = progress; self.checkpoint = checkpoint
    }

    /// Returns false when interrupted (the table then holds every completed unit).
    public func run(_ table: inout UnitTable, compute: @escaping @Sendable (Int) throws -> [Double]) throws -> Bool {
        let pending = (0..<table.units).filter { table.shard.owns($0) && !table.done[$0] }
        var handle: FileHandle?
        if let checkpoint {
            if !FileManager.default.fileExists(atPath: checkpoint) || table.completed == 0 {
                guard FileManager.default.createFile(atPath: checkpoint, contents: Data(table.serialized().utf8)) else {
                    throw CoFailError.output(path: checkpoint, reason: "cannot create checkpoint")
                }
            }
            handle = FileHandle(forWritingAtPath: checkpoint)
            _ = try? handle?.seekToEnd()
        }
        defer { try? handle?.close() }
        let start = Date()
        let total = pending.count
        var finished = 0
        let batch = max(threads * 16, 64)
        var cursor = 0
        while cursor < pending.count {
            if interruptRequested.load(ordering: .relaxed) { break }
            let units = Array(pending[cursor ..< min(cursor + batch, pending.count)])
            let results = ResultBox(count: units.count)
            let t = threads
            DispatchQueue.concurrentPerform(iterations: min(t, units.count)) { w in
                var k = w
                while k < units.count {
                    do { results.store(k, .success(try compute(units[k]))) } catch { results.store(k, .failure(error)) }
                    k += t
                }
            }
            var lines = ""
            for (k, u) in units.enumerated() {
                switch results.take(k) {
                case .success(let row): table.set(u, row)
                case .failure(let e): throw e
                }
                lines += table.line(u)
            }
            if let handle { try handle.write(contentsOf: Data(lines.utf8)) }
            cursor += units.count
            finished += units.count
            if progress { drawProgress(finished, total, start) }
        }
        if progress { FileHandle.standardError.write(Data("\n".utf8)) }
        return cursor >= pending.count
    }

    func drawProgress(_ done: Int, _ total: Int, _ start: Date) {
        let dt = Date().timeIntervalSince(start)
        let rate = dt > 0 ? Double(done) / dt : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let line = String(format: "\r%@ %d/%d (%.1f%%) %.1f/s ETA %.0fs   ", label, done, total, 100 * Double(done) / Double(max(total, 1)), rate, eta)
        FileHandle.standardError.write(Data(line.utf8))
    }
}

/// Per-batch result slots written by worker threads, each slot by exactly one thread.
final class ResultBox: @unchecked Sendable {
    private var slots: [Result<[Double], Error>?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func store(_ k: Int, _ r: Result<[Double], Error>) { lock.lock(); slots[k] = r; lock.unlock() }
    func take(_ k: Int) -> Result<[Double], Error> { slots[k]! }
}

/// FNV-1a 64 of the input bytes: identifies the matrix a checkpoint or shard was computed on.
public func contentHash(_ bytes: [UInt8]) -> String {
    var h: UInt64 = 0xcbf29ce484222325
    for b in bytes { h = (h ^ UInt64(b)) &* 0x100000001b3 }
    return String(h, radix: 16)
}
