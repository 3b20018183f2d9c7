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
/// after each batch results are stored, appended to the checkpoint file, `progress` is told how
/// many of the run's units are done, and a cancellation stops the run cleanly. Each unit is
/// computed from its index alone, so the table is the same for any thread count or batch order.
public struct UnitRunner: Sendable {
    public let threads: Int
    public let checkpoint: CheckpointPlan?
    public let cancellation: CancellationToken
    /// Called after each batch with the units done and the units this run computes.
    public let progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?

    public init(
        threads: Int, checkpoint: CheckpointPlan? = nil, cancellation: CancellationToken = CancellationToken(),
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) {
        self.threads = max(1, threads)
        self.checkpoint = checkpoint
        self.cancellation = cancellation
        self.progress = progress
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
            progress?(done, total)
        }
        return done >= pending.count
    }
}
