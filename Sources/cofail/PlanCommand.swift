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
    @OptionGroup var prior: PriorOption
    @OptionGroup var out: OutputOptions

    func validate() throws {
        if gain == overhead {
            throw ValidationError(
                "--gain must differ from --overhead: a headroom rate equal to the overhead is never decided")
        }
    }

    func run() throws {
        try runReporting {
            let plan = try SequentialPlan(
                gain: gain, overhead: overhead, models: models, delta: delta, prior: prior.value())
            let report = Report(
                command: "plan",
                inputs: [
                    ("gain", .number(gain)), ("overhead", .number(overhead)), ("models", .int(models)),
                    ("delta", .number(delta)), ("prior", .string(prior.prior)),
                ],
                sections: [.plan(plan)])
            try emit(report.render(out.format), to: out.output)
        }
    }
}
