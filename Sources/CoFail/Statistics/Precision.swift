/// Every tolerance and Monte Carlo size of the statistics pipeline, in one place.
///
/// Two profiles: `.report` for a full-sample analysis (what `analyze` prints, and the point
/// estimates of `bootstrap`), `.replicate` for bootstrap replicates and scan subsets, where
/// thousands of evaluations each only need to be far more precise than the spread between them.
public struct Precision: Sendable, Equatable {
    /// Relative error of β_SF (METHODS §3 asks ≤ 1e-8).
    public var betaSFRelTol: Double
    /// β_SF tolerance inside the ρ* root search, and the tolerance on ρ* itself.
    public var impliedRhoRelTol: Double
    public var impliedRhoXTol: Double
    /// Tilted QMC estimator of β_full: points per random shift in the first round, and shifts.
    public var qmcPoints: Int
    public var qmcShifts: Int
    /// Every shift's lattice is extended until the estimator's standard error is ≤ this fraction
    /// of β_full (0: the first round only), or until `qmcMaxPoints` points have been used.
    public var fullRelError: Double
    public var qmcMaxPoints: Int
    /// Crude Monte Carlo draws for β_full (the agreement check); 0 skips it.
    public var crudeDraws: Int
    /// Error in θ = asin r at which a resample's tetrachoric root search stops (0: the solver's
    /// full precision, |ΔΦ₂| <= 2e-15). Applies where a warm start from the full sample is used.
    public var tetrachoricRootTol: Double

    public init(
        betaSFRelTol: Double, impliedRhoRelTol: Double, impliedRhoXTol: Double, qmcPoints: Int, qmcShifts: Int,
        fullRelError: Double, qmcMaxPoints: Int, crudeDraws: Int, tetrachoricRootTol: Double
    ) {
        self.betaSFRelTol = betaSFRelTol
        self.impliedRhoRelTol = impliedRhoRelTol
        self.impliedRhoXTol = impliedRhoXTol
        self.qmcPoints = qmcPoints
        self.qmcShifts = qmcShifts
        self.fullRelError = fullRelError
        self.qmcMaxPoints = qmcMaxPoints
        self.crudeDraws = crudeDraws
        self.tetrachoricRootTol = tetrachoricRootTol
    }

    /// Full-sample reports: β_SF to 1e-10, ρ* to 1e-13 (β_SF to 1e-12 inside it), β_full to a
    /// standard error of 0.1 % (10 shifts of 1024 points first, at most 2²¹ points), 10⁶
    /// crude draws, tetrachoric roots to full precision.
    public static let report = Precision(
        betaSFRelTol: 1e-10, impliedRhoRelTol: 1e-12, impliedRhoXTol: 1e-13, qmcPoints: 1024, qmcShifts: 10,
        fullRelError: 1e-3, qmcMaxPoints: 1 << 21, crudeDraws: 1_000_000, tetrachoricRootTol: 0)

    /// Replicates and subsets: β_SF to 1e-7 and ρ* to 1e-9 (far below any replicate-to-replicate
    /// spread of a matrix with fewer than 10⁷ queries), β_full to 1 % from the unit's own random
    /// shifts (10 shifts of 500 points first, at most 2¹⁸ points), no crude Monte Carlo,
    /// tetrachoric roots to 1e-10 in θ (so every mean of them to 1e-10, and β_SF at that mean to
    /// well within its 1e-7).
    public static let replicate = Precision(
        betaSFRelTol: 1e-7, impliedRhoRelTol: 1e-7, impliedRhoXTol: 1e-9, qmcPoints: 500, qmcShifts: 10,
        fullRelError: 1e-2, qmcMaxPoints: 1 << 18, crudeDraws: 0, tetrachoricRootTol: 1e-10)
}
