import Testing
@testable import CoFail

/// Chart helpers: tick choice, the heat map's clustering order, and the SVG structure.
@Suite struct ChartTests {
    @Test func ticksAreOneTwoFiveMultiples() {
        #expect(SVGChart.niceTicks(0, 0.83) == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
        #expect(SVGChart.niceTicks(2, 67) == [0, 20, 40, 60, 80])
        #expect(SVGChart.niceTicks(0.0001, 0.00046).map { ($0 * 1e4).rounded() } == [1, 2, 3, 4, 5])
        #expect(SVGChart.tickLabel(20, step: 20) == "20")
        #expect(SVGChart.tickLabel(0.4, step: 0.2) == "0.4")
        #expect(SVGChart.tickLabel(0.0025, step: 0.0005) == "0.0025")
        #expect(SVGChart.decade(-2) == "0.01" && SVGChart.decade(3) == "1000" && SVGChart.decade(-7) == "1e-7")
    }

    @Test func averageLinkageGroupsNearPoints() {
        // Points on a line at 0, 5, 1, 6: the two pairs {0, 1} and {5, 6} merge first.
        let x = [0.0, 5, 1, 6]
        let d = (0..<16).map { abs(x[$0 / 4] - x[$0 % 4]) }
        #expect(Clustering.averageLinkageOrder(distance: d, n: 4) == [0, 2, 1, 3])
        #expect(Clustering.averageLinkageOrder(distance: [0], n: 1) == [0])
    }

    @Test func heatmapHasOneCellPerEntryAndClampsColours() {
        let h = SVGHeatmap(title: "t", labels: ["a", "b"], values: [1, nil, -0.5, 1])
        let svg = h.render()
        #expect(svg.components(separatedBy: "<rect x=").count - 1 >= 4)
        #expect(SVGHeatmap.color(0) == "#ffffff")
        #expect(SVGHeatmap.color(2) == SVGHeatmap.color(1))
    }
}
