import Foundation

/// How an engine's matrix was read: recorded in checkpoint/shard signatures so `merge` and
/// `--resume` can reload exactly the same matrix (and refuse a changed file).
public struct EngineInput: Sendable {
    public var path: String
    public var format: InputFormat?
    public var threshold: Double?
    public var minModelCoverage: Double?
    public var registry: String?

    public init(path: String, format: InputFormat?, threshold: Double?, minModelCoverage: Double?, registry: String?) {
        self.path = path; self.format = format; self.threshold = threshold; self.minModelCoverage = minModelCoverage; self.registry = registry
    }

    public var policy: CoveragePolicy { minModelCoverage.map { .minModelCoverage($0) } ?? .complete }

    /// Reads the matrix as loaded (missing cells kept) with its content hash.
    public func loadRaw() throws -> (raw: RawMatrix, hash: String) {
        let bytes = try ByteInput.read(path)
        return (try MatrixLoader(format: format, threshold: threshold).load(bytes), contentHash(bytes.bytes))
    }

    /// Loads the matrix and applies the coverage policy; returns it with its content hash.
    public func load() throws -> (raw: RawMatrix, matrix: OutcomeMatrix, coverage: CoverageReport, hash: String) {
        let (raw, hash) = try loadRaw()
        let reg = try registry.map { try ModelRegistry.load($0) }
        let (x, cov) = try raw.applyCoverage(policy, registry: reg)
        return (raw, x, cov, hash)
    }

    public var signature: [(String, JSONValue)] {
        [("matrix", .string(path)), ("input_format", .string(format?.rawValue ?? "auto")),
         ("threshold", .string(threshold.map { "\($0)" } ?? "none")),
         ("min_model_coverage", .string(minModelCoverage.map { "\($0)" } ?? "none")),
         ("registry", .string(registry ?? "none"))]
    }

    /// Rebuilds the input description from a signature.
    public init(signature sig: JSONValue) throws {
        guard case .object(let pairs) = sig else { throw CoFailError.usage("unit table signature is not an object") }
        func get(_ k: String) -> String? { pairs.first { $0.0 == k }.flatMap { if case .string(let s) = $0.1 { return s } else { return nil } } }
        guard let path = get("matrix") else { throw CoFailError.usage("unit table signature lacks the matrix path") }
        self.path = path
        format = get("input_format").flatMap(InputFormat.init(rawValue:))
        threshold = get("threshold").flatMap(Double.init)
        minModelCoverage = get("min_model_coverage").flatMap(Double.init)
        registry = get("registry").flatMap { $0 == "none" ? nil : $0 }
    }
}

extension JSONValue {
    /// A string field of an object.
    public subscript(field key: String) -> String? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }.flatMap { if case .string(let s) = $0.1 { return s } else { return nil } }
    }
}
