internal import CKernels

/// The consumers of random numbers. Each draws from its own part of the Philox key space, so
/// no two consumers ever share numbers (README "Random streams").
public enum RandomDomain: UInt32, Sendable, CaseIterable {
    /// Bootstrap resampling of queries; unit = replicate.
    case resample = 1
    /// Crude Monte Carlo of β_full; unit = statistic unit, stream = draw.
    case crudeMonteCarlo = 2
    /// Random shifts of the tilted QMC estimator; unit = statistic unit, stream = shift.
    case qmcShift = 3
    /// Random model subsets; unit = subset.
    case subset = 4
    /// Synthetic matrices; stream = query.
    case synthetic = 5
    /// Missing cells of synthetic matrices; stream = query.
    case missing = 6
    /// Noise injection of the cascade's verifier; unit = (level, replicate), stream = query.
    case noise = 7
    /// Simulated confidences; unit = model, stream = query.
    case confidence = 8
}

/// A Philox4x32-10 key: the hash of (seed, domain, unit) (`cf_rng_key`). Numbers drawn from it
/// are a pure function of (key, stream, index), independent of threads and schedule.
public struct RandomKey: Sendable, Equatable {
    let value: UInt64

    public init(seed: UInt64, domain: RandomDomain, unit: UInt64) {
        value = cf_rng_key(seed, domain.rawValue, unit)
    }

    /// Uniforms number 2·index and 2·index + 1 of `stream`, in (0, 1).
    public func uniformPair(stream: UInt64, index: UInt64) -> (Double, Double) {
        var u = [0.0, 0.0]
        cf_rng_uniform2(value, stream, index, &u)
        return (u[0], u[1])
    }

    /// One uniform in (0, 1) per stream `first + q`, q < n (index 0 of each stream).
    public func uniformPerStream(_ n: Int, first: UInt64 = 0) -> [Double] {
        var out = [Double](repeating: 0, count: n)
        cf_rng_uniform_streams(value, first, n, &out)
        return out
    }

    /// Standard normal number `index` of `stream`.
    public func normal(stream: UInt64, index: UInt64 = 0) -> Double {
        cf_rng_normal(value, stream, index)
    }

    /// n indices uniform on [0, n) (a bootstrap resample of n items).
    public func resampleIndices(_ n: Int) -> [UInt32] {
        var idx = [UInt32](repeating: 0, count: n)
        cf_rng_bootstrap_indices(value, n, &idx)
        return idx
    }
}
