#!/usr/bin/env python3
"""Seeded fuzzing of the cofail CLI: mutated wide/long/JSON Lines matrices (with and without a
repeated-sample column), mutated unit files and extreme option values over certify (also
--sequential), analyze, bounds, bootstrap, scan, vote, route (also learned routers with mutated
texts and features), cascade, decide (mutated deployment logs and prompts), timeline (mutated
release registries), fuse (mutated sample files), simulate and merge (vote shards merged and
compared with the unsharded run), mutated Inspect AI logs, lm-evaluation-harness samples and
results files and HELM run folders through `import` and `--from` (with --skip-invalid, --task,
--aggregate, --lower-is-better, several paths), and hostile files: FIFOs and links to /dev/zero
named as logs, folders named as logs, zip bombs, archives with a repeated entry, FIFO checkpoints.
A case fails when the process dies by a signal, hangs (more than 30 s), exits with a code the
README does not document, prints under --format json with exit 0 anything but one strict JSON
object (NaN and Infinity refused) that validates against schema/<command>.schema.json, or when a
merged vote run differs from the unsharded one.

Usage: scripts/checks/fuzz.py [--cases N] [--seed S] [--exe PATH]
"""
import argparse
import json
import os
import stat
import zipfile
import random
import shutil
import subprocess
import sys
import tempfile

DOCUMENTED = {0, 64, 65, 66, 70, 74}
CELLS = ["0", "1", "", "NA", "true", "false", "yes", "no", "0.5", "2", "-1", "0x1", "1e-400", "1e400", "nan",
         "inf", "\"1\"", "correct", "x", "\u00e9", "1.0", "0.0", " 1 ", "\"", "\"a,b\""]
OPTIONS = [
    ["--threads", "1"], ["--threads", "0"], ["--threads", "3"], ["--threads", "999999"], ["--seed", "0"],
    ["--seed", "18446744073709551615"], ["--alpha", "0"], ["--alpha", "nan"], ["--alpha", "0.5"],
    ["--delta", "1"], ["--threshold", "0.5"], ["--threshold", "-3"], ["--min-model-coverage", "0.5"],
    ["--min-model-coverage", "2"], ["--no-correction"], ["--input-format", "long"], ["--input-format", "jsonl"],
    ["--input-format", "wide"],
]


def wide(rng):
    m, n = rng.randint(1, 7), rng.randint(0, 25)
    names = [rng.choice(["a", "b", "c", "m" + str(i), "", "a"]) for i in range(m)]
    rows = ["query," + ",".join(names)]
    for q in range(n):
        cells = [rng.choice(CELLS[:4]) if rng.random() < 0.85 else rng.choice(CELLS) for _ in range(m)]
        if rng.random() < 0.05:
            cells = cells[:-1]
        rows.append(rng.choice(["q%d" % q, "q%d" % rng.randint(0, n), ""]) + "," + ",".join(cells))
    return "\n".join(rows) + rng.choice(["\n", "", "\r\n", "\n\n"])


def long_csv(rng):
    header = rng.choice(["query,model,correct", "query,model,correct,cost", "query,model,correct,family",
                         "model,query,correct", "query,model,correct,cost,type", "query,model,correct,confidence",
                         "query,model,correct,cost,type,confidence"])
    extra = header.count(",") - 2
    lines = [header]
    for _ in range(rng.randint(0, 40)):
        q = rng.choice(["q1", "q2", "q3", "q4", ""])
        fields = [q, rng.choice(["a", "b", "c", ""]), rng.choice(CELLS)]
        for name in header.split(",")[3:]:
            if name == "type":
                fields.append(rng.choice(["t" + q[-1:], "t" + q[-1:], "t" + q[-1:], "x", ""]))
            elif name == "confidence":
                fields.append(rng.choice(["0.1", "0.9", "0.5", "", "NA", "inf", "nan", "x", "-3", "1e400"]))
            else:
                fields.append(rng.choice(["0.1", "0.002", "0", "-1", "x", ""]))
        if rng.random() < 0.3 and extra == 0:
            fields.append(rng.choice(["0.1", "-1", "x", ""]))
        lines.append(",".join(fields))
    return "\n".join(lines) + "\n"


