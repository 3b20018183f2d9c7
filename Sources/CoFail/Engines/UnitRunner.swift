import Foundation
import Synchronization

/// Where completed units are saved as a run goes.
public enum CheckpointPlan: Sendable {
    /// A new file; `overwrite` allows replacing an existing regular file.
    case create(path: String, overwrite: Bool)
    /// Continue a file read by `UnitTable.read`, keeping its first `intactBytes` bytes.
    case resume(path: String, intactBytes: Int)

    public var path: String {
        switch self {
        case .create(let path, _), .resume(let path, _): return path
        }
    }
}

/// Runs the owned, not yet completed units of a `UnitTable` on `threads` threads, in batches:
/// after each batch results are stored, appended to the checkpoint file, progress is drawn,
/// and a cancellation stops the run cleanly. Each unit is computed from its index alone, so the
/// table is the same for any thread count or batch order.
public struct UnitRunner: Sendable {
    public var threads: Int
    public var label: String
    public var progress: Bool
    public var checkpoint: CheckpointPlan?
    public var cancellation: CancellationToken

    public init(
        threads: Int, label: String, progress: Bool, checkpoint: CheckpointPlan? = nil,
        cancellation: CancellationToken = CancellationToken()
    ) {
        self.threads = max(1, threads)
        self.label = label
        self.progress = progress
        self.checkpoint = checkpoint
        self.cancellation = cancellation
    }

    /// Returns false when cancelled (the table then holds every completed unit).
    /// - Throws: the first unit's error, or `CoFailError.output` when the checkpoint cannot be
    ///   written (units already written stay resumable).
    public func run(_ table: inout UnitTable, compute: @escaping @Sendable (Int) throws -> [Double]) throws -> Bool {
        let pending = (0..<table.units).filter { table.shard.owns($0) && !table.done[$0] }
        var writer: CheckpointWriter?
        switch checkpoint {
        case .create(let path, let overwrite):
            writer = try CheckpointWriter.create(path, contents: table.serialized(), overwrite: overwrite)
        case .resume(let path, let keep):
            writer = try CheckpointWriter.resume(path, keep: keep)
        case nil:
            break
        }
        let start = Date()
        let total = pending.count
        // large runs of small units (millions of vote subsets) take bigger batches: a batch costs
        // one fan-out, a checkpoint append and a progress update
        let batch = max(threads * 16, 64, min(65_536, pending.count / 200))
        var done = 0
        while done < pending.count {
            if cancellation.isCancelled {
                break
            }
            let units = Array(pending[done..<min(done + batch, pending.count)])
            let results = ResultSlots<[Double]>(count: units.count)
            // Threads claim the next few units as they finish (units differ in cost, and a fixed
            // share per thread left one idle at every batch's end); each result has its own slot.
            let cursor = UnitCursor()
            let claim = max(1, units.count / (threads * 1024))
            DispatchQueue.concurrentPerform(iterations: min(threads, units.count)) { _ in
                while true {
                    let first = cursor.claim(claim)
                    if first >= units.count {
                        break
                    }
                    for k in first..<min(first + claim, units.count) {
                        do {
                            results.store(k, .success(try compute(units[k])))
                        } catch {
                            results.store(k, .failure(error))
                        }
                    }
                }
            }
            for (k, u) in units.enumerated() {
                switch results.take(k) {
                case .success(let row): table.set(u, row)
                case .failure(let e): throw e
                }
            }
            if let writer {
                try writer.write(units.map { table.line($0) }.joined())
            }
            done += units.count
            if progress {
                drawProgress(done, total, start)
            }
        }
        if progress {
            try? FileHandle.standardError.write(contentsOf: Data("\n".utf8))
        }
        return done >= pending.count
    }

    func drawProgress(_ done: Int, _ total: Int, _ start: Date) {
        let dt = Date().timeIntervalSince(start)
        let rate = dt > 0 ? Double(done) / dt : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let share = 100 * Double(done) / Double(max(total, 1))
        let line = String(format: "\r%@ %d/%d (%.1f%%) %.1f/s ETA %.0fs   ", label, done, total, share, rate, eta)
        try? FileHandle.standardError.write(contentsOf: Data(line.utf8))
    }
}

/// The next unclaimed index of a batch, shared by its threads.
final class UnitCursor: Sendable {
    private let next = Atomic<Int>(0)

    /// The first of `count` indices no other caller gets.
    func claim(_ count: Int) -> Int {
        next.wrappingAdd(count, ordering: .relaxed).oldValue
    }
}

/// Result slots written by worker threads, each slot by exactly one thread and read only after
/// every writer has finished (`concurrentPerform` returns): disjoint writes need no lock.
final class ResultSlots<T>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<Result<T, Error>?>
    private let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: max(count, 1))
        slots.initialize(repeating: nil, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    func store(_ k: Int, _ r: Result<T, Error>) {
        slots[k] = r
    }

    func take(_ k: Int) -> Result<T, Error> {
        slots[k]!
    }
}
