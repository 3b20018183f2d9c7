#!/usr/bin/env bash
# Side-by-side with the R tools users run today: psych::tetrachoric, Matrix::nearPD,
# mvtnorm::pmvnorm and an R bootstrap of the standard statistics, on the same generated
# matrices, in the same run. Checks the numbers agree and prints time ratios, including the whole
# analyze process against the R workflow at cofail's β_full precision.
# Usage: Benchmarks/compare_r.sh [models] [queries]      (defaults 67 330; a generated matrix)
#        MATRIX=path/to/wide.csv Benchmarks/compare_r.sh  (an existing complete wide matrix)
set -euo pipefail
cd "$(dirname "$0")/.."
M=${1:-67}; N=${2:-330}
need=()
for p in r-base-core r-cran-psych r-cran-mvtnorm r-cran-matrix; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${need[@]}"
fi
swift build -c release --product cofail >/dev/null
COFAIL=$PWD/.build/release/cofail
DIR=$(mktemp -d)
# one-factor probit pool like the issues' reference workload (accuracies 0.6–0.9, loading 0.6)
if [ -n "${MATRIX:-}" ]; then
  # keep the complete queries so R and cofail see the same matrix
  $COFAIL analyze "$MATRIX" --no-full --format json >/dev/null
  python3 - "$MATRIX" "$DIR/m.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f); w.writerow(rows[0])
    for r in rows[1:]:
        if all(c.strip() not in ("", "NA") for c in r[1:]): w.writerow(r)
PY
else
  $COFAIL simulate matrix --law gaussian --rho 0.36 --error 0.25 --heterogeneous 0.15 --queries "$N" --models "$M" --seed 7 -o "$DIR/m.csv" 2>/dev/null
fi
start=$(date +%s.%N)
$COFAIL analyze "$DIR/m.csv" --threads 2 --timings --format json --pairs "$DIR/pairs.csv" > "$DIR/cofail.json"
end=$(date +%s.%N)
echo "$end - $start" | bc -l > "$DIR/analyze_time.txt"
start=$(date +%s.%N)
$COFAIL analyze "$DIR/m.csv" --threads 2 --draws 0 --format json > /dev/null
end=$(date +%s.%N)
echo "$end - $start" | bc -l > "$DIR/analyze_time_nocheck.txt"
BOOT_R=${BOOT_R:-20}; BOOT_C=2000
start=$(date +%s.%N)
$COFAIL bootstrap "$DIR/m.csv" --replicates $BOOT_C --threads 2 --format json > "$DIR/boot.json"
end=$(date +%s.%N)
echo "$BOOT_C $(echo "$end - $start" | bc -l)" > "$DIR/boot_time.txt"
Rscript Benchmarks/compare_r.R "$DIR" "$BOOT_R"
rm -rf "$DIR"
