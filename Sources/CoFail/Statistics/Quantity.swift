/// A quantity that is either defined or undefined with a reason (never NaN).
public struct Quantity: Sendable, Equatable {
    public internal(set) var value: Double?
    public internal(set) var reason: String?

    public static func defined(_ v: Double) -> Quantity {
        v.isFinite ? Quantity(value: v, reason: nil) : Quantity(value: nil, reason: "not finite (\(v))")
    }

    public static func undefined(_ why: String) -> Quantity {
        Quantity(value: nil, reason: why)
    }

    /// The value, or NaN when undefined (unit tables store undefined values as NaN).
    public var valueOrNaN: Double {
        value ?? .nan
    }
}
