"""The command lines whose JSON reports define and check schema/*.schema.json: every command on
the bundled data, with the option variants that add or remove keys. Shared by
scripts/gen/report_schema.py (drafts the schemas) and scripts/checks/schema.py (validates)."""
import json
import atexit
import os
import shutil
import subprocess
import tempfile

MATH = "examples/zeroeval_math_l5/matrix.csv"
REGISTRY = "examples/zeroeval_math_l5/models.csv"
ROUTING = "examples/routing/matrix.csv"
CASCADE = "examples/cascade/matrix.csv"
DECIDE = "examples/decide/matrix.csv"


def runs(tmp):
    """Argument lists (without the executable and --format json)."""
    shard = [os.path.join(tmp, "s%d.units" % i) for i in range(2)]
    nocost = os.path.join(tmp, "nocost.csv")
    with open(CASCADE) as f, open(nocost, "w") as g:
        for line in f:
            parts = line.rstrip("\n").split(",")
            g.write(",".join(parts[:3] + parts[4:]) + "\n")
    samples = os.path.join(tmp, "samples.csv")
    with open(samples, "w") as g:
        g.write("query,model,correct,sample\n")
        for q in range(30):
            for i, model in enumerate(["a", "b", "c", "d"]):
                for s in range(3):
                    g.write("q%d,%s,%d,%d\n" % (q, model, (q * 7 + i * 3 + s * 5) % 4 != 0, s))
    vote_shard = [os.path.join(tmp, "v%d.units" % i) for i in range(2)]
    boot_shard = [os.path.join(tmp, "b%d.units" % i) for i in range(2)]
    cascade_shard = [os.path.join(tmp, "c%d.units" % i) for i in range(2)]
    costs = os.path.join(tmp, "costs.csv")
    with open(MATH) as f, open(costs, "w") as g:
        g.write("model,cost\n")
        for k, name in enumerate(f.readline().rstrip("\n").split(",")[1:]):
            g.write("%s,%g\n" % (name, 0.001 * (k + 1)))
    nocost_wide = os.path.join(tmp, "nocost_wide.csv")
    cells = {}
    with open("Tests/CoFailTests/Fixtures/learned/topical/matrix.csv") as f:
        next(f)
        for line in f:
            q, model, correct = line.rstrip("\n").split(",")[:3]
            cells.setdefault(q, {})[model] = correct
    with open(nocost_wide, "w") as g:
        models = list(next(iter(cells.values())))
        g.write("query," + ",".join(models) + "\n")
        for q, row in cells.items():
            g.write(q + "," + ",".join(row[mm] for mm in models) + "\n")
    zero_costs = os.path.join(tmp, "never.csv")
    with open(zero_costs, "w") as g:
        g.write("query,gpt-4-0314,o1-mini-2024-09-12\n" + "".join("q%d,0,%d\n" % (q, q % 2) for q in range(10)))
    free = os.path.join(tmp, "free.csv")
    with open(free, "w") as g:
        g.write("model,cost\ngpt-4-0314,0\no1-mini-2024-09-12,0\n")
    one_model = os.path.join(tmp, "one_model.csv")
    with open(one_model, "w") as g:
        g.write("query,a\n" + "".join("q%d,%d\n" % (q, q % 3 != 0) for q in range(20)))
    return [
        ["certify", MATH],
        ["certify", samples, "--aggregate", "majority"],
        ["certify", samples],
        ["certify", "--from", "lm-eval", "Tests/CoFailTests/Fixtures/lm-eval/repeat"],
        ["certify", "--from", "inspect", "Tests/CoFailTests/Fixtures/inspect", "Tests/CoFailTests/Fixtures/inspect-nan",
         "--skip-invalid", "--task", "popularity,wikipedia"],
        ["bounds", "--from", "helm", "Tests/CoFailTests/Fixtures/helm/runs", "--threshold", "0.5"],
        ["vote", MATH, "--replicates", "0", "--models", "Athene-70B,Meta-Llama-3-70B-Instruct,Meta-Llama-3-8B-Instruct,Llama-3.1-405B-Inst@sambanova",
         "--accuracy-band", "0:1"],
        ["vote", MATH, "--replicates", "0", "--size", "5", "--cost-ratio", "0.01", "--shard", "0/2", "-o", vote_shard[0]],
        ["vote", MATH, "--replicates", "0", "--size", "5", "--cost-ratio", "0.01", "--shard", "1/2", "-o", vote_shard[1]],
        ["merge"] + vote_shard,
        ["bootstrap", MATH, "--replicates", "6", "--stats", "beta", "--shard", "0/2", "-o", boot_shard[0]],
        ["bootstrap", MATH, "--replicates", "6", "--stats", "beta", "--shard", "1/2", "-o", boot_shard[1]],
        ["merge"] + boot_shard,
        ["cascade", CASCADE, "--cheap", "small", "--strong", "large", "--noise-seeds", "2", "--shard", "0/2", "-o",
         cascade_shard[0]],
        ["cascade", CASCADE, "--cheap", "small", "--strong", "large", "--noise-seeds", "2", "--shard", "1/2", "-o",
         cascade_shard[1]],
        ["merge"] + cascade_shard,
        ["route", MATH, "--model-costs", costs, "--policy-budget", "0.01"],
        ["cascade", CASCADE, "--cheap", "small", "--strong", "medium", "--floor", "0.9", "--noise-seeds", "2"],
        ["simulate", "vote", "--error", "0.3", "--rho", "0.4"],
        ["simulate", "vote", "--error", "0.6", "--rho", "0.4", "--cost-ratio", "0.001"],
        ["certify", MATH, "--overhead", "0.02", "--min-model-coverage", "0.5"],
        ["certify", "--all-wrong", "16", "--queries", "425", "--best-correct", "379"],
        ["certify", "--from", "inspect", "Tests/CoFailTests/Fixtures/inspect"],
        ["analyze", "--from", "lm-eval", "Tests/CoFailTests/Fixtures/lm-eval/runs", "--draws", "20000"],
        ["certify", "--from", "helm", "Tests/CoFailTests/Fixtures/helm/runs"],
        ["analyze", MATH, "--registry", REGISTRY, "--draws", "20000"],
        ["analyze", MATH, "--no-full"],
        ["analyze", MATH, "--draws", "0"],
        ["bootstrap", MATH, "--replicates", "40", "--threads", "2"],
        ["bootstrap", MATH, "--replicates", "20", "--stats", "beta,beta_clayton", "--threads", "2"],
        ["scan", MATH, "--sizes", "2:43:10", "--subsets", "5", "--threads", "2"],
        ["scan", MATH, "--sizes", "2:6", "--subsets", "3", "--shard", "0/2", "-o", shard[0]],
        ["scan", MATH, "--sizes", "2:6", "--subsets", "3", "--shard", "1/2", "-o", shard[1]],
        ["merge"] + shard,
        ["vote", MATH, "--replicates", "20", "--cost-ratio", "0.001", "--threads", "2"],
        ["vote", MATH, "--replicates", "0", "--control", "none", "--correlation", "phi"],
        ["route", ROUTING, "--routes", "examples/routing/router.csv", "--folds", "3"],
        ["route", ROUTING, "--partition", "query", "--budgets", "0.001,0.01"],
        ["cascade", CASCADE, "--cheap", "small", "--strong", "large", "--noise-seeds", "3"],
        ["cascade", nocost, "--cheap", "medium", "--objective", "floor", "--noise-seeds", "2"],
        ["cascade", CASCADE, "--all-pairs", "--noise-seeds", "2"],
        ["bounds", "--models", "5", "--error", "0.3", "--co-error", "0.15"],
        ["bounds", MATH],
        ["simulate", "curve", "--pi", "0.03", "--q", "0.35", "--max-models", "8"],
        ["simulate", "vote", "--error", "0.3", "--rho", "0.4", "--sizes", "1,3,5", "--cost-ratio", "0.001"],
        ["profile", "--models", "8", "--queries", "200", "--threads", "2"],
        ["plan", "--gain", "0.01", "--overhead", "0.02", "--models", "43"],
        ["route", "examples/routing_text/topical/matrix.csv", "--texts", "examples/routing_text/topical/texts.csv",
         "--partition", "none,query", "--budget", "0.0027"],
        ["route", "examples/routing_text/blind/matrix.csv", "--features", "examples/routing_text/blind/features.csv",
         "--learner", "knn,constant,type", "--folds", "3", "--partition", "none"],
        ["route", "examples/routing_text/topical/matrix.csv", "--texts", "examples/routing_text/topical/texts.csv",
         "--learner", "logistic", "--partition", "none", "--folds", "2"],
        ["route", nocost_wide, "--texts", "Tests/CoFailTests/Fixtures/learned/topical/texts.csv", "--folds", "2"],
        ["certify", MATH, "--sequential", "--overhead", "0.02"],
        ["certify", MATH, "--sequential", "--shuffle", "--seed", "7", "--every", "10", "--trace",
         os.path.join(tmp, "trace.csv"), "--plot", os.path.join(tmp, "trace.svg")],
        ["certify", "Tests/CoFailTests/Fixtures/sequential_near.csv", "--sequential", "--overhead", "0.02"],
        ["certify", "Tests/CoFailTests/Fixtures/sequential_sorted.csv", "--sequential", "--overhead", "0.03",
         "--prior", "1,1"],
        ["plan", "--gain", "0.05", "--overhead", "0.04", "--delta", "1e-9", "--prior", "1,1"],
        ["decide", MATH],
        ["decide", DECIDE, "--texts", "examples/decide/prompts.csv", "--budget", "0.002", "--html",
         os.path.join(tmp, "decide.html"), "--plot", os.path.join(tmp, "decide.svg")],
        ["decide", DECIDE, "--budget", "1e-5", "--overhead", "0"],
        ["decide", DECIDE, "--folds", "3", "--seed", "4", "--vote-pool", "3"],
        ["decide", one_model],
        ["timeline", MATH, "--registry", "examples/zeroeval_math_l5/timeline.csv", "--model-costs",
         "examples/zeroeval_math_l5/model_costs.csv", "--plot", os.path.join(tmp, "timeline.svg")],
        ["timeline", MATH, "--registry", "examples/zeroeval_math_l5/timeline.csv", "--model-costs",
         "examples/zeroeval_math_l5/model_costs.csv", "--commit-date", "2024-06-01", "--alpha", "0.1"],
        ["fuse", "Tests/CoFailTests/Fixtures/fuse/samples.csv", "--band", "0.5:0.8", "--draws", "3", "--splits", "4",
         "--plot", os.path.join(tmp, "fuse.svg")],
        ["fuse", "Tests/CoFailTests/Fixtures/fuse/samples.csv", "--draws", "3", "--splits", "2", "--replicates", "0",
         "--max-subsets", "5", "--seed", "3"],
        ["timeline", zero_costs, "--registry", "examples/zeroeval_math_l5/timeline.csv", "--model-costs", free],
    ]


def reports(exe):
    """Yields (command, argv, parsed JSON report) for every run; raises if a run fails. The command
    is the report's own (`merge` reports the merged engine's command)."""
    tmp = tempfile.mkdtemp(prefix="cofail-schema-")
    atexit.register(shutil.rmtree, tmp, True)
    for argv in runs(tmp):
        p = subprocess.run([exe] + argv + ["--format", "json"], capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError("cofail %s: exit %d\n%s" % (" ".join(argv), p.returncode, p.stderr[-2000:]))
        if "--shard" in argv:
            continue  # a shard writes its unit file; merge reports the result
        report = json.loads(p.stdout)
        yield report["command"], argv, report
