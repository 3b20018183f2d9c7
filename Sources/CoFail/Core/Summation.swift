/// Compensated (Neumaier) summation: budgets and costs accumulate many small terms.
public struct CompensatedSum: Sendable {
    public private(set) var sum = 0.0
    private var carry = 0.0

    public init() {}

    public mutating func add(_ x: Double) {
        let t = sum + x
        if abs(sum) >= abs(x) {
            carry += (sum - t) + x
        } else {
            carry += (x - t) + sum
        }
        sum = t
    }

    public var value: Double { sum + carry }
}
