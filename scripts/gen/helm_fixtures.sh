#!/usr/bin/env bash
# Writes Tests/CoFailTests/Fixtures/helm/: run folders written by Stanford CRFM's HELM itself
# (`helm-run`, PyPI crfm-helm 0.5.16), so `cofail import helm` is tested on HELM's own output.
# The scenario is HELM's built-in `simple_mcqa` (even/odd questions, metric exact_match); the
# three models are deployments of helm_env/cofail_helm_client.py, which answers correctly with
# probability 0.9, 0.7 and 0.5 by a hash of (model, prompt). No data set or weights are fetched.
#
# Usage: scripts/gen/helm_fixtures.sh   (installs crfm-helm 0.5.16 into a throwaway venv)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/Tests/CoFailTests/Fixtures/helm
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q crfm-helm==0.5.16
export HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1 PYTHONPATH=$root/scripts/gen/helm_env
mkdir -p "$work/run/prod_env"
cp "$root"/scripts/gen/helm_env/*.yaml "$work/run/prod_env/"
cd "$work/run"
helm() {  # suite, extra arguments, run entries…
    local suite=$1
    shift
    "$work/venv/bin/helm-run" --suite "$suite" --max-eval-instances 20 "$@" >"$work/$suite.log" 2>&1
}
helm runs --run-entries simple_mcqa:model=cofail/careful simple_mcqa:model=cofail/average \
    simple_mcqa:model=cofail/coin
# Two train trials (two few-shot draws) per instance: two samples of every query.
helm trials --num-train-trials 2 --run-entries simple_mcqa:model=cofail/average
rm -rf "$out"
for suite in runs trials; do
    for run in benchmark_output/runs/$suite/simple_mcqa*; do
        mkdir -p "$out/$suite/$(basename "$run")"
        cp "$run/run_spec.json" "$run/per_instance_stats.json" "$out/$suite/$(basename "$run")/"
    done
done
find "$out" -type f | sort