def jsonl(rng):
    out = []
    for _ in range(rng.randint(0, 30)):
        rec = {"query": rng.choice(["q1", "q2", "q3", 7, "", None]), "model": rng.choice(["a", "b", "c", "", 3]),
               "correct": rng.choice([0, 1, True, False, None, 0.5, "yes", "x", 1e300])}
        if rng.random() < 0.2:
            rec["cost"] = rng.choice([0.1, -1, "x", None])
        if rng.random() < 0.2:
            rec["type"] = rng.choice(["t1", "t2", "", 3, None, True])
        if rng.random() < 0.2:
            rec["confidence"] = rng.choice([0.3, -2, "nan", "NA", "x", None, True, 1e308])
        text = json.dumps(rec)
        r = rng.random()
        if r < 0.05:
            text = text[: rng.randint(0, len(text))]
        elif r < 0.1:
            text = text.replace('"model"', '"query"', 1)
        elif r < 0.13:
            text = text.replace("1", "1e-400", 1)
        elif r < 0.15:
            text = "[" + text + "]"
        out.append(text)
    return "\n".join(out) + "\n"


def mutate(rng, data):
    b = bytearray(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    for _ in range(rng.randint(0, 3)):
        if not b:
            break
        op, i = rng.random(), rng.randrange(len(b))
        if op < 0.4:
            b[i] = rng.randrange(256)
        elif op < 0.7:
            del b[i]
        else:
            b.insert(i, rng.choice(b",\n\"{}:\xff0"))
    return bytes(b)


def unit_file(rng, good):
    text = good
    for _ in range(rng.randint(1, 3)):
        choice = rng.random()
        if choice < 0.3:
            text = text.replace('"units":', '"units":' + rng.choice(["-1", "1e11", "0", "\"x\"", "99999999999999"]), 1)
        elif choice < 0.5:
            text = text.replace('"shard":"0\\/1"', '"shard":"' + rng.choice(["3/1", "x", "0/0"]) + '"', 1)
        elif choice < 0.8 and len(text) > 10:
            i = rng.randrange(len(text))
            text = text[:i] + rng.choice(["", ",", "nan", "*00000000", "\n", "9"]) + text[i + rng.randint(0, 5):]
        else:
            text = text[: rng.randrange(len(text) + 1)]
    return text


def strict_json(text):
    """One JSON object; NaN, Infinity and -Infinity are refused."""
    def refuse(token):
        raise ValueError("non-finite JSON token %s" % token)
    return json.loads(text, parse_constant=refuse)


def load_validators():
    import jsonschema
    out = {}
    for f in os.listdir("schema"):
        if f.endswith(".schema.json"):
            out[f[: -len(".schema.json")].replace("-", " ")] = jsonschema.Draft202012Validator(
                json.load(open(os.path.join("schema", f))))
    return out


def without_inputs(report):
    return {k: v for k, v in report.items() if k != "inputs"}


def samples_csv(rng):
    lines = ["query,model,correct,sample" + rng.choice(["", ",cost"])]
    extra = lines[0].count(",") - 3
    for q in range(rng.randint(1, 12)):
        for model in ["a", "b", "c"][: rng.randint(1, 3)]:
            for k in range(rng.randint(1, 4)):
                fields = ["q%d" % q, model, rng.choice(["0", "1", "1", ""]),
                          rng.choice([str(k), str(k), str(k), "-1", "x", "1.5", ""])]
                fields += [rng.choice(["0.1", "0", "x"]) for _ in range(extra)]
                lines.append(",".join(fields))
    return "\n".join(lines) + "\n"


def hostile(rng, tmp, case):
    """A hostile input and the command that reads it."""
    d = os.path.join(tmp, "h%d" % case)
    os.makedirs(d)
    kind = rng.choice(["fifo", "zero", "dir", "bomb", "twice", "checkpoint"])
    if kind == "fifo":
        os.mkfifo(os.path.join(d, "samples_t_2024-01-01.jsonl"))
        os.mkfifo(os.path.join(d, "log.eval"))
    elif kind == "zero":
        os.symlink("/dev/zero", os.path.join(d, "samples_t_2024-01-01.jsonl"))
        os.symlink("/dev/zero", os.path.join(d, "log.json"))
    elif kind == "dir":
        os.makedirs(os.path.join(d, "x.eval", "samples_t_2024-01-01.jsonl"))
    elif kind == "bomb":
        with zipfile.ZipFile(os.path.join(d, "bomb.eval"), "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("header.json", b" " * (rng.choice([1, 16]) << 20))
    elif kind == "twice":
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with zipfile.ZipFile(os.path.join(d, "twice.eval"), "w") as z:
                z.writestr("header.json", '{"eval": {"task": "a", "model": "m"}}')
                z.writestr("header.json", '{"eval": {"task": "b", "model": "m"}}')
    else:
        fifo = os.path.join(d, "ck.units")
        os.mkfifo(fifo)
        return ["bootstrap", "examples/zeroeval_math_l5/matrix.csv", "--replicates", "3", "--checkpoint", fifo,
                "--resume"]
    reader = rng.choice(["inspect", "lm-eval", "helm"])
    target = d if rng.random() < 0.7 else os.path.join(d, os.listdir(d)[0])
    return rng.choice([["import", reader, target], ["certify", "--from", reader, target, "--format", "json"]])


def run(exe, args, timeout=30):
    try:
        p = subprocess.run([exe] + args, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return "hang", b"", b""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=20261129)
    ap.add_argument("--exe", default=".build/debug/cofail")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    tmp = tempfile.mkdtemp(prefix="cofail-fuzz-")
    example = "examples/zeroeval_math_l5/matrix.csv"
    good_units = os.path.join(tmp, "good.units")
    if run(a.exe, ["bootstrap", example, "--replicates", "4", "--stats", "beta", "--shard", "0/1",
                   "--checkpoint", good_units, "--format", "json"])[0] != 0:
        sys.exit("fuzz: could not make a unit file to mutate")
    good_text = open(good_units).read()
    small = os.path.join(tmp, "small.csv")
    if run(a.exe, ["simulate", "matrix", "--law", "shock", "--queries", "40", "--models", "5", "--seed", "1",
                   "-o", small])[0] != 0:
        sys.exit("fuzz: could not simulate a matrix")
    inspect_logs = sorted(os.path.join(d, f) for d in ["Tests/CoFailTests/Fixtures/inspect",
                                                       "Tests/CoFailTests/Fixtures/inspect-eval"]
                          for f in os.listdir(d) if f.endswith((".json", ".eval")))
    lm_dir = "Tests/CoFailTests/Fixtures/lm-eval/runs/acme__alpha-7b"
    lm_files = sorted(os.listdir(lm_dir))
    helm_dir = "Tests/CoFailTests/Fixtures/helm/runs/simple_mcqa:model=cofail_coin"
    validators = load_validators()
    names = open(example).readline().rstrip("\n").split(",")[1:]
    failures, counts = [], {}
    for case in range(a.cases):
        kind = rng.choice(["wide", "long", "jsonl", "units", "options", "inspect", "lm-eval", "helm", "samples",
                           "hostile", "decisions", "vote-merge", "import-options", "learned", "decide"])
        path = os.path.join(tmp, "c%d" % case + (".jsonl" if kind == "jsonl" else ".csv"))
        fmt = ["--format", "json"]
        compare = None
        if kind == "hostile":
            args = hostile(rng, tmp, case)
        elif kind == "samples":
            text = samples_csv(rng)
            open(path, "wb").write(mutate(rng, text) if rng.random() < 0.3 else text.encode())
            args = [rng.choice(["certify", "analyze", "bounds", "vote", "bootstrap"]), path] + fmt
            args += rng.choice([[], ["--aggregate", rng.choice(["first", "mean", "majority"])],
                                ["--aggregate", "mean", "--threshold", "0.5"]])
            if args[0] == "analyze":
                args += ["--draws", "2000"]
            if args[0] in ("vote", "bootstrap"):
                args += ["--replicates", "3"]
        elif kind == "learned":
            # route --texts/--features on the learned-router fixture with mutated side files
            base = "Tests/CoFailTests/Fixtures/learned/" + rng.choice(["topical", "blind"])
            flag, name = rng.choice([("--texts", "texts.csv"), ("--features", "features.csv")])
            side = os.path.join(tmp, "side%d.csv" % case)
            text = open(os.path.join(base, name), encoding="utf-8").read()
            open(side, "wb").write(mutate(rng, text) if rng.random() < 0.6 else text.encode())
            args = ["route", base + "/matrix.csv", flag, side, "--partition", "none"] + fmt
            args += rng.choice([[], ["--budget", rng.choice(["0", "0.002", "1e300", "-1"])],
                                ["--learner", rng.choice(["knn", "logistic,type", "x", "all"])],
                                ["--neighbors", rng.choice(["0", "1", "100000"])],
                                ["--l2", rng.choice(["0", "1e-300", "1e300"])],
                                ["--hash-buckets", rng.choice(["1", "16", "16777217"])],
                                ["--folds", rng.choice(["1", "2", "400"])], ["--routes-out", side + ".routes"]])
        elif kind == "decide":
            # decide on the deployment fixture: a mutated matrix or prompts file, extreme options
            base = "Tests/CoFailTests/Fixtures/decide/"
            matrix, prompts = base + "matrix.csv", base + "prompts.csv"
            if rng.random() < 0.4:
                target = rng.choice(["matrix", "prompts"])
                side = os.path.join(tmp, "decide%d.csv" % case)
                text = open(base + target + ".csv", encoding="utf-8").read()
                open(side, "wb").write(mutate(rng, text))
                matrix, prompts = (side, prompts) if target == "matrix" else (matrix, side)
            args = ["decide", matrix] + fmt + rng.choice([[], ["--texts", prompts]])
            for _ in range(rng.randint(0, 3)):
                args += rng.choice([["--budget", rng.choice(["0", "1e-5", "0.002", "1e300", "-1", "nan"])],
                                    ["--overhead", rng.choice(["0", "1", "0.5", "2"])],
                                    ["--folds", rng.choice(["1", "2", "400", "401"])],
                                    ["--vote-pool", rng.choice(["2", "3", "100"])],
                                    ["--max-vote-size", rng.choice(["1", "3", "4", "99"])],
                                    ["--alpha", rng.choice(["1e-10", "0.999", "0"])],
                                    ["--delta", rng.choice(["1e-12", "0.5", "1"])],
                                    ["--seed", "18446744073709551615"], ["--threads", rng.choice(["1", "3"])],
                                    ["--min-model-coverage", "0.5"]])
        elif kind == "decisions":
            command = rng.choice(["vote", "route", "cascade", "simulate", "timeline", "fuse"])
            if command == "fuse":
                # repeated samples: a mutated sample file, extreme bands, draws and splits
                source = "Tests/CoFailTests/Fixtures/fuse/samples.csv"
                if rng.random() < 0.5:
                    text = open(source, encoding="utf-8").read()
                    source = os.path.join(tmp, "samples%d.csv" % case)
                    open(source, "wb").write(mutate(rng, text))
                args = ["fuse", source, "--splits", rng.choice(["1", "3", "0"]), "--replicates", "20"] + fmt
                args += rng.choice([[], ["--band", rng.choice(["0.5:0.8", "0.99:1", "1:0", "x"])],
                                    ["--draws", rng.choice(["3", "4", "5", "99"])],
                                    ["--max-subsets", rng.choice(["1", "0", "7"])],
                                    ["--aggregate", "majority"], ["--threads", "3"]])
            elif command == "timeline":
                # mutated release registries and extreme commit dates
                registry = "examples/zeroeval_math_l5/timeline.csv"
                if rng.random() < 0.6:
                    text = open(registry, encoding="utf-8").read()
                    registry = os.path.join(tmp, "registry%d.csv" % case)
                    open(registry, "wb").write(mutate(rng, text))
                args = ["timeline", example, "--registry", registry, "--model-costs",
                        "examples/zeroeval_math_l5/model_costs.csv"] + fmt
                args += rng.choice([[], ["--commit-date", rng.choice(["2024-06-01", "1999-01-01", "2024-02-30", "x"])],
                                    ["--alpha", rng.choice(["0", "0.5", "1e-300"])]])
            elif command == "vote":
                pool = rng.sample(names, rng.randint(3, 12))
                args = ["vote", example, "--replicates", rng.choice(["0", "5"]), "--models", ",".join(pool)] + fmt
                args += rng.choice([[], ["--cost-ratio", rng.choice(["1e-12", "0.001", "0.5", "1e300"])],
                                    ["--alpha", rng.choice(["1e-300", "1e-9", "0.5", "0.999"])],
                                    ["--accuracy-band", rng.choice(["0:1", "0.3:0.6", "0.99:1"])],
                                    ["--max-subsets", rng.choice(["1", "5", "2000000000"])]])
            elif command == "route":
                costs = os.path.join(tmp, "costs%d.csv" % case)
                with open(costs, "w") as f:
                    f.write("model,cost\n")
                    for n in names:
                        f.write("%s,%s\n" % (n, rng.choice(["0.001", "0", "1e308", "1e-320", "0.02", "5"])))
                args = ["route", example, "--model-costs", costs] + fmt
                args += rng.choice([[], ["--policy-budget", rng.choice(["0", "1e308", "0.01"])],
                                    ["--budgets", rng.choice(["0,1e308", "1e-320", "0.001"])]])
            elif command == "cascade":
                args = ["cascade", "examples/cascade/matrix.csv"] + fmt
                args += rng.choice([["--cheap", "small", "--strong", "large"], ["--all-pairs"],
                                    ["--cheap", "medium", "--floor", rng.choice(["0", "1", "0.9"])]])
                args += ["--noise-seeds", "2"]
            else:
                args = ["simulate", "vote", "--error", rng.choice(["0.3", "0.01", "0.499", "0.6"]), "--rho",
                        rng.choice(["0", "0.2", "1", "0.999"])] + fmt
                args += rng.choice([[], ["--cost-ratio", rng.choice(["1e-12", "1e-6", "0.1", "1e-300"])]])
        elif kind == "vote-merge":
            pool = rng.sample(names, rng.randint(5, 10))
            base = ["vote", example, "--models", ",".join(pool), "--replicates", "0", "--size",
                    rng.choice(["3", "5"])] + rng.choice([[], ["--cost-ratio", "0.01"], ["--subsets", "30"]])
            n = rng.randint(1, 3)
            shards = [os.path.join(tmp, "v%d-%d.units" % (case, i)) for i in range(n)]
            bad = None
            for i in range(n):
                code, _, err = run(a.exe, base + ["--shard", "%d/%d" % (i, n), "-o", shards[i]])
                if code != 0:
                    bad = (code, err)
            if bad:
                if bad[0] not in DOCUMENTED:
                    failures.append(("vote shard exit %s" % bad[0], base, bad[1].decode(errors="replace")[-300:]))
                counts[bad[0]] = counts.get(bad[0], 0) + 1
                continue
            compare = base + fmt
            args = ["merge"] + shards + fmt
        elif kind == "import-options":
            source = rng.choice(["inspect", "lm-eval", "helm"])
            paths = {"inspect": ["Tests/CoFailTests/Fixtures/inspect", "Tests/CoFailTests/Fixtures/inspect-nan",
                                 "Tests/CoFailTests/Fixtures/inspect-eval"],
                     "lm-eval": ["Tests/CoFailTests/Fixtures/lm-eval/runs", "Tests/CoFailTests/Fixtures/lm-eval/repeat"],
                     "helm": ["Tests/CoFailTests/Fixtures/helm/runs", "Tests/CoFailTests/Fixtures/helm/trials"]}[source]
            chosen = rng.sample(paths, rng.randint(1, len(paths)))
            args = rng.choice([["import", source], ["certify", "--from", source], ["analyze", "--draws", "1000",
                                                                                    "--from", source]]) + chosen
            if args[0] != "import":
                args += fmt
            for _ in range(rng.randint(0, 3)):
                args += rng.choice([["--skip-invalid"], ["--task", rng.choice(["popularity", "cofail_sums", "x",
                                                                                 "simple_mcqa", ","])],
                                    ["--aggregate", rng.choice(["first", "mean", "majority"])],
                                    ["--threshold", rng.choice(["0.5", "50", "-1e308", "inf"])],
                                    ["--lower-is-better"]])
        elif kind == "inspect":
            source = inspect_logs[rng.randrange(len(inspect_logs))]
            path = os.path.join(tmp, "c%d%s" % (case, os.path.splitext(source)[1]))
            log = open(source, "rb").read()
            open(path, "wb").write(mutate(rng, log) if rng.random() < 0.7 else log)
            args = rng.choice([["import", "inspect", path], ["certify", "--from", "inspect", path] + fmt,
                               ["import", "inspect", path, "--threshold", "0.5", "--scorer",
                                rng.choice(["match", "x"])]])
        elif kind == "lm-eval":
            path = os.path.join(tmp, "c%d" % case, "model")
            os.makedirs(path)
            target = rng.choice(lm_files)
            for f in lm_files:
                data = open(os.path.join(lm_dir, f), "rb").read()
                open(os.path.join(path, f), "wb").write(mutate(rng, data) if f == target else data)
            args = rng.choice([["import", "lm-eval", path], ["certify", "--from", "lm-eval", path] + fmt,
                               ["import", "lm-eval", path, "--aggregate", rng.choice(["first", "mean", "x"]),
                                "--metric", rng.choice(["acc", "exact_match,flexible-extract", ",x", "acc_norm"])]])
        elif kind == "helm":
            path = os.path.join(tmp, "c%d" % case, "run")
            os.makedirs(path)
            target = rng.choice(["run_spec.json", "per_instance_stats.json"])
            for f in ["run_spec.json", "per_instance_stats.json"]:
                data = open(os.path.join(helm_dir, f), "rb").read()
                open(os.path.join(path, f), "wb").write(mutate(rng, data) if f == target else data)
            args = rng.choice([["import", "helm", path], ["certify", "--from", "helm", path] + fmt,
                               ["import", "helm", path, "--aggregate", rng.choice(["first", "majority"]),
                                "--metric", rng.choice(["exact_match", "num_prompt_tokens", "x,y"])]])
        elif kind == "units":
            path = os.path.join(tmp, "c%d.units" % case)
            open(path, "w").write(unit_file(rng, good_text))
            args = ["merge", path] + fmt
        else:
            if kind == "options":
                path = small
            else:
                data = {"wide": wide, "long": long_csv, "jsonl": jsonl}[kind](rng)
                open(path, "wb").write(mutate(rng, data) if rng.random() < 0.5 else data.encode())
            command = rng.choice(["certify", "analyze", "bounds", "bootstrap", "scan", "vote", "route", "cascade",
                                  "decide"])
            args = [command, path] + fmt
            if command == "analyze":
                args += ["--draws", "2000"]
            if command == "certify" and rng.random() < 0.5:
                seeds = ["--shuffle", "--seed", "18446744073709551615"]
                args += ["--sequential"] + rng.choice([[], ["--shuffle"], seeds,
                                                       ["--overhead", rng.choice(["0.02", "0", "1", "0.5"])],
                                                       ["--every", rng.choice(["1", "0", "7", "1000000000"])],
                                                       ["--prior", rng.choice(["1,1", "0,1", "x", "1e300,1e-300"])],
                                                       ["--delta", rng.choice(["1e-300", "0.5", "1"])]])
            if command == "bootstrap":
                args += ["--replicates", rng.choice(["3", "0", "-5", "2000000000"])]
            if command == "vote":
                args += ["--replicates", rng.choice(["0", "3", "-1"]), "--size", rng.choice(["3", "5", "2", "99"])]
                if rng.random() < 0.3:
                    args += ["--accuracy-band", rng.choice(["0:1", "0.9:1", "1:0", "x"])]
            if command == "route":
                args += rng.choice([[], ["--partition", rng.choice(["type", "query,none", "all", "x"])],
                                    ["--budgets", rng.choice(["0,0.1", "-1", "x", "1e9"])],
                                    ["--policy-budget", rng.choice(["0", "0.05", "-2"])],
                                    ["--folds", rng.choice(["2", "1", "999"])], ["--budget-grid", "0"]])
            if command == "cascade":
                args += rng.choice([[], ["--cheap", rng.choice(["a", "b", "z"])], ["--strong", "c"],
                                    ["--floor", rng.choice(["0.5", "2"])], ["--folds", rng.choice(["2", "1", "99"])],
                                    ["--objective", rng.choice(["floor", "escalation", "x"])],
                                    ["--noise-levels", rng.choice(["0,1", "2", "x"])], ["--noise-seeds", "2"],
                                    ["--all-pairs"]])
            if command == "scan":
                args += ["--subsets", rng.choice(["2", "0", "1000000000000"]), "--sizes",
                         rng.choice(["2:3", "2:99", "1", "x", "3,2"])]
            for _ in range(rng.randint(0, 2)):
                args += rng.choice(OPTIONS)
        code, out, err = run(a.exe, args)
        counts[code] = counts.get(code, 0) + 1
        problem = None
        if code == "hang":
            problem = "hang"
        elif code < 0:
            problem = "killed by signal %d" % -code
        elif code not in DOCUMENTED:
            problem = "undocumented exit code %d" % code
        elif code == 0 and "--format" in args:
            try:
                report = strict_json(out)
                errors = list(validators[report["command"]].iter_errors(report))
                if errors:
                    e = errors[0]
                    problem = "schema: %s at %s" % (e.message[:160], "/".join(str(x) for x in e.absolute_path))
                elif compare is not None:
                    c, whole, _ = run(a.exe, compare)
                    if c != 0 or without_inputs(strict_json(whole)) != without_inputs(report):
                        problem = "merged vote shards differ from the unsharded run"
            except (ValueError, KeyError) as e:
                problem = "exit 0 but stdout is not one strict JSON report (%s)" % e
        if problem:
            failures.append((problem, args, err.decode(errors="replace")[-300:]))
    print("fuzz: %d cases, seed %d, exit codes %s" % (a.cases, a.seed, dict(sorted(counts.items(), key=str))))
    for problem, args, err in failures[:20]:
        print("FAIL %s: cofail %s\n  %s" % (problem, " ".join(args), err.strip()))
    print("%d passed, %d failed" % (a.cases - len(failures), len(failures)))
    if failures:
        print("inputs kept in %s" % tmp)
        sys.exit(1)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
