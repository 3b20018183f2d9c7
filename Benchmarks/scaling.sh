#!/usr/bin/env bash
# Scaling table: wall time of `analyze --no-full` (whole process, load included) and, from
# `cofail profile` (in-process rates, each timed over at least 0.3 s), the cost of one bootstrap
# replicate and of one scan subset of size m/2 on one thread, as the pool grows (m = 10 … 1000)
# and the query set grows (n = 330 … 10^5); then the exponents b, c of a least-squares fit
# t ≈ a·n^b·m^c per column. Matrices are generated (single-factor Gaussian, ρ = 0.36, error
# 0.25 ± 0.15, seed 3); profile draws its own of the same law.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product cofail >/dev/null 2>&1
C=$PWD/.build/release/cofail
DIR=$(mktemp -d)
T=${THREADS:-2}
secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
echo "| models | queries | analyze --no-full (s) | one bootstrap replicate (s) | one scan subset, size m/2 (s) |"
echo "|---|---|---|---|---|"
: > "$DIR/points.txt"
for m in 10 100 1000; do
  for n in 330 10000 100000; do
    $C simulate matrix --law gaussian --rho 0.36 --error 0.25 --heterogeneous 0.15 --queries $n --models $m \
      --seed 3 -o "$DIR/m.csv" 2>/dev/null
    a=$(secs $C analyze "$DIR/m.csv" --no-full --threads $T)
    read -r b sc < <($C profile --models $m --queries $n --threads 1 --seed 3 --format json | python3 -c '
import json, sys
p = json.load(sys.stdin)["profile"]
print(1 / p["replicates_per_second_1_thread"], 1 / p["subsets_per_second_1_thread"])')
    printf "| %d | %d | %.3f | %.5f | %.5f |\n" $m $n "$a" "$b" "$sc"
    echo "$m $n $a $b $sc" >> "$DIR/points.txt"
    rm -f "$DIR/m.csv" "$DIR/m.csv.truth.json"
  done
done
python3 - "$DIR/points.txt" <<'PY'
import math, sys
import numpy as np
rows = [list(map(float, line.split())) for line in open(sys.argv[1])]
print()
print("| command | exponent of n | exponent of m |")
print("|---|---|---|")
for col, name in [(2, "analyze --no-full (whole process)"), (3, "one bootstrap replicate"), (4, "one scan subset (m/2)")]:
    x = np.array([[1, math.log(r[1]), math.log(r[0])] for r in rows])
    y = np.array([math.log(r[col]) for r in rows])
    coef = np.linalg.lstsq(x, y, rcond=None)[0]
    print("| %s | %.2f | %.2f |" % (name, coef[1], coef[2]))
PY
rm -rf "$DIR"
