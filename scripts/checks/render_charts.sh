#!/usr/bin/env bash
# Draws every chart cofail makes (analyze, bootstrap, scan, vote, route, cascade, simulate curve,
# certify --sequential, decide) from the bundled data and renders each to PNG with rsvg-convert
# (librsvg2-bin): an SVG the renderer rejects fails the check; then redraws the README's charts and
# fails when docs/ differs from them.
# Usage: scripts/checks/render_charts.sh [EXE]
set -euo pipefail
cd "$(dirname "$0")/../.."
exe=${1:-.build/debug/cofail}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
m=examples/zeroeval_math_l5/matrix.csv
"$exe" bootstrap "$m" --replicates 30 --plot "$work/bootstrap.svg" > /dev/null
"$exe" scan "$m" --sizes 2:43:8 --subsets 4 --plot "$work/scan.svg" > /dev/null
"$exe" vote "$m" --replicates 0 --plot "$work/vote.svg" > /dev/null
"$exe" route examples/routing/matrix.csv --routes examples/routing/router.csv --plot "$work/route.svg" > /dev/null
"$exe" cascade examples/cascade/matrix.csv --cheap small --strong large --noise-seeds 3 --plot "$work/cascade.svg" \
    > /dev/null
"$exe" simulate curve --pi 0.03 --q 0.35 --max-models 12 --plot "$work/curve.svg" > /dev/null
"$exe" analyze "$m" --draws 20000 --plot "$work/analyze.svg" > /dev/null
"$exe" certify "$m" --sequential --overhead 0.02 --plot "$work/sequential.svg" > /dev/null
"$exe" decide examples/decide/matrix.csv --budget 0.002 --plot "$work/decide.svg" > /dev/null
for svg in "$work"/*.svg; do
    rsvg-convert "$svg" -o "${svg%.svg}.png"
    [ -s "${svg%.svg}.png" ] || { echo "render: empty PNG from $svg" >&2; exit 1; }
done
# the README's charts must be what scripts/gen/docs_charts.sh draws now
mkdir "$work/docs"
scripts/gen/docs_charts.sh "$exe" "$work/docs"
for svg in "$work"/docs/*.svg; do
    cmp -s "$svg" "docs/$(basename "$svg")" || {
        echo "render: docs/$(basename "$svg") is stale: run scripts/gen/docs_charts.sh" >&2
        exit 1
    }
done
echo "render: $(ls "$work"/*.png | wc -l) charts rendered, $(ls "$work"/docs/*.svg | wc -l) README charts current"
