#!/usr/bin/env bash
# Builds cofail under AddressSanitizer (with UndefinedBehaviorSanitizer) and ThreadSanitizer and
# runs the engines on small generated matrices: bootstrap with β_full and scan --full on two
# threads, analyze, merge, a resumed checkpoint, route, and a cascade's threaded noise
# replicates; and loads a wide CSV large enough to be read on two threads. Any sanitizer report fails the check.
# The kernels are built for the x86-64 baseline (-DCF_NO_SIMD_CLONES): the resolvers of
# target_clones run before TSan's runtime is ready and crash a TSan binary at load.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
run_engines() {
    local exe=$1 tag=$2
    local m="$work/$tag-m.csv"
    "$exe" simulate matrix --law gaussian --rho 0.4 --error 0.3 --queries 80 --models 12 --seed 3 -o "$m" 2>/dev/null
    "$exe" analyze "$m" --format json --draws 20000 --threads 2 > /dev/null
    # a wide CSV over 1 MiB is read in parts, one per thread
    local w="$work/$tag-wide.csv"
    "$exe" simulate matrix --law gaussian --rho 0.4 --error 0.3 --queries 6000 --models 100 --seed 5 -o "$w" \
        2>/dev/null
    "$exe" certify "$w" --format json > /dev/null
    "$exe" bootstrap "$m" --replicates 6 --stats beta,mean_tetrachoric,beta_full --full-draws 500 --threads 2 \
        --format json > /dev/null
    "$exe" scan "$m" --sizes 4:12:4 --subsets 2 --full --threads 2 --format json > /dev/null
    for i in 0 1; do
        "$exe" scan "$m" --sizes 2:6 --subsets 3 --shard "$i/2" -o "$work/$tag-s$i.units" --threads 2 2>/dev/null
    done
    "$exe" merge "$work/$tag-s0.units" "$work/$tag-s1.units" --format json > /dev/null
    "$exe" bootstrap "$m" --replicates 30 --stats beta,mean_phi --checkpoint "$work/$tag.units" --threads 2 > /dev/null
    "$exe" bootstrap "$m" --replicates 30 --stats beta,mean_phi --checkpoint "$work/$tag.units" --resume \
        --threads 2 > /dev/null
    local c="$work/$tag-c.csv"
    "$exe" simulate matrix --law gaussian --rho 0.3 --error 0.35 --heterogeneous 0.1 --queries 300 --models 3 \
        --seed 4 --confidence-auc 0.7 --output-format long -o "$c" 2>/dev/null
    "$exe" cascade "$c" --cheap model_2 --strong model_0 --noise-seeds 4 --threads 2 --format json > /dev/null
    "$exe" route examples/routing/matrix.csv --folds 3 --routes examples/routing/router.csv --format json > /dev/null
    echo "sanitizers: $tag clean"
}
for san in address thread; do
    extra=()
    # UBSan for the C kernels (Swift traps its own undefined behaviour): compile and link flags
    [ "$san" = address ] && extra=(-Xcc -fsanitize=undefined -Xcc -fno-sanitize-recover=undefined
                                   -Xswiftc -Xclang-linker -Xswiftc -fsanitize=undefined)
    scratch=".build-$san"
    swift build --sanitize="$san" "${extra[@]}" --scratch-path "$scratch" -Xcc -DCF_NO_SIMD_CLONES \
        --product cofail > "$work/build-$san.log" 2>&1 || { tail -30 "$work/build-$san.log"; exit 1; }
    run_engines "$scratch/debug/cofail" "$san"
done
