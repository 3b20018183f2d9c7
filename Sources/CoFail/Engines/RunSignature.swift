import Foundation

/// Everything that determines a run's unit values: checkpoints, shards and `merge` compare it.
/// Two runs with equal signatures compute bit-identical units.
public struct RunSignature: Codable, Equatable, Sendable {
    /// Version of the random streams and unit definitions; bumped when a seed's values change.
    public static let currentStreams = 2

    public var streams = RunSignature.currentStreams
    /// "bootstrap" or "scan".
    public var command: String
    public var matrix: String
    public var matrixHash: String
    public var inputFormat: String?
    public var threshold: Double?
    public var minModelCoverage: Double?
    public var registry: String?
    /// How repeated samples combine (nil: sample 0).
    public var aggregate: String?
    public var seed: UInt64
    public var zeroCellCorrection: Bool
    /// bootstrap
    public var replicates: Int?
    public var stats: [String]?
    public var fullPoints: Int?
    /// bootstrap and scan with β_full: the standard error asked for (fraction of β_full)
    public var fullRelError: Double?
    /// scan
    public var sizes: [Int]?
    public var subsets: Int?
    public var full: Bool?
    /// vote
    public var vote: VoteSignature?
    /// cascade (its noise replicates are the units)
    public var cascade: CascadeSignature?
    /// fuse (its splits are the units)
    public var fuse: FuseSignature?

    public init(command: String, input: EngineInput, matrixHash: String, seed: UInt64, zeroCellCorrection: Bool) {
        self.command = command
        matrix = input.path
        self.matrixHash = matrixHash
        inputFormat = input.format?.rawValue
        threshold = input.threshold
        minModelCoverage = input.minModelCoverage
        registry = input.registry
        aggregate = input.aggregate?.rawValue
        self.seed = seed
        self.zeroCellCorrection = zeroCellCorrection
    }

    /// The signature of units computed inside one process, never saved or merged.
    public static let inProcess = RunSignature(
        command: "in-process",
        input: EngineInput(path: "-", format: nil, threshold: nil, minModelCoverage: nil, registry: nil),
        matrixHash: "", seed: 0, zeroCellCorrection: true)

    /// How the matrix was read.
    public var input: EngineInput {
        EngineInput(
            path: matrix, format: inputFormat.flatMap(InputFormat.init(rawValue:)), threshold: threshold,
            minModelCoverage: minModelCoverage, registry: registry,
            aggregate: aggregate.flatMap(RepeatPolicy.init(rawValue:)))
    }

    /// What differs from `other`, in words (matrix, seed, options), for refused resumes and merges.
    public func differences(from other: RunSignature) -> [String] {
        var out: [String] = []
        func note<T: Equatable>(_ what: String, _ a: T, _ b: T) {
            if a != b {
                out.append("\(what): \(a) vs \(b)")
            }
        }
        note("command", command, other.command)
        note("matrix path", matrix, other.matrix)
        note("matrix content (hash)", matrixHash, other.matrixHash)
        note("seed", seed, other.seed)
        note("random-stream version", streams, other.streams)
        note("input format", inputFormat ?? "auto", other.inputFormat ?? "auto")
        note("threshold", threshold.map { "\($0)" } ?? "none", other.threshold.map { "\($0)" } ?? "none")
        note(
            "min model coverage", minModelCoverage.map { "\($0)" } ?? "none",
            other.minModelCoverage.map { "\($0)" } ?? "none")
        note("registry", registry ?? "none", other.registry ?? "none")
        note("samples read", aggregate ?? "sample 0", other.aggregate ?? "sample 0")
        note("zero-cell correction", zeroCellCorrection, other.zeroCellCorrection)
        note("replicates", replicates.map(String.init) ?? "-", other.replicates.map(String.init) ?? "-")
        note("statistics", stats?.joined(separator: ",") ?? "-", other.stats?.joined(separator: ",") ?? "-")
        note("β_full points", fullPoints.map(String.init) ?? "-", other.fullPoints.map(String.init) ?? "-")
        note("β_full precision", fullRelError.map { "\($0)" } ?? "-", other.fullRelError.map { "\($0)" } ?? "-")
        note(
            "sizes", sizes?.map(String.init).joined(separator: ",") ?? "-",
            other.sizes?.map(String.init).joined(separator: ",") ?? "-")
        note("subsets", subsets.map(String.init) ?? "-", other.subsets.map(String.init) ?? "-")
        note("full", full.map { "\($0)" } ?? "-", other.full.map { "\($0)" } ?? "-")
        note("vote options", vote.map { "\($0)" } ?? "-", other.vote.map { "\($0)" } ?? "-")
        note("cascade options", cascade.map { "\($0)" } ?? "-", other.cascade.map { "\($0)" } ?? "-")
        note("fuse options", fuse.map { "\($0)" } ?? "-", other.fuse.map { "\($0)" } ?? "-")
        return out
    }
}

