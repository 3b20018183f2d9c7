import ArgumentParser
import CoFail
import Foundation

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "How many queries must we grade before the sequential certificate decides? (METHODS §15.4)",
        discussion: """
            Example:  cofail plan --gain 0.01 --overhead 0.02 --models 43
            For a sample whose every model's headroom rate G_i equals the gain g: the first number of \
            graded queries at which the level-δ/m confidence sequence decides against the overhead o \
            (no selection policy can pay when g < o, headroom certified when g > o), beside the fixed \
            sample a one-look Clopper–Pearson test needs for the same decision.
            """
    )

    @Option(help: "The per-model headroom rate g assumed (fraction of queries).")
    var gain: Double
    @Option(help: "Orchestration overhead o (accuracy, as a fraction).")
    var overhead: Double
    @Option(help: "Models m of the pool (the union bound spends δ/m on each).")
    var models: Int = 1
    @Option(help: "Risk δ of the decision.")
    var delta: Double = 0.05
    @Option(help: "Beta prior a,b of the mixture martingale.")
    var prior: String = "0.5,0.5"
    @OptionGroup var out: OutputOptions

    func validate() throws {
        if gain == overhead {
            throw ValidationError(
                "--gain must differ from --overhead: a headroom rate equal to the overhead is never decided")
        }
        _ = try priorValues()
    }

    func priorValues() throws -> (Double, Double) {
        let parts = prior.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let a = parts[0], let b = parts[1], a > 0, b > 0, a.isFinite, b.isFinite else {
            throw ValidationError("--prior must be two positive numbers a,b (got '\(prior)')")
        }
        return (a, b)
    }

    func run() throws {
        try runReporting {
            let (a, b) = try priorValues()
            let plan = try SequentialPlan(
                gain: gain, overhead: overhead, models: models, delta: delta, prior: ConfidenceSequence(a: a, b: b))
            let report = Report(
                command: "plan",
                inputs: [
                    ("gain", .number(gain)), ("overhead", .number(overhead)), ("models", .int(models)),
                    ("delta", .number(delta)), ("prior", .string(prior)),
                ],
                sections: [.plan(plan)])
            try emit(report.render(out.format), to: out.output)
        }
    }
}
