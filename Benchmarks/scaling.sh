#!/usr/bin/env bash
# Scaling table (issue 6): wall time of `analyze --no-full` and of one bootstrap replicate as the
# pool grows (m = 10 … 1000) and the query set grows (n = 330 … 10^5). Matrices are generated
# (single-factor Gaussian, ρ = 0.36, error 0.25 ± 0.15). Per-replicate cost is taken from shard
# runs (a shard skips the summary's jackknife): (t(2R reps, shard 0/2) − t(2 reps, shard 0/2)) / (R − 1).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product cofail >/dev/null
C=$PWD/.build/release/cofail
DIR=$(mktemp -d)
T=${THREADS:-2}
secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
echo "| models | queries | analyze --no-full (s) | one bootstrap replicate (s) |"
echo "|---|---|---|---|"
for m in 10 100 1000; do
  for n in 330 10000 100000; do
    $C simulate matrix --law gaussian --rho 0.36 --error 0.25 --heterogeneous 0.15 --queries $n --models $m --seed 3 -o "$DIR/m.csv" 2>/dev/null
    a=$(secs $C analyze "$DIR/m.csv" --no-full --threads $T)
    R=$(( m >= 1000 ? 3 : (m >= 100 ? 6 : 20) ))
    b1=$(secs $C bootstrap "$DIR/m.csv" --replicates 4 --shard 0/2 --threads 1 -o "$DIR/s.units")
    b2=$(secs $C bootstrap "$DIR/m.csv" --replicates $((2 * R)) --shard 0/2 --threads 1 -o "$DIR/s.units")
    printf "| %d | %d | %.3f | %.4f |\n" $m $n "$a" "$(echo "($b2 - $b1) / ($R - 1)" | bc -l)"
    rm -f "$DIR/m.csv" "$DIR/m.csv.truth.json"
  done
done
rm -rf "$DIR"