/// The options of a vote run: the pool (model names after coverage and band) and everything that
/// shapes its units and its report.
public struct VoteSignature: Codable, Equatable, Sendable, CustomStringConvertible {
    public var models: [String]
    /// The models selected before coverage (`--models`; nil: every model): coverage is applied to them.
    public var selected: [String]?
    /// The break-even section's cost ratio (§14.1), so that `merge` reports it as the run would.
    public var costRatio: Double?
    public var size: Int
    public var maxSubsets: Int
    public var subsets: Int?
    public var control: String
    public var correlations: [String]
    public var replicates: Int

    public init(options o: VoteOptions, models: [String], selected: [String]? = nil, costRatio: Double? = nil) {
        self.models = models
        self.selected = selected
        self.costRatio = costRatio
        size = o.size
        maxSubsets = o.maxSubsets
        subsets = o.subsets
        control = o.control.rawValue
        correlations = o.correlations.map(\.rawValue)
        replicates = o.replicates
    }

    /// The options this signature records (seed and correction come from the run signature).
    public func options(seed: UInt64, correction: Bool, alpha: Double) throws -> VoteOptions {
        var o = VoteOptions()
        o.size = size
        o.maxSubsets = maxSubsets
        o.subsets = subsets
        o.control = VoteControl(rawValue: control) ?? .headroom
        o.correlations = try correlations.map { name in
            guard let c = VoteCorrelation(rawValue: name) else {
                throw CoFailError.runMismatch("the unit file names an unknown correlation '\(name)'")
            }
            return c
        }
        o.replicates = replicates
        o.seed = seed
        o.correction = correction
        o.alpha = alpha
        return o
    }

    public var description: String {
        "k=\(size), \(models.count) models, subsets \(subsets.map(String.init) ?? "all≤\(maxSubsets)"), "
            + "control \(control), \(correlations.joined(separator: "+")), \(replicates) replicates"
    }
}

/// The options of a cascade run whose units are its noise replicates: the pair (resolved names)
/// and everything its analysis reads, so `merge` rebuilds the same report.
public struct CascadeSignature: Codable, Equatable, Sendable, CustomStringConvertible {
    public var cheap: String
    public var strong: String
    public var floor: Double?
    public var folds: Int
    public var objective: String
    public var maxEscalation: Double
    public var noiseLevels: [Double]
    public var noiseSeeds: Int

    public init(
        cheap: String, strong: String, floor: Double?, folds: Int, objective: String, maxEscalation: Double,
        noiseLevels: [Double], noiseSeeds: Int
    ) {
        self.cheap = cheap
        self.strong = strong
        self.floor = floor
        self.folds = folds
        self.objective = objective
        self.maxEscalation = maxEscalation
        self.noiseLevels = noiseLevels
        self.noiseSeeds = noiseSeeds
    }

    public var description: String {
        "S=\(cheap), L=\(strong), floor \(floor.map { "\($0)" } ?? "midpoint"), \(folds) folds, \(objective), "
            + "levels \(noiseLevels.map { "\($0)" }.joined(separator: ",")), \(noiseSeeds) seeds"
    }
}

/// The options of a fuse run whose units are its splits (the seed is the run's).
public struct FuseSignature: Codable, Equatable, Sendable, CustomStringConvertible {
    public var bandLo: Double
    public var bandHi: Double
    public var draws: Int
    public var splits: Int
    public var maxSubsets: Int
    public var replicates: Int
    public var alpha: Double

    public init(
        bandLo: Double, bandHi: Double, draws: Int, splits: Int, maxSubsets: Int, replicates: Int, alpha: Double
    ) {
        self.bandLo = bandLo
        self.bandHi = bandHi
        self.draws = draws
        self.splits = splits
        self.maxSubsets = maxSubsets
        self.replicates = replicates
        self.alpha = alpha
    }

    public var description: String {
        "band \(bandLo):\(bandHi), k=\(draws), \(splits) splits, subsets ≤ \(maxSubsets), \(replicates) replicates"
    }
}
