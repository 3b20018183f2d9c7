import Foundation
import Numerics
import Testing
@testable import CoFail

/// The command line of cascade: exit codes, messages and reports as a user sees them (the library
/// behaviour these commands wrap is tested in CascadeTests.swift).
@Suite struct CascadeCLITests {
    @Test func edgeCasesAndBadInput() throws {
        // All confidences equal: two points, Ī = 0, AUC ½.
        let flat = try CascadeCurve(
            CascadeSample(
                confidence: [1, 1, 1, 1], cheapRight: [true, false, true, false],
                strongRight: [true, true, false, true]))
        #expect(flat.pointCount == 2 && flat.integratedAdvantage == 0 && flat.auc.value == 0.5)
        // S always right: AUC undefined, calibration part 0.
        let right = try CascadeCurve(
            CascadeSample(confidence: [1, 2, 3], cheapRight: [true, true, true], strongRight: [true, false, true]))
        #expect(right.auc.value == nil && right.integratedCalibration == 0)
        let path = URL(fileURLWithPath: testsDirectory).appendingPathComponent(
            "Goldens/cascade_hand.csv"
        ).path
        #expect(try runCLI(["cascade", path, "--cheap", "nobody"]).status == 64)
        #expect(try runCLI(["cascade", path, "--cheap", "S", "--strong", "S"]).status == 64)
        #expect(try runCLI(["cascade", path, "--floor", "1.5"]).status == 64)
        #expect(try runCLI(["cascade", path, "--folds", "1"]).status == 64)
        #expect(try runCLI(["cascade", path, "--folds", "9"]).status == 64)
        let two = try tempFile("query,model,correct,confidence\nq1,a,1,0.5\nq1,b,0,0.2\nq2,a,0,0.1\nq2,b,1,0.3\n")
        let several = try runCLI(["cascade", two])
        #expect(several.status == 64 && several.stderr.contains("--cheap"))
        let bad = try tempFile("query,model,correct,confidence\nq1,a,1,inf\n")
        let r = try runCLI(["cascade", bad])
        #expect(r.status == 65 && r.stderr.contains(":2:4"))
        let ok = try runCLI(["cascade", path, "--format", "json"])
        #expect(ok.status == 0, "\(ok.stderr)")
        // A pair without costs on some of its cells is listed as skipped, not dropped silently.
        let partial = try tempFile(
            "query,model,correct,confidence,cost\nq1,a,0,0.5,1\nq1,b,1,,2\nq1,c,1,,\nq2,a,1,0.9,1\nq2,b,1,,2\n"
                + "q2,c,0,,\n")
        let raw = try MatrixLoader().load(partial)
        let (pairs, skipped) = try CascadeInput.allPairs(raw, policy: .complete)
        #expect(pairs.map { raw.modelNames[$0.strong] } == ["b"])
        #expect(skipped.count == 1 && skipped[0].strong == "c" && skipped[0].reason.contains("no cost"))
    }
}
