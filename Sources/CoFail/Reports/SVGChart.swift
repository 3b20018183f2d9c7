import Foundation

/// A small self-contained SVG line chart: series of (x, y) points, optional shaded bands,
/// linear x, linear or log10 y, ticks, legend. Enough for cofail's curves; no dependencies.
public struct SVGChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var color: String
        public var dashed = false
        public init(name: String, points: [(x: Double, y: Double)], color: String, dashed: Bool = false) {
            self.name = name
            self.points = points
            self.color = color
            self.dashed = dashed
        }
    }
    public struct Band: Sendable {
        public var name: String
        public var points: [(x: Double, lo: Double, hi: Double)]
        public var color: String
        public init(name: String, points: [(x: Double, lo: Double, hi: Double)], color: String) {
            self.name = name
            self.points = points
            self.color = color
        }
    }
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var logY: Bool
    public var series: [Series] = []
    public var bands: [Band] = []
    /// Horizontal reference lines (y, label).
    public var references: [(y: Double, label: String)] = []
    /// Vertical reference lines (x, label).
    public var verticals: [(x: Double, label: String)] = []
    /// Points drawn as dots, each with its opacity (a density when binned).
    public var scatter: [(x: Double, y: Double, opacity: Double)] = []
    public var scatterColor = "#2471a3"
    /// Labelled points (single models, a router's operating point).
    public var marks: [(x: Double, y: Double, label: String, color: String)] = []
    /// Vertical intervals (x, lo, hi) with caps, e.g. a held-out accuracy's confidence interval.
    public var intervals: [(x: Double, lo: Double, hi: Double, color: String)] = []
    /// The top of a linear y axis: larger values are drawn at it (a curve that starts far above
    /// the region of interest).
    public var yMax: Double?

    /// A 2-D histogram of many points: one dot per occupied cell of a bins × bins grid, its
    /// opacity proportional to the cell's count.
    public static func binned(_ pts: [(x: Double, y: Double)], bins: Int) -> [(x: Double, y: Double, opacity: Double)] {
        guard let x0 = pts.map(\.x).min(), let x1 = pts.map(\.x).max(), let y0 = pts.map(\.y).min(),
            let y1 = pts.map(\.y).max()
        else {
            return []
        }
        let wx = max(x1 - x0, 1e-12) / Double(bins)
        let wy = max(y1 - y0, 1e-12) / Double(bins)
        var counts: [Int: Int] = [:]
        for p in pts {
            let i = min(bins - 1, Int((p.x - x0) / wx))
            let j = min(bins - 1, Int((p.y - y0) / wy))
            counts[i * bins + j, default: 0] += 1
        }
        let most = Double(counts.values.max() ?? 1)
        return counts.keys.sorted().map { key in
            let i = key / bins
            let j = key % bins
            let o = 0.1 + 0.9 * Double(counts[key]!) / most
            return (x0 + (Double(i) + 0.5) * wx, y0 + (Double(j) + 0.5) * wy, o)
        }
    }

    public init(title: String, xLabel: String, yLabel: String, logY: Bool) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logY = logY
    }

    public func render(width: Double = 720, height: Double = 440) -> String {
        let left = 70.0
        let right = 170.0
        let top = 40.0
        let bottom = 50.0
        let pw = width - left - right
        let ph = height - top - bottom
        let ys =
            series.flatMap { $0.points.map(\.y) } + bands.flatMap { $0.points.flatMap { [$0.lo, $0.hi] } }
            + references.map(\.y) + scatter.map(\.y) + marks.map(\.y) + intervals.flatMap { [$0.lo, $0.hi] }
        let xs =
            series.flatMap { $0.points.map(\.x) } + bands.flatMap { $0.points.map(\.x) } + verticals.map(\.x)
            + scatter.map(\.x) + marks.map(\.x) + intervals.map(\.x)
        let usable = ys.filter { $0.isFinite && (!logY || $0 > 0) }
        var (y0, y1) = (usable.min() ?? 0.1, usable.max() ?? 1)
        var (x0, x1) = (xs.min() ?? 0, xs.max() ?? 1)
        if x0 == x1 {
            x0 -= 1
            x1 += 1
        }
        let xTicks = SVGChart.niceTicks(x0, x1)
        (x0, x1) = (xTicks.first!, xTicks.last!)
        var yTicks: [Double] = []
        if logY {
            y0 = pow(10, floor(log10(y0)))
            y1 = pow(10, ceil(log10(y1)))
            if y0 == y1 { y1 *= 10 }
        } else {
            let pad = (y1 - y0) * 0.05 + (y1 == y0 ? 1 : 0)
            // Shares that reach above ½ (accuracies) keep the probability scale's top at 1.
            let share = y0 >= 0 && y1 > 0.5 && y1 <= 1
            y0 = y0 >= 0 ? 0 : y0 - pad  // counts and other non-negative data start at 0
            y1 = share ? 1 : y1 + pad
            if let yMax, yMax > y0 {
                y1 = min(y1, yMax)
            }
            yTicks = SVGChart.niceTicks(y0, y1)
            (y0, y1) = (yTicks.first!, yTicks.last!)
        }
        func tx(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * pw }
        func ty(_ y: Double) -> Double {
            let v = logY ? (log10(max(y, y0)) - log10(y0)) / (log10(y1) - log10(y0)) : (min(y, y1) - y0) / (y1 - y0)
            return top + (1 - v) * ph
        }
        func f(_ v: Double) -> String { String(format: "%.2f", v) }
        var s =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s +=
            "<text x=\"\(f(left + pw / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">"
            + "\(SVGChart.escape(title))</text>\n"
        // grid and ticks
        if logY {
            var e = Int(log10(y0).rounded())
            let last = Int(log10(y1).rounded())
            while e <= last {
                let y = ty(pow(10, Double(e)))
                s += "<line x1=\"\(f(left))\" x2=\"\(f(left + pw))\" y1=\"\(f(y))\" y2=\"\(f(y))\" stroke=\"#ddd\"/>"
                s += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(SVGChart.decade(e))</text>\n"
                if e < last {
                    for k in 2...9 {
                        let ym = ty(Double(k) * pow(10, Double(e)))
                        s += "<line x1=\"\(f(left - 3))\" x2=\"\(f(left))\" "
                        s += "y1=\"\(f(ym))\" y2=\"\(f(ym))\" stroke=\"#333\"/>"
                    }
                }
                e += 1
            }
        } else {
            let step = yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1
            for v in yTicks {
                let y = ty(v)
                s += "<line x1=\"\(f(left))\" x2=\"\(f(left + pw))\" y1=\"\(f(y))\" y2=\"\(f(y))\" stroke=\"#ddd\"/>"
                s +=
                    "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">"
                    + "\(SVGChart.tickLabel(v, step: step))</text>\n"
            }
        }
        let xStep = xTicks.count > 1 ? xTicks[1] - xTicks[0] : 1
        for v in xTicks {
            let x = tx(v)
            s += "<line x1=\"\(f(x))\" x2=\"\(f(x))\" y1=\"\(f(top + ph))\" y2=\"\(f(top + ph + 4))\" stroke=\"#333\"/>"
            s +=
                "<text x=\"\(f(x))\" y=\"\(f(top + ph + 18))\" text-anchor=\"middle\">"
                + "\(SVGChart.tickLabel(v, step: xStep))</text>\n"
        }
        s +=
            "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(pw))\" height=\"\(f(ph))\" fill=\"none\" "
            + "stroke=\"#333\"/>\n"
        s +=
            "<text x=\"\(f(left + pw / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">"
            + "\(SVGChart.escape(xLabel))</text>\n"
        s +=
            "<text transform=\"translate(18,\(f(top + ph / 2))) rotate(-90)\" "
            + "text-anchor=\"middle\">\(SVGChart.escape(yLabel))</text>\n"
        for b in bands where !b.points.isEmpty {
            let upper = b.points.map { "\(f(tx($0.x))),\(f(ty($0.hi)))" }
            let lower = b.points.reversed().map { "\(f(tx($0.x))),\(f(ty($0.lo)))" }
            s +=
                "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(b.color)\" "
                + "fill-opacity=\"0.2\" stroke=\"none\"/>\n"
        }
        for r in references where r.y.isFinite && (!logY || r.y > 0) {
            s +=
                "<line x1=\"\(f(left))\" x2=\"\(f(left + pw))\" y1=\"\(f(ty(r.y)))\" y2=\"\(f(ty(r.y)))\" "
                + "stroke=\"#888\" stroke-dasharray=\"2,3\"/>"
            s +=
                "<text x=\"\(f(left + pw - 4))\" y=\"\(f(ty(r.y) - 4))\" text-anchor=\"end\" "
                + "fill=\"#666\">\(SVGChart.escape(r.label))</text>\n"
        }
        for (k, v) in verticals.enumerated() where v.x.isFinite {
            s +=
                "<line x1=\"\(f(tx(v.x)))\" x2=\"\(f(tx(v.x)))\" y1=\"\(f(top))\" y2=\"\(f(top + ph))\" "
                + "stroke=\"#c0392b\" stroke-dasharray=\"4,3\"/>"
            s +=
                "<text x=\"\(f(tx(v.x) + 3))\" y=\"\(f(top + 14 + 14 * Double(k)))\" "
                + "fill=\"#c0392b\">\(SVGChart.escape(v.label))</text>\n"
        }
        for p in scatter where p.x.isFinite && p.y.isFinite {
            s +=
                "<circle cx=\"\(f(tx(p.x)))\" cy=\"\(f(ty(p.y)))\" r=\"2.5\" fill=\"\(scatterColor)\" "
                + "fill-opacity=\"\(String(format: "%.2f", p.opacity))\"/>\n"
        }
        for sr in series {
            let pts = sr.points.filter { $0.y.isFinite && (!logY || $0.y > 0) }.map { "\(f(tx($0.x))),\(f(ty($0.y)))" }
            s +=
                "<polyline points=\"\(pts.joined(separator: " "))\" fill=\"none\" stroke=\"\(sr.color)\" "
                + "stroke-width=\"2\"\(sr.dashed ? " stroke-dasharray=\"6,4\"" : "")/>\n"
        }
        for v in intervals where v.x.isFinite && v.lo.isFinite && v.hi.isFinite {
            let (x, lo, hi) = (tx(v.x), ty(v.lo), ty(v.hi))
            s += "<path d=\"M\(f(x)),\(f(lo))V\(f(hi))M\(f(x - 4)),\(f(lo))h8M\(f(x - 4)),\(f(hi))h8\" "
            s += "stroke=\"\(v.color)\" stroke-width=\"1.5\" fill=\"none\"/>\n"
        }
        // Labels keep clear of each other: a label that would overlap one already placed moves down
        // in 11-pixel steps, with a leader line back to its point.
        var placed: [(x0: Double, x1: Double, y: Double)] = []
        for p in marks.sorted(by: { $0.x < $1.x }) where p.x.isFinite && p.y.isFinite {
            let (px, py) = (tx(p.x), ty(p.y))
            s += "<circle cx=\"\(f(px))\" cy=\"\(f(py))\" r=\"4\" fill=\"\(p.color)\" stroke=\"white\"/>"
            guard !p.label.isEmpty else {
                s += "\n"
                continue
            }
            let x0 = px + 6
            let x1 = x0 + 6 * Double(p.label.count)
            var y = py - 6
            while placed.contains(where: { abs($0.y - y) < 11 && $0.x0 < x1 && x0 < $0.x1 }) {
                y += 11
            }
            placed.append((x0, x1, y))
            if y != py - 6 {
                s += "<line x1=\"\(f(px))\" y1=\"\(f(py))\" x2=\"\(f(x0))\" y2=\"\(f(y - 3))\" "
                s += "stroke=\"#999\" stroke-width=\"0.5\"/>"
            }
            s += "<text x=\"\(f(x0))\" y=\"\(f(y))\" font-size=\"10\">\(SVGChart.escape(p.label))</text>\n"
        }
        var ly = top + 10
        for sr in series {
            s +=
                "<line x1=\"\(f(left + pw + 12))\" x2=\"\(f(left + pw + 36))\" y1=\"\(f(ly))\" y2=\"\(f(ly))\" "
                + "stroke=\"\(sr.color)\" stroke-width=\"2\"\(sr.dashed ? " stroke-dasharray=\"6,4\"" : "")/>"
            s += "<text x=\"\(f(left + pw + 42))\" y=\"\(f(ly + 4))\">\(SVGChart.escape(sr.name))</text>\n"
            ly += 20
        }
        for b in bands {
            s +=
                "<rect x=\"\(f(left + pw + 12))\" y=\"\(f(ly - 6))\" width=\"24\" height=\"12\" "
                + "fill=\"\(b.color)\" fill-opacity=\"0.2\"/>"
            s += "<text x=\"\(f(left + pw + 42))\" y=\"\(f(ly + 4))\">\(SVGChart.escape(b.name))</text>\n"
            ly += 20
        }
        return s + "</svg>\n"
    }

    /// Tick positions at 1–2–5 multiples of a power of ten covering [lo, hi] with about `count`
    /// intervals; the first and last ticks are the axis bounds.
    static func niceTicks(_ lo: Double, _ hi: Double, count: Double = 5) -> [Double] {
        guard hi > lo, lo.isFinite, hi.isFinite else {
            return [lo, lo + 1]
        }
        let raw = (hi - lo) / count
        let mag = pow(10, floor(log10(raw)))
        let r = raw / mag
        let step = (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag
        let first = (lo / step).rounded(.down)
        let last = (hi / step).rounded(.up)
        return stride(from: first, through: last, by: 1).map { $0 * step }
    }

    /// A tick label with as many decimals as the step needs (integers on integer steps).
    static func tickLabel(_ v: Double, step: Double) -> String {
        if abs(v) < step * 1e-9 {
            return "0"
        }
        if step >= 1e6 || step < 1e-5 {
            return String(format: "%.3g", v)
        }
        let decimals = max(0, Int(-floor(log10(step) + 1e-9)))
        return String(format: "%.\(decimals)f", v)
    }

    /// Labels of a log axis: 0.001 … 1 … 100000 written out, beyond that 1e±k.
    static func decade(_ e: Int) -> String {
        if e >= 0 && e <= 5 {
            return String(Int(pow(10, Double(e))))
        }
        if e < 0 && e >= -4 {
            return "0." + String(repeating: "0", count: -e - 1) + "1"
        }
        return "1e\(e)"
    }

    /// Charts stacked vertically in one SVG document, each `height` tall.
    public static func stacked(_ charts: [SVGChart], width: Double = 720, height: Double = 440) -> String {
        let panels = charts.enumerated().map {
            (svg: $0.element.render(width: width, height: height), x: 0.0, y: height * Double($0.offset))
        }
        return compose(panels, width: width, height: height * Double(charts.count))
    }

    /// Rendered SVG documents placed at (x, y) inside one document of the given size.
    public static func compose(_ panels: [(svg: String, x: Double, y: Double)], width: Double, height: Double) -> String
    {
        var s =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "viewBox=\"0 0 \(Int(width)) \(Int(height))\">\n"
        for p in panels {
            s += "<svg x=\"\(Int(p.x))\" y=\"\(Int(p.y))\" " + p.svg.dropFirst("<svg ".count)
        }
        return s + "</svg>\n"
    }

    /// Text for SVG markup: &, < and > escaped.
    static func escape(_ t: String) -> String {
        t.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">", with: "&gt;")
    }
}
