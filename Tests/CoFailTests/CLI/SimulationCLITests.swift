import CKernels
import Foundation
import Numerics
import Testing
@testable import CoFail

/// The command line of simulate, bounds and scan: exit codes, messages and reports as a user sees them (the library
/// behaviour these commands wrap is tested in SimulationTests.swift).
@Suite(.serialized) struct SimulationCLITests {
    /// A pool that is always (never) wrong: every law has β = p; no threshold-based model applies.
    @Test func degenerateMatrixBounds() throws {
        let x = OutcomeMatrix(modelNames: ["a", "b"], correct: [[false, false], [false, false]])
        let b = try FrechetBounds(x)
        #expect(b.betaMin == 1 && b.betaMax == 1)
        #expect(b.rho.value == nil && b.rho.reason != nil)
        let path = try tempFile("query,a\nq1,1\nq2,0\n")
        let r = try runCLI(["scan", path])
        #expect(r.status == 64 && r.stderr.contains("at least two models"))
    }

    @Test func infeasibleParametersAreRejected() throws {
        #expect(throws: CoFailError.self) { try FrechetBounds(models: 5, error: 0.3, coError: 0.4) }  // c > p
        #expect(throws: CoFailError.self) { try FrechetBounds(models: 5, error: 0.8, coError: 0.5) }  // c < 2p − 1
        // negative variance
        #expect(throws: CoFailError.self) { try FrechetBounds(models: 5, error: 0.3, coError: 0.0) }
        #expect(throws: CoFailError.self) { try Synthetic.shockCurve(pi: 1.2, q: 0.3, maxModels: 5) }
        let r = try runCLI(["bounds", "--models", "5", "--error", "0.3", "--co-error", "0.4"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--co-error must not exceed the error rate"))
        #expect(try runCLI(["simulate", "curve", "--pi", "-0.1", "--q", "0.3"]).status == 64)
    }

    @Test func simulateMatrixCLIWritesTruth() throws {
        let out = scratchPath("sim", ".csv")
        let r = try runCLI([
            "simulate", "matrix", "--law", "shock", "--pi", "0.04", "--q", "0.3", "--queries", "3000", "--models", "5",
            "-o", out,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let truth =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + ".truth.json")))
            as? [String: Any]
        let beta = try #require(truth?["true_beta"] as? Double)
        #expect(beta.isApproximatelyEqual(to: (0.04 + 0.96 * pow(0.3, 5)), absoluteTolerance: 1e-15))
        #expect(try runCLI(["analyze", out, "--no-full"]).status == 0)
    }

    @Test func curvePlotIsSVG() throws {
        let svg = scratchPath("curve", ".svg")
        let r = try runCLI([
            "simulate", "curve", "--pi", "0.02", "--q", "0.3", "--max-models", "10", "--plot", svg, "--format", "json",
        ])
        #expect(r.status == 0)
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(text.hasPrefix("<svg") && text.contains("common shock") && text.contains("Clayton"))
        let top = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let rows = (top?["shock"] as? [String: Any])?["curve"] as? [[String: Any]]
        #expect(rows?.count == 9)
        #expect(
            Set(rows?.first?.keys.map { $0 } ?? []) == ["m", "p", "co_error", "rho", "beta_m", "beta_sf_m", "ratio"])
    }

    /// `cofail plan`: a gain equal to the overhead, a risk outside (0, 1) and a prior ≤ 0 are exit 64
    /// with the reason; a plan prints both sample sizes.
    @Test func planRefusesUndecidableInput() throws {
        let equal = try runCLI(["plan", "--gain", "0.02", "--overhead", "0.02"])
        #expect(equal.status == 64 && equal.stderr.contains("never decided"))
        let risk = try runCLI(["plan", "--gain", "0.01", "--overhead", "0.02", "--delta", "1.5"])
        #expect(risk.status == 64 && risk.stderr.contains("--delta"))
        let prior = try runCLI(["plan", "--gain", "0.01", "--overhead", "0.02", "--prior", "0,1"])
        #expect(prior.status == 64 && prior.stderr.contains("--prior"))
        let ok = try runCLI(["plan", "--gain", "0.01", "--overhead", "0.02", "--models", "43"])
        #expect(ok.status == 0 && ok.stdout.contains("3374") && ok.stdout.contains("1472"), "\(ok.stdout)")
    }
}
