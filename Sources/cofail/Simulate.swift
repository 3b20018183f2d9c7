import ArgumentParser
import CoFail
import Foundation

extension SyntheticLaw: ExpressibleByArgument {}

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Synthetic laws with known truth: the underpricing curve and matrices to test pipelines on (METHODS §8).",
        subcommands: [Curve.self, Matrix.self, Vote.self]
    )

    struct Curve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "β_m against the single-factor β_SF,m for m = 2…M under a common shock and under Clayton with the "
                + "same marginals.",
            discussion: """
                Example:  cofail simulate curve --pi 0.02 --q 0.3 --max-models 30 --plot curve.svg
                The common-shock ratio is 1 at m = 2 and grows without bound; the Clayton ratio moves far
                more slowly: a common-mode atom, not smooth tail dependence, drives the underpricing.
                """
        )
        enum Law: String, ExpressibleByArgument, CaseIterable { case shock, clayton, both }

        @Option(help: "Law to print: shock, clayton or both (both laws share the marginals p and co-error c).")
        var law: Law = .both
        @Option(help: "Probability π that a query is co-hard (every model wrong).")
        var pi: Double
        @Option(help: "Independent error probability q on the other queries.")
        var q: Double
        @Option(name: .customLong("max-models"), help: "Largest pool size M.")
        var maxModels: Int = 20
        @Option(help: "Write an SVG chart of both laws' ratio curves (log scale).")
        var plot: String?
        @OptionGroup var out: OutputOptions

        func validate() throws {
            if !(0...1).contains(pi) { throw ValidationError("--pi must lie in [0, 1] (got \(pi))") }
            if !(0...1).contains(q) { throw ValidationError("--q must lie in [0, 1] (got \(q))") }
            if maxModels < 2 { throw ValidationError("--max-models must be at least 2 (got \(maxModels))") }
        }

        func run() throws {
            try runReporting {
                let shock = try Synthetic.shockCurve(pi: pi, q: q, maxModels: maxModels)
                let p = shock[0].p
                let c = shock[0].coError
                // the Clayton fit is made only when asked for: it fails where no θ matches (p, c)
                let clayton = law == .shock ? nil : try Synthetic.claytonCurve(p: p, c: c, maxModels: maxModels)
                let report = Report.simulateCurve(
                    law: law.rawValue, pi: pi, q: q, maxModels: maxModels, shock: law == .clayton ? nil : shock,
                    clayton: clayton)
                if let plot {
                    try emit(SyntheticCurveChart.render(shock: shock, clayton: clayton?.points), to: plot)
                }
                try emit(report.render(out.format), to: out.output)
            }
        }
    }

    struct Matrix: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw a synthetic outcome matrix with a sidecar JSON of its true β and parameters.",
            discussion: """
                Example:  cofail simulate matrix --law shock --pi 0.03 --q 0.35 --queries 5000 --models 12 --seed \
                7 -o sim.csv
                writes sim.csv and sim.csv.truth.json; `cofail analyze sim.csv` should recover β within sampling error.
                """
        )
        @Option(help: "Law: shock, clayton, gaussian (exchangeable, ρ) or factor (per-model loadings).")
        var law: SyntheticLaw
        @Option(help: "Number of queries n.") var queries: Int
        @Option(help: "Number of models m.") var models: Int
        @Option(help: "shock: co-hard probability π.") var pi: Double = 0.05
        @Option(help: "shock: independent error probability q.") var q: Double = 0.3
        @Option(help: "clayton/gaussian/factor: marginal error p.") var error: Double = 0.3
        @Option(help: "clayton: θ > 0.") var theta: Double = 1
        @Option(help: "gaussian: exchangeable latent correlation ρ.") var rho: Double = 0.3
        @Option(help: "factor: loadings evenly spaced over LO:HI.") var loadings: String = "0.3:0.7"
        @Option(help: "Per-model error rates evenly spaced over centre ± SPREAD.") var heterogeneous: Double = 0
        @Option(help: "Probability that a cell is missing.") var missing: Double = 0
        @OptionGroup var common: RunOptions
        @Option(name: [.short, .customLong("output")], help: "Matrix file ('-' or omitted: standard output).")
        var output: String?
        @Option(name: .customLong("output-format"), help: "Matrix format: wide, long or jsonl.") var outputFormat:
            InputFormat = .wide
        @Option(help: "Sidecar JSON with the truth (default: OUTPUT.truth.json when -o is a file).") var truth: String?
        @Option(
            name: .customLong("confidence-auc"),
            help: "Add a binormal confidence per cell whose AUC for the model's own correctness is this (long/jsonl).")
        var confidenceAUC: Double?
        @Option(help: "gaussian/factor: S repeated samples of each cell sharing its latent (long/jsonl, METHODS §18).")
        var samples: Int?
        @Option(name: .customLong("intra-rho"), help: "With --samples: correlation r of a cell's sample latents.")
        var intraRho: Double = 0.5

        /// The most cells a simulated matrix may have (its text is written in one piece).
        static let maxCells = 500_000_000

        func validate() throws {
            let values = [
                ("--pi", pi), ("--q", q), ("--error", error), ("--theta", theta), ("--rho", rho),
                ("--heterogeneous", heterogeneous), ("--missing", missing),
            ]
            for (name, v) in values where !v.isFinite {
                throw ValidationError("\(name) must be a finite number (got \(v))")
            }
            if let a = confidenceAUC {
                if !(a > 0 && a < 1) {
                    throw ValidationError("--confidence-auc must lie in (0, 1) (got \(a))")
                }
                if outputFormat == .wide {
                    throw ValidationError("--confidence-auc needs --output-format long or jsonl (wide has no column)")
                }
            }
            if let s = samples {
                if law != .gaussian && law != .factor {
                    throw ValidationError("--samples needs --law gaussian or factor (a latent the samples share)")
                }
                if s < 1 || s > 10_000 {
                    throw ValidationError("--samples must lie in 1...10000 (got \(s))")
                }
                if outputFormat == .wide {
                    throw ValidationError("--samples needs --output-format long or jsonl (wide has no sample column)")
                }
                if !(intraRho >= 0 && intraRho <= 1) {
                    throw ValidationError("--intra-rho must lie in [0, 1] (got \(intraRho))")
                }
                let (total, overflow) = queries.multipliedReportingOverflow(by: models * s)
                if overflow || total > Matrix.maxCells {
                    throw ValidationError(
                        "--queries × --models × --samples must be at most \(Matrix.maxCells) records")
                }
            } else if intraRho != 0.5 {
                throw ValidationError("--intra-rho applies to --samples")
            }
            if heterogeneous < 0 {
                throw ValidationError("--heterogeneous must be at least 0 (got \(heterogeneous))")
            }
            if queries < 1 || models < 1 {
                throw ValidationError("--queries and --models must be at least 1 (got \(queries) and \(models))")
            }
            let (cells, overflow) = queries.multipliedReportingOverflow(by: models)
            if overflow || cells > Matrix.maxCells {
                throw ValidationError(
                    "--queries × --models must be at most \(Matrix.maxCells) cells "
                        + "(the matrix text is built in memory; got \(queries) × \(models))")
            }
            let parts = loadings.split(separator: ":").compactMap { Double($0) }
            guard parts.count == 2, parts.allSatisfy(\.isFinite), parts[0] <= parts[1] else {
                throw ValidationError("--loadings must be LO:HI with LO <= HI (got \(loadings))")
            }
        }

        func run() throws {
            try runReporting {
                var spec = SyntheticMatrix.Spec(law: law, queries: queries, models: models)
                spec.pi = pi
                spec.q = q
                spec.error = error
                spec.theta = theta
                spec.rho = rho
                let parts = loadings.split(separator: ":").compactMap { Double($0) }
                spec.loadings = parts[0]...parts[1]
                spec.spread = heterogeneous
                spec.missing = missing
                spec.seed = common.seed
                spec.threads = common.threads
                spec.confidenceAUC = confidenceAUC
                spec.samples = samples
                spec.intraRho = intraRho
                let sim = try SyntheticMatrix(spec)
                try emit(sim.raw.serialized(as: outputFormat), to: output)
                let truthPath = truth ?? (output.flatMap { $0 == "-" ? nil : $0 + ".truth.json" })
                if let truthPath {
                    try emit(sim.truthJSON().rendered() + "\n", to: truthPath)
                }
                let truthNote = truthPath.map { "; truth in \($0)" } ?? ""
                note(
                    "simulated \(queries) x \(models) (\(law.rawValue)), true β = "
                        + "\(Report.fmt(sim.trueBeta))\(truthNote)"
                )
            }
        }
    }

    struct Vote: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Majority floor Φ(Φ⁻¹(p)/√ρ) and exact E_m curve of a single-factor ensemble (Prop. 5).",
            discussion: """
                Example:  cofail simulate vote --error 0.3 --rho 0.4 --sizes 1,3,5,11,101 --cost-ratio 0.001
                With --cost-ratio, adds the break-even ensemble size (Props. 6–7).
                """
        )
        @Option(help: "Member error rate p.") var error: Double
        @Option(help: "Latent correlation ρ in [0, 1].") var rho: Double
        @Option(help: "Pool sizes, comma-separated (default 1,3,5,…,10001).") var sizes: String?
        @Option(name: .customLong("cost-ratio"), help: "Cost per member per query / value of a correct answer.")
        var costRatio: Double?
        @OptionGroup var out: OutputOptions

        func validate() throws {
            if !(error >= 0 && error <= 1) {
                throw ValidationError("--error must lie in [0, 1] (got \(error))")
            }
            if !(rho >= 0 && rho <= 1) {
                throw ValidationError("--rho must lie in [0, 1] (got \(rho))")
            }
            if let c = costRatio, !(c > 0 && c.isFinite) {
                throw ValidationError("--cost-ratio must be a positive number (got \(c))")
            }
            _ = try sizeList()
        }

        func sizeList() throws -> [Int] {
            guard let sizes else {
                return MajorityFloor.defaultSizes
            }
            let list = sizes.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !list.isEmpty, list.allSatisfy({ $0 != nil && $0! >= 1 && $0! <= 10_000_000 }) else {
                throw ValidationError("--sizes must be a comma list of pool sizes in 1...10^7 (got '\(sizes)')")
            }
            return list.map { $0! }
        }

        func run() throws {
            try runReporting {
                let floor = try MajorityFloor(error: error, rho: rho, sizes: try sizeList())
                var report = Report(
                    command: "simulate vote",
                    inputs: [
                        ("error", .number(error)), ("rho", .number(rho)), ("sizes", .string(sizes ?? "default")),
                        ("cost_ratio", .num(costRatio)),
                    ],
                    sections: [.majorityFloor(floor, reason: nil, calibration: "given p and ρ", pool: nil)])
                if let costRatio {
                    report.sections.append(.breakEven(try BreakEven(error: error, rho: rho, costRatio: costRatio)))
                }
                try emit(report.render(out.format), to: out.output)
            }
        }
    }
}
