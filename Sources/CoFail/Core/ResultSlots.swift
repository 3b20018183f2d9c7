import Synchronization
import Dispatch

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

extension ResultSlots {
    /// `body(u)` for every unit u in 0..<count, worker w taking units w, w + t, … of t = min(threads,
    /// count) workers; the results in unit order, so they do not depend on the thread count. The first
    /// error in unit order is rethrown.
    static func map(_ count: Int, threads: Int, _ body: @Sendable (Int) throws -> T) throws -> [T] {
        guard count > 0 else {
            return []
        }
        let slots = ResultSlots<T>(count: count)
        let workers = max(1, min(threads, count))
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for u in stride(from: w, to: count, by: workers) {
                slots.store(u, Result { try body(u) })
            }
        }
        return try (0..<count).map { try slots.take($0).get() }
    }
}
