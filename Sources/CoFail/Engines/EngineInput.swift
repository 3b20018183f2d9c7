import Foundation

/// How an engine's matrix was read: recorded in run signatures so `merge` and `--resume` can
/// reload exactly the same matrix (and refuse a changed file).
public struct EngineInput: Sendable {
    public var path: String
    public var format: InputFormat?
    public var threshold: Double?
    public var minModelCoverage: Double?
    public var registry: String?
    /// How repeated samples combine (nil: sample 0).
    public var aggregate: RepeatPolicy?

    public init(
        path: String, format: InputFormat?, threshold: Double?, minModelCoverage: Double?, registry: String?,
        aggregate: RepeatPolicy? = nil
    ) {
        self.path = path
        self.format = format
        self.threshold = threshold
        self.minModelCoverage = minModelCoverage
        self.registry = registry
        self.aggregate = aggregate
    }

    public var policy: CoveragePolicy {
        minModelCoverage.map { .minModelCoverage($0) } ?? .complete
    }

    /// Reads the matrix as loaded (missing cells kept) with its content hash; `threads` read a
    /// large wide CSV.
    public func loadRaw(threads: Int = 1) throws -> (raw: RawMatrix, hash: String) {
        let bytes = try ByteInput.read(path)
        let loader = MatrixLoader(format: format, threshold: threshold, threads: threads)
        return (try loader.load(bytes).readingSamples(aggregate, threshold: threshold), contentHash(bytes.bytes))
    }

    /// Loads the matrix and applies the coverage policy to `models` (names; nil: every model, METHODS
    /// §0′: each command covers its selected models); returns it with its content hash.
    /// - Throws: `CoFailError.invalidParameter` (`models`) for a name the matrix does not have.
    public func load(
        threads: Int = 1, models: [String]? = nil
    ) throws -> (
        raw: RawMatrix, matrix: OutcomeMatrix, coverage: CoverageReport, hash: String
    ) {
        let (raw, hash) = try loadRaw(threads: threads)
        let (x, cov) = try covered(raw, models: models)
        return (raw, x, cov, hash)
    }

    /// The coverage policy (with the registry) applied to `models` of a loaded matrix.
    func covered(_ raw: RawMatrix, models: [String]?) throws -> (OutcomeMatrix, CoverageReport) {
        let reg = try registry.map { try ModelRegistry.load($0) }
        return try raw.applyCoverage(policy, registry: reg, models: try models.map { try raw.indices(of: $0) })
    }

    /// Reloads the matrix a signature names, as loaded (before coverage), and checks that its
    /// content has not changed.
    public static func reloadRaw(_ signature: RunSignature) throws -> RawMatrix {
        let (raw, hash) = try signature.input.loadRaw()
        guard hash == signature.matrixHash else {
            throw CoFailError.runMismatch(
                "\(signature.matrix) has changed since the units were computed "
                    + "(content hash \(hash), units \(signature.matrixHash))")
        }
        return raw
    }

    /// Reloads the matrix a signature names, covered on `models` as `load` does, and checks that
    /// its content has not changed.
    public static func reload(
        _ signature: RunSignature, models: [String]? = nil
    ) throws -> (
        raw: RawMatrix, matrix: OutcomeMatrix,
        coverage: CoverageReport
    ) {
        let raw = try reloadRaw(signature)
        let (x, cov) = try signature.input.covered(raw, models: models)
        return (raw, x, cov)
    }
}

/// FNV-1a 64 of the input bytes: identifies the matrix a checkpoint or shard was computed on.
public func contentHash(_ bytes: [UInt8]) -> String {
    String(Hashing.fnv1a64(bytes), radix: 16)
}
