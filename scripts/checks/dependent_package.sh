#!/usr/bin/env bash
# A throwaway package depends on CoFail the way other projects would: by a git URL and a version
# (a local clone of this commit, tagged 99.0.0), builds, and calls the public API on the bundled
# matrix (load, certify, analyze). SwiftPM refuses versioned dependencies that use unsafeFlags,
# so this fails if the manifest ever needs them again.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q "$root" "$work/cofail"
git -C "$work/cofail" tag 99.0.0
mkdir -p "$work/app/Sources/app"
cat > "$work/app/Package.swift" <<MANIFEST
// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "app",
    dependencies: [.package(url: "file://$work/cofail", from: "99.0.0")],
    targets: [.executableTarget(name: "app", dependencies: [.product(name: "CoFail", package: "cofail")])]
)
MANIFEST
cat > "$work/app/Sources/app/main.swift" <<'SOURCE'
import CoFail

let raw = try MatrixLoader().load(CommandLine.arguments[1])
let (matrix, _) = try raw.applyCoverage(.complete)
let certificate = try Certificate(matrix)
let analysis = try Analysis(matrix)
let u = analysis.statistics.underpricingTetrachoric.value ?? .nan
print("n=\(matrix.n) m=\(matrix.m) beta=\(certificate.beta) U_tet=\(u)")
SOURCE
swift build --package-path "$work/app" > "$work/build.log" 2>&1 || { tail -30 "$work/build.log"; exit 1; }
out=$("$work/app/.build/debug/app" "$root/examples/zeroeval_math_l5/matrix.csv")
echo "dependent package: $out"
case "$out" in
    *"beta=0.037"*) ;;
    *) echo "dependent package: unexpected output" >&2; exit 1 ;;
esac
