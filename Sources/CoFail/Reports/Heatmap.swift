import Foundation

/// A symmetric matrix drawn as a heat map on a diverging scale from −1 (blue) through 0 (white)
/// to +1 (red); lightness falls with |value|, so the map reads in grey scale too. Undefined
/// cells are grey and hatched by a diagonal mark.
public struct SVGHeatmap: Sendable {
    public var title: String
    public var labels: [String]
    /// Row-major n × n values in [−1, 1]; nil = undefined.
    public var values: [Double?]

    public init(title: String, labels: [String], values: [Double?]) {
        precondition(values.count == labels.count * labels.count)
        self.title = title
        self.labels = labels
        self.values = values
    }

    static func color(_ v: Double) -> String {
        let t = min(1, abs(v))
        // white → red (positive) or white → blue (negative), lightness 100 % → 35 %
        let (r, g, b): (Double, Double, Double) = v >= 0 ? (0.70, 0.09, 0.17) : (0.13, 0.40, 0.67)
        func mix(_ c: Double) -> Int { Int(((1 - t) * 1 + t * c) * 255) }
        return String(format: "#%02x%02x%02x", mix(r), mix(g), mix(b))
    }

    public func render(width: Double = 560, height: Double = 560) -> String {
        let n = labels.count
        let showLabels = n <= 60
        let left = showLabels ? 150.0 : 40.0
        let top = 50.0
        let legend = 60.0
        let side = min(width - left - legend - 10, height - top - 20)
        let cell = side / Double(max(n, 1))
        func f(_ v: Double) -> String { String(format: "%.2f", v) }
        var s =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s +=
            "<text x=\"\(f(left + side / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">"
            + "\(SVGChart.escape(title))</text>\n"
        for i in 0..<n {
            for j in 0..<n {
                let x = left + Double(j) * cell
                let y = top + Double(i) * cell
                if let v = values[i * n + j] {
                    s +=
                        "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(cell))\" height=\"\(f(cell))\" "
                        + "fill=\"\(SVGHeatmap.color(v))\"/>"
                } else {
                    s +=
                        "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(cell))\" height=\"\(f(cell))\" fill=\"#bbb\"/>"
                        + "<line x1=\"\(f(x))\" y1=\"\(f(y + cell))\" x2=\"\(f(x + cell))\" y2=\"\(f(y))\" "
                        + "stroke=\"#777\" stroke-width=\"0.5\"/>"
                }
            }
            s += "\n"
        }
        if showLabels {
            let size = min(11, max(6, cell * 0.8))
            for (i, label) in labels.enumerated() {
                let y = top + (Double(i) + 0.5) * cell + size / 3
                s +=
                    "<text x=\"\(f(left - 4))\" y=\"\(f(y))\" text-anchor=\"end\" font-size=\"\(f(size))\">"
                    + "\(SVGChart.escape(String(label.prefix(22))))</text>\n"
            }
        }
        s += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(side))\" height=\"\(f(side))\" "
        s += "fill=\"none\" stroke=\"#333\"/>\n"
        // colour bar −1 … 1
        let bx = left + side + 20
        let steps = 40
        for k in 0..<steps {
            let v = 1 - 2 * (Double(k) + 0.5) / Double(steps)
            let y = top + Double(k) * side / Double(steps)
            s +=
                "<rect x=\"\(f(bx))\" y=\"\(f(y))\" width=\"14\" height=\"\(f(side / Double(steps) + 0.5))\" "
                + "fill=\"\(SVGHeatmap.color(v))\"/>"
        }
        for (v, label) in [(1.0, "1"), (0.5, "0.5"), (0.0, "0"), (-0.5, "−0.5"), (-1.0, "−1")] {
            let y = top + (1 - v) / 2 * side
            s += "\n<text x=\"\(f(bx + 18))\" y=\"\(f(y + 4))\">\(label)</text>"
        }
        return s + "\n</svg>\n"
    }
}

extension Analysis {
    /// Left: the tetrachoric matrix, models ordered by average-linkage clustering on 1 − r (input
    /// order beyond 400 models); right: the eigenvalues of R_tet before and after the nearest
    /// correlation projection (METHODS §4).
    public func plot(names: [String]) throws -> String {
        let pw = pairwise
        let m = pw.m
        var distance = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            for j in 0..<m where i != j {
                let r = pw.pair(i, j).tetrachoric
                distance[i * m + j] = 1 - (r ?? 0)
            }
        }
        let clustered = m <= 400
        let order = clustered ? Clustering.averageLinkageOrder(distance: distance, n: m) : Array(0..<m)
        var values = [Double?](repeating: nil, count: m * m)
        for (a, i) in order.enumerated() {
            for (b, j) in order.enumerated() {
                values[a * m + b] = i == j ? 1 : pw.pair(i, j).tetrachoric
            }
        }
        let map = SVGHeatmap(
            title: "Tetrachoric r" + (clustered ? " (average-linkage order)" : " (input order)"),
            labels: order.map { names[$0] }, values: values)
        var spectrum = SVGChart(
            title: "Eigenvalues of R_tet, before and after the NCM", xLabel: "rank (ascending)", yLabel: "eigenvalue",
            logY: false)
        if let sp = try FullCopula.spectra(pw) {
            spectrum.series.append(
                .init(
                    name: "R_tet", points: sp.before.enumerated().map { (Double($0.offset + 1), $0.element) },
                    color: "#c0392b"))
            spectrum.series.append(
                .init(
                    name: "nearest correlation",
                    points: sp.after.enumerated().map { (Double($0.offset + 1), $0.element) },
                    color: "#2471a3", dashed: true))
            spectrum.references.append((0, "0"))
        }
        return SVGChart.compose(
            [(map.render(width: 600, height: 600), 0, 0), (spectrum.render(width: 620, height: 600), 600, 0)],
            width: 1220, height: 600)
    }
}
