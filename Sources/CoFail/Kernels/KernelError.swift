internal import CKernels

/// A C kernel's failure: which function, which status, and what it was computing.
///
/// Every `CKernels` status other than `CF_OK` becomes one of these; no status is discarded.
public struct KernelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kernel statuses of `cf_common.h`.
    public enum Status: Sendable, Equatable {
        case invalidArgument
        case domain
        case notPositiveDefinite
        case iterationLimit
        case outOfMemory
        case lapack
        case undefined
        case thread
        case other(Int32)

        init(_ code: Int32) {
            switch Int(code) {
            case CF_EINVAL: self = .invalidArgument
            case CF_EDOM: self = .domain
            case CF_ENOTPD: self = .notPositiveDefinite
            case CF_EMAXITER: self = .iterationLimit
            case CF_ENOMEM: self = .outOfMemory
            case CF_ELAPACK: self = .lapack
            case CF_EUNDEF: self = .undefined
            case CF_ETHREAD: self = .thread
            default: self = .other(code)
            }
        }
    }

    /// The C function that failed.
    public var function: String
    public var status: Status
    /// The raw status code and its text from `cf_strerror`.
    public var code: Int32
    public var text: String
    /// What the caller was computing (a statistic, a matrix size), when known.
    public var context: String?

    init(function: String, code: Int32, context: String?) {
        self.function = function
        self.code = code
        status = Status(code)
        text = String(cString: cf_strerror(code))
        self.context = context
    }

    public var description: String {
        let base = "numerical kernel \(function) failed: \(text) (status \(code))"
        return context.map { base + " while computing \($0)" } ?? base
    }
}

/// Throws a `KernelError` for any status other than `CF_OK`.
@inline(__always)
func kernelCheck(_ status: Int32, _ function: String, _ context: @autoclosure () -> String? = nil) throws {
    if status != CF_OK {
        throw KernelError(function: function, code: status, context: context())
    }
}
