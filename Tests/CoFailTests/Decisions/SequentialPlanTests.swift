import Foundation
import Testing

@testable import CoFail

/// `cofail plan` (METHODS §15.4) against an independent SciPy implementation
/// (scripts/goldens/plan_scipy.py: brentq on betaln for the sequence's ends, beta.ppf for the
/// Clopper–Pearson bounds, the same doubling-and-scan search): exact query counts.
@Suite struct SequentialPlanTests {
    @Test func queriesToDecideMatchSciPy() throws {
        for row in try golden("plan.csv") {
            let p = try SequentialPlan(
                gain: num(row, "gain"), overhead: num(row, "overhead"), models: Int(num(row, "models")),
                delta: num(row, "delta"), prior: ConfidenceSequence())
            #expect(p.sequentialQueries == Int(num(row, "queries_sequential")), "\(row)")
            #expect(p.fixedNQueries == Int(num(row, "queries_fixed_n")), "\(row)")
            let below = num(row, "gain") < num(row, "overhead")
            #expect(p.decision == (below ? "no_policy_can_pay" : "headroom_certified"))
        }
    }

    @Test func undecidableOrInvalidPlansAreRefused() throws {
        #expect(throws: CoFailError.self) {
            try SequentialPlan(gain: 0.02, overhead: 0.02, prior: ConfidenceSequence())
        }
        #expect(throws: CoFailError.self) {
            try SequentialPlan(gain: 0.01, overhead: 0.02, delta: 1, prior: ConfidenceSequence())
        }
        #expect(throws: CoFailError.self) { try ConfidenceSequence(a: 0, b: 1) }
        #expect(throws: CoFailError.self) { try ConfidenceSequence(a: 1, b: 1e7) }
        #expect(throws: CoFailError.self) {
            try SequentialPlan(gain: 0.01, overhead: 0.02, models: 0, prior: ConfidenceSequence())
        }
    }
}
