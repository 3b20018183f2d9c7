import Foundation
import Testing

@testable import CoFail

/// `certify --sequential` (METHODS §15.3) against an independent brute-force SciPy implementation
/// (scripts/goldens/sequential_scipy.py: every interval re-solved by brentq after every query, the
/// running intersections kept in Python, peeking Clopper–Pearson by beta.ppf at every t): the
/// decision, its t, the bounds there, the binding model, the fixed-n headroom and the peeking
/// contrast, on synthetic matrices with G ≪ o, G ≫ o, G ≈ o (undecided) and a file whose all-wrong
/// queries come last (order_not_random), and on MATH level 5 in input and two shuffled orders.
@Suite struct SequentialCertificateTests {
    static let root = URL(fileURLWithPath: testsDirectory).appendingPathComponent("../..").standardized.path

    static func matrix(_ path: String) throws -> OutcomeMatrix {
        let raw = try MatrixLoader().load(root + "/" + path)
        return try raw.applyCoverage(.complete).0
    }

    static func run(_ row: [String: String], threads: Int = 2, every: Int? = nil) throws -> SequentialCertificate {
        var o = SequentialOptions()
        o.overhead = num(row, "overhead")
        o.shuffleSeed = row["seed"]!.isEmpty ? nil : UInt64(row["seed"]!)
        o.threads = threads
        o.every = every
        return try SequentialCertificate(matrix(row["path"]!), options: o)
    }

    static func optionalInt(_ row: [String: String], _ key: String) -> Int? {
        row[key]!.isEmpty ? nil : Int(row[key]!)
    }

    @Test func decisionsMatchTheBruteForceSciPyImplementation() throws {
        let rows = try golden("sequential.csv")
        #expect(Set(rows.map { $0["decision"]! }).count == 4, "every decision is exercised")
        for row in rows {
            let c = try SequentialCertificateTests.run(row)
            let name = row["case"]!
            #expect(c.decision.rawValue == row["decision"]!, "\(name)")
            #expect(c.decidedAt == SequentialCertificateTests.optionalInt(row, "decided_at"), "\(name)")
            #expect(c.boundsAt == Int(num(row, "bounds_at")), "\(name)")
            #expect(c.allWrongAtBounds == Int(num(row, "all_wrong")), "\(name)")
            for (value, key) in [
                (c.betaLo, "beta_lo"), (c.betaHi, "beta_hi"), (c.gainLo, "gain_lo"), (c.gainHi, "gain_hi"),
            ] {
                #expect(abs(value - num(row, key)) <= 1e-10, "\(name) \(key): \(value) vs \(row[key]!)")
            }
            #expect(c.bindingModel == row["binding"]!, "\(name)")
            #expect(
                c.fixedNHeadroom.isApproximatelyEqual(
                    to: num(row, "fixed_n_headroom"), relativeTolerance: Tol.cpRelative),
                "\(name)")
            #expect(c.naiveCPDecision?.rawValue ?? "" == row["naive"]!, "\(name)")
            #expect(c.naiveCPDecidedAt == SequentialCertificateTests.optionalInt(row, "naive_at"), "\(name)")
            #expect(
                c.queriesToDecideEstimate == SequentialCertificateTests.optionalInt(row, "queries_to_decide"), "\(name)"
            )
            if c.decision == .orderNotRandom {
                #expect(c.emptiedRate != nil)
                #expect(c.headline.contains("--shuffle"))
            }
        }
    }

    @Test func resultsDoNotDependOnThreadsOrTraceThinning() throws {
        for row in try golden("sequential.csv") {
            let a = try SequentialCertificateTests.run(row, threads: 1)
            let b = try SequentialCertificateTests.run(row, threads: 5, every: 7)
            #expect(a.decision == b.decision)
            #expect(a.decidedAt == b.decidedAt)
            #expect(a.gainLo == b.gainLo && a.gainHi == b.gainHi && a.betaLo == b.betaLo && a.betaHi == b.betaHi)
            #expect(a.naiveCPDecidedAt == b.naiveCPDecidedAt)
            #expect(a.trace.last!.t == a.n && b.trace.last!.t == b.n)
            // rows every 7 queries are the same numbers as the every-query trace's rows there
            let dense = Dictionary(uniqueKeysWithValues: a.trace.map { ($0.t, $0) })
            for r in b.trace {
                let d = dense[r.t]!
                #expect(d.gainLo == r.gainLo && d.gainHi == r.gainHi && d.allWrong == r.allWrong)
                #expect(d.decision == r.decision)
            }
        }
    }

    @Test func traceStopsFollowTheDefaultSchedule() {
        #expect(SequentialCertificate.traceStops(n: 5, every: nil) == [1, 2, 3, 4, 5])
        #expect(SequentialCertificate.traceStops(n: 10, every: 4) == [4, 8, 10])
        let big = SequentialCertificate.traceStops(n: 1_000_001, every: nil)
        #expect(big.count <= 10_001 && big.last == 1_000_001 && big.first == 101)
    }

    @Test func invalidOptionsAreRefused() throws {
        let x = try SequentialCertificateTests.matrix("examples/zeroeval_math_l5/matrix.csv")
        for change in [
            { (o: inout SequentialOptions) in o.overhead = 0 }, { o in o.overhead = 1 }, { o in o.delta = 1 },
            { o in o.delta = 0 }, { o in o.every = 0 }, { o in o.threads = 0 },
        ] {
            var o = SequentialOptions()
            change(&o)
            #expect(throws: CoFailError.self) { try SequentialCertificate(x, options: o) }
        }
    }
}
