#!/usr/bin/env bash
# Writes Tests/CoFailTests/Fixtures/lm-eval/: logs written by EleutherAI's lm-evaluation-harness
# itself (`lm_eval ... --log_samples`), so `cofail import lm-eval` is tested on the harness's own
# output format. The harness's `dummy` model scores multiple-choice options with random
# log-likelihoods drawn from Python's `random` (seeded by --seed) and answers every generation
# with "lol"; three seeds stand for three models. The tasks read local files in lm_eval_tasks/,
# so no data set or model weights are fetched.
#
# Usage: scripts/gen/lm_eval_fixtures.sh   (installs lm-eval 0.4.13 into a throwaway venv)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/Tests/CoFailTests/Fixtures/lm-eval
venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install -q lm-eval==0.4.13
export HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
rm -rf "$out/runs" "$out/repeat"
cd "$root/scripts/gen/lm_eval_tasks"
run() {  # model seed output-folder
    "$venv/bin/lm_eval" --model dummy --model_args "pretrained=$1" --seed "$2" \
        --tasks cofail_capitals,cofail_sums --include_path . --output_path "$3" --log_samples >/dev/null 2>&1
}
run acme/alpha-7b 1 "$out/runs"
run acme/beta-13b 2 "$out/runs"
run zeta/gamma-2b 3 "$out/runs"
# The same model evaluated twice into one folder: two samples files per task, so each document
# has two samples (the case `--aggregate` exists for).
run acme/alpha-7b 4 "$out/repeat"
sleep 1
run acme/alpha-7b 5 "$out/repeat"
# The environment dump names this machine's packages and paths; nothing the importer reads.
python3 - "$out" <<'PY'
import glob, json, sys
for path in glob.glob(sys.argv[1] + "/**/results_*.json", recursive=True):
    with open(path) as f:
        r = json.load(f)
    r["pretty_env_info"] = "(removed by scripts/gen/lm_eval_fixtures.sh)"
    with open(path, "w") as f:
        json.dump(r, f, indent=2, ensure_ascii=False)
        f.write("\n")
PY
find "$out" -type f | sort
