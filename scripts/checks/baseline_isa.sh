#!/usr/bin/env bash
# The kernels' hot loops are compiled for AVX-512, AVX2+FMA and the x86-64 baseline, and the
# loader picks one per machine (target_clones). The tests exercise the version this machine
# picks; this check builds the baseline version alone (-march=x86-64 -DCF_NO_SIMD_CLONES) and
# compares Φ₂ (one call and batch) and Φ, log Φ with the committed mpmath goldens.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(uname -m)" = x86_64 ] || { echo "baseline_isa: not x86-64, nothing to check"; exit 0; }
CC=${CC:-$(command -v clang || command -v gcc || command -v cc)}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$CC" -O3 -fno-math-errno -std=gnu11 -march=x86-64 -DCF_NO_SIMD_CLONES -I CKernels/include -I CKernels \
  scripts/checks/baseline_isa.c CKernels/*.c -o "$out/isa" -llapacke -lgsl -lopenblas -lm -lpthread
"$out/isa" Tests/CoFailTests/Goldens && echo "baseline_isa: x86-64 baseline kernels agree with the goldens"
