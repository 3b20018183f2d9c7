import Synchronization

/// A request to stop a long run, passed to the engines (no process-wide flag). Engines check it
/// between batches of units, so what was computed is kept and the run can be resumed.
public final class CancellationToken: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    public func cancel() {
        flag.store(true, ordering: .relaxed)
    }

    public var isCancelled: Bool {
        flag.load(ordering: .relaxed)
    }
}
