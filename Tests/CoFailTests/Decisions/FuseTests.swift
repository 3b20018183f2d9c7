import Foundation
import Testing
@testable import CoFail

/// `fuse` (METHODS §18) against scripts/goldens/fuse_scipy.py, and repeated samples across commands.
@Suite struct FuseTests {
    static let samples = testsDirectory + "/Fixtures/fuse/samples.csv"
    nonisolated(unsafe) static let golden: [String: Any] = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: testsDirectory + "/Goldens/fuse.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    @Test func splitOrderMatchesHandKeys() {
        for h in FuseTests.golden["hand"] as! [[String: Any]] {
            let seed = UInt64(h["seed"] as! String)!
            let order = Fusion.splitOrder(
                query: h["query"] as! String, model: h["model"] as! String, samples: h["samples"] as! [Int],
                split: h["split"] as! Int, seed: seed)
            #expect(order == h["order"] as! [Int], "\(h["query"]!) split \(h["split"]!)")
            let keys = (h["samples"] as! [Int]).map {
                String(
                    Fusion.splitKey(
                        query: h["query"] as! String, model: h["model"] as! String, sample: $0,
                        split: h["split"] as! Int, seed: seed))
            }
            #expect(keys == h["keys"] as! [String], "\(h["query"]!) keys")
        }
    }

    static func run(_ c: [String: Any], threads: Int) throws -> Fusion {
        let raw = try MatrixLoader().load(FuseTests.samples)
        var o = FuseOptions()
        let band = (c["band"] as! String).split(separator: ":").map { Double($0)! }
        o.band = band[0]...band[1]
        o.draws = c["draws"] as! Int
        o.splits = c["n_splits"] as! Int
        o.seed = UInt64(c["seed"] as! Int)
        o.replicates = 200
        o.threads = threads
        return try Fusion(raw, policy: .complete, options: o)
    }

    @Test func everySplitMatchesTheIndependentImplementation() throws {
        for c in FuseTests.golden["cases"] as! [[String: Any]] {
            let f = try FuseTests.run(c, threads: 2)
            let label = c["band"] as! String
            #expect(f.bestModel == c["best_model"] as! String, "\(label)")
            #expect(f.keptModels == c["kept"] as! [String], "\(label)")
            #expect(f.subsetCount == c["n_subsets"] as! Int)
            for (s, w) in zip(f.splits, c["splits"] as! [[String: Any]]) {
                #expect(abs(s.selfMoA - (w["self_moa"] as! Double)) <= 1e-12, "\(label) split \(s.split)")
                #expect(abs(s.hetero - (w["hetero"] as! Double)) <= 1e-12, "\(label) split \(s.split)")
                #expect(abs(s.gain - (w["gain"] as! Double)) <= 1e-12, "\(label) split \(s.split)")
                #expect(abs(s.rhoIntra.value! - (w["rho_intra"] as! Double)) <= Tol.tetrachoric, "\(label) ρ_intra")
                #expect(abs(s.rhoInter.value! - (w["rho_inter"] as! Double)) <= Tol.tetrachoric, "\(label) ρ_inter")
            }
            #expect(abs(f.meanGain - (c["mean_gain"] as! Double)) <= 1e-12)
            #expect(abs(f.minGain - (c["min_gain"] as! Double)) <= 1e-12)
            #expect(abs(f.maxGain - (c["max_gain"] as! Double)) <= 1e-12)
            #expect(abs(f.sharePositive - (c["share_positive"] as! Double)) <= 1e-12)
            #expect(abs(f.meanSelfMoA - (c["mean_self_moa"] as! Double)) <= 1e-12)
            #expect(abs(f.meanHetero - (c["mean_hetero"] as! Double)) <= 1e-12)
            #expect(abs(f.meanRhoIntra.value! - (c["mean_rho_intra"] as! Double)) <= Tol.tetrachoric)
            #expect(abs(f.meanRhoInter.value! - (c["mean_rho_inter"] as! Double)) <= Tol.tetrachoric)
            #expect(f.gainCILo <= f.splits[0].gain && f.splits[0].gain <= f.gainCIHi)
        }
    }

    @Test func theResultDoesNotDependOnTheThreadCount() throws {
        let c = (FuseTests.golden["cases"] as! [[String: Any]])[1]
        let one = try FuseTests.run(c, threads: 1)
        let three = try FuseTests.run(c, threads: 3)
        #expect(one.splits.map(\.gain) == three.splits.map(\.gain))
        #expect(one.splits.map(\.rhoIntra.value) == three.splits.map(\.rhoIntra.value))
        #expect(one.gainCILo == three.gainCILo && one.gainCIHi == three.gainCIHi)
    }

    /// The fixture's rows of one sample, or combined by a rule, as a long CSV without a sample column.
    static func reduced(_ rule: (_ values: [(j: Int, right: Bool)]) -> Bool) throws -> String {
        let text = try String(contentsOfFile: FuseTests.samples, encoding: .utf8)
        var cells: [String: [(j: Int, right: Bool)]] = [:]
        var order: [String] = []
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",").map(String.init)
            let key = f[0] + "," + f[1]
            if cells[key] == nil {
                order.append(key)
            }
            cells[key, default: []].append((Int(f[3])!, f[2] == "1"))
        }
        return "query,model,correct\n" + order.map { "\($0),\(rule(cells[$0]!) ? 1 : 0)\n" }.joined()
    }

    static func report(_ args: [String]) throws -> [String: Any] {
        let r = try runCLI(args + ["--format", "json"])
        #expect(r.status == 0, "\(args): \(r.stderr)")
        var json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        json["inputs"] = nil
        if var data = json["data"] as? [String: Any] {
            for key in ["source", "samples_read", "max_samples", "cells_with_several_samples"] {
                data[key] = nil
            }
            json["data"] = data
        }
        return json
    }

    /// Every command reads sample 0 of a file with samples, or the samples combined by --aggregate.
    @Test func commandsReadSampleZeroOrTheAggregate() throws {
        let zero = try tempFile(FuseTests.reduced { $0.first { $0.j == 0 }!.right })
        let majority = try tempFile(
            FuseTests.reduced { v in 2 * v.filter(\.right).count > v.count })
        let first = try tempFile(FuseTests.reduced { $0.min { $0.j < $1.j }!.right })
        let commands: [[String]] = [
            ["certify"], ["analyze", "--draws", "2000"], ["bounds"], ["vote", "--replicates", "20"],
            ["bootstrap", "--replicates", "20"], ["scan", "--sizes", "2:4", "--subsets", "3"], ["decide"],
        ]
        for c in commands {
            let direct = try FuseTests.report(c + [FuseTests.samples])
            let viaZero = try FuseTests.report(c + [zero])
            #expect(NSDictionary(dictionary: direct).isEqual(to: viaZero), "\(c[0]) on sample 0")
        }
        for (rule, file) in [("majority", majority), ("first", first)] {
            let direct = try FuseTests.report(["certify", FuseTests.samples, "--aggregate", rule])
            let byHand = try FuseTests.report(["certify", file])
            #expect(NSDictionary(dictionary: direct).isEqual(to: byHand), "--aggregate \(rule)")
        }
    }

    /// simulate --samples: sample latents share Z with correlation r, so the tetrachoric of two
    /// samples of one model estimates r; sample 0 is what other commands read.
    @Test func simulatedSamplesShareTheLatent() throws {
        var spec = SyntheticMatrix.Spec(law: .gaussian, queries: 4000, models: 2)
        spec.error = 0.3
        spec.samples = 4
        spec.intraRho = 0.7
        spec.seed = 5
        let sim = try SyntheticMatrix(spec)
        let recs = sim.raw.samples!.records.filter { $0.model == 0 }
        func column(_ j: Int32) -> [Bool] { recs.filter { $0.sample == j }.map { $0.value == .correct } }
        let x = OutcomeMatrix(
            modelNames: ["s0", "s1"], correct: zip(column(0), column(1)).map { [$0, $1] })
        let r = try PairwiseStatistics(x).meanTetrachoric.value!
        #expect(abs(r - 0.7) < 0.05, "tetrachoric of two samples \(r)")
        let (cells, _) = try sim.raw.applyCoverage(.complete)
        #expect((0..<4000).allSatisfy { cells.isError(query: $0, model: 0) == !column(0)[$0] })
        spec.law = .shock
        #expect(throws: CoFailError.self) { try SyntheticMatrix(spec) }
        let wide = try runCLI([
            "simulate", "matrix", "--law", "gaussian", "--queries", "5", "--models", "3", "--samples", "2",
        ])
        #expect(wide.status == 64 && wide.stderr.contains("long or jsonl"), "\(wide.stderr)")
    }

    /// The splits are engine units: two shards merged, and a checkpointed run resumed, equal the
    /// plain run.
    @Test func shardsAndCheckpointsGiveThePlainRun() throws {
        let args = ["fuse", FuseTests.samples, "--draws", "3", "--splits", "5", "--replicates", "50", "--seed", "2"]
        let plain = try FuseTests.report(args)
        let shards = (0..<2).map { scratchPath("fuse-shard\($0)", ".units") }
        for (i, path) in shards.enumerated() {
            let r = try runCLI(args + ["--shard", "\(i)/2", "-o", path])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let merged = try FuseTests.report(["merge"] + shards)
        #expect(NSDictionary(dictionary: merged["fuse"] as! [String: Any]).isEqual(to: plain["fuse"] as! [String: Any]))
        let checkpoint = scratchPath("fuse", ".units")
        let first = try FuseTests.report(args + ["--checkpoint", checkpoint])
        #expect(NSDictionary(dictionary: first["fuse"] as! [String: Any]).isEqual(to: plain["fuse"] as! [String: Any]))
        let resumed = try FuseTests.report(args + ["--checkpoint", checkpoint, "--resume"])
        #expect(
            NSDictionary(dictionary: resumed["fuse"] as! [String: Any]).isEqual(to: plain["fuse"] as! [String: Any]))
        let other = try runCLI(args.dropLast(2) + ["--seed", "3", "--checkpoint", checkpoint, "--resume"])
        #expect(other.status == 64 && other.stderr.contains("seed"), "\(other.stderr)")
    }

    @Test func cliErrors() throws {
        for bad in [["--draws", "4"], ["--draws", "1"], ["--band", "0.9:0.1"], ["--band", "x"], ["--splits", "0"]] {
            let r = try runCLI(["fuse", FuseTests.samples] + bad)
            #expect(r.status == 64, "\(bad): \(r.stderr)")
        }
        let tooMany = try runCLI(["fuse", FuseTests.samples, "--draws", "7"])
        #expect(tooMany.status == 64 && tooMany.stderr.contains("14 samples"), "\(tooMany.stderr)")
        let noSamples = try runCLI(["fuse", testsDirectory + "/../../examples/zeroeval_math_l5/matrix.csv"])
        #expect(noSamples.status != 0 && noSamples.stderr.contains("sample"), "\(noSamples.stderr)")
    }
}
