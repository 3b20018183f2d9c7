/// Standard deviation with ddof 1 (the bootstrap SE of replicate values, spreads over folds and
/// noise replicates): NaN for fewer than two values.
func sampleStandardDeviation(_ v: [Double]) -> Double {
    let mean = v.reduce(0, +) / Double(v.count)
    return (v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count - 1)).squareRoot()
}
