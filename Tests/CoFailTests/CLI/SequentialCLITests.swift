import Foundation
import Testing

@testable import CoFail

/// `cofail certify --sequential` from the command line (METHODS §15.5): the section in every format,
/// the trace and the chart, and exit 64 with the reason for options it cannot honour.
@Suite struct SequentialCLITests {
    static let math = exampleMatrix

    @Test func refusesOptionsItCannotHonour() throws {
        let cases: [([String], String)] = [
            (["--sequential", "--min-model-coverage", "0.5"], "--min-model-coverage"),
            (["--sequential", "--delta", "1"], "--delta"),
            (["--sequential", "--delta", "0"], "--delta"),
            (["--sequential", "--prior", "0,1"], "--prior"),
            (["--sequential", "--prior", "1"], "--prior"),
            (["--sequential", "--prior", "1e7,1"], "--prior"),
            (["--sequential", "--overhead", "0"], "--overhead"),
            (["--sequential", "--every", "0"], "--every"),
            (["--sequential", "--seed", "3"], "--shuffle"),
            (["--shuffle"], "--sequential"),
            (["--trace", "t.csv"], "--sequential"),
        ]
        for (flags, named) in cases {
            let r = try runCLI(["certify", SequentialCLITests.math] + flags)
            #expect(r.status == 64, "\(flags): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains(named), "\(flags): \(r.stderr)")
        }
        let counts = try runCLI(
            ["certify", "--all-wrong", "16", "--queries", "425", "--best-correct", "379", "--sequential"])
        #expect(counts.status == 64 && counts.stderr.contains("MATRIX"))
    }

    @Test func writesSectionTraceAndChart() throws {
        let trace = scratchPath("trace", ".csv")
        let plot = scratchPath("trace", ".svg")
        let r = try runCLI([
            "certify", SequentialCLITests.math, "--sequential", "--overhead", "0.02", "--shuffle", "--seed", "7",
            "--every", "50", "--trace", trace, "--plot", plot, "--format", "json",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let s = json["sequential"] as! [String: Any]
        #expect(s["decision"] as? String == "headroom_certified")
        #expect(s["decided_at"] as? Int == 165)
        #expect(s["order"] as? String == "shuffled")
        #expect(s["naive_cp_decided_at"] as? Int == 101)
        let lines = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "t,all_wrong,beta_cs_lo,beta_cs_hi,gain_cs_lo,gain_cs_hi,decision")
        // every 50 queries and the last (425): 8 rows of 50 and t = 425
        #expect(lines.count == 1 + 9)
        #expect(lines.last!.hasPrefix("425,"))
        #expect(lines[3].hasPrefix("150,") && lines[3].hasSuffix(",continue"))
        #expect(lines[4].hasPrefix("200,") && lines[4].hasSuffix(",headroom_certified"))
        let svg = try String(contentsOfFile: plot, encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("overhead o = 0.02") && svg.contains("t = 165"))

        let table = try runCLI(["certify", SequentialCLITests.math, "--sequential", "--overhead", "0.02"])
        #expect(table.status == 0 && table.stdout.contains("headroom_certified: at least 0.02 of headroom exists"))
        let csv = try runCLI(["certify", SequentialCLITests.math, "--sequential", "--format", "csv"])
        #expect(csv.status == 0 && csv.stdout.contains("sequential,decided_at,"))
    }
}
