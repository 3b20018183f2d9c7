#!/usr/bin/env bash
# Draws the README's charts (docs/*.svg) from the bundled data with the commands below, so that no
# chart in the README is a stale render. scripts/checks/render_charts.sh compares docs/ with a fresh
# run of this script and fails when they differ.
# Usage: scripts/gen/docs_charts.sh [EXE] [OUTDIR]   (defaults: .build/debug/cofail, docs)
set -euo pipefail
cd "$(dirname "$0")/../.."
exe=${1:-.build/debug/cofail}
out=${2:-docs}
mkdir -p "$out"
m=examples/zeroeval_math_l5/matrix.csv
"$exe" analyze "$m" --registry examples/zeroeval_math_l5/models.csv --plot "$out/analyze.svg" > /dev/null
"$exe" vote "$m" --replicates 0 --plot "$out/vote.svg" > /dev/null
"$exe" route examples/routing/matrix.csv --routes examples/routing/router.csv --plot "$out/route.svg" > /dev/null
"$exe" cascade examples/cascade/matrix.csv --cheap small --strong large --plot "$out/cascade.svg" > /dev/null
"$exe" certify "$m" --sequential --overhead 0.02 --shuffle --plot "$out/sequential.svg" > /dev/null
