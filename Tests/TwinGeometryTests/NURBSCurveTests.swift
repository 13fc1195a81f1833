import Foundation
import Testing
@testable import TwinGeometry

@Suite("NURBS curves")
struct NURBSCurveTests {
    @Test(arguments: [Double.pi / 2, .pi, -3 * .pi / 2, 2 * .pi])
    func circularArcsLieExactlyOnTheirCircle(sweep: Double) {
        let center = SIMD2<Double>(10, -4), radius = 3.5
        let arc = NURBSCurve.circularArc(center: center, radius: radius, startAngle: 0.4, sweep: sweep)
        for i in 0...200 {
            let p = arc.point(at: Double(i) / 200)
            let d = p - center
            #expect(abs((d.x * d.x + d.y * d.y).squareRoot() - radius) < 1e-12)
        }
        let end = center + radius * SIMD2(cos(0.4 + sweep), sin(0.4 + sweep))
        #expect(abs(arc.endPoint.x - end.x) < 1e-12 && abs(arc.endPoint.y - end.y) < 1e-12)
        #expect(abs(arc.length() - abs(sweep) * radius) < 1e-6)
    }

    @Test func aStraightDegreeOneCurveIsItsChord() throws {
        let line = try NURBSCurve(degree: 1, knots: [0, 0, 1, 1],
                                  controlPoints: [.init(x: 0, y: 0), .init(x: 3, y: 4)])
        #expect(line.point(at: 0.5) == SIMD2(1.5, 2))
        #expect(abs(line.length() - 5) < 1e-9)
        #expect(line.tangent(at: 0.5).x > 0.59 && line.tangent(at: 0.5).x < 0.61)
    }

    @Test func badDefinitionsAreRejectedWithTheirReason() {
        let points: [NURBSCurve.ControlPoint] = [.init(x: 0, y: 0), .init(x: 1, y: 1), .init(x: 2, y: 0)]
        #expect(throws: GeometryError.knotCountMismatch(expected: 6, found: 5)) {
            try NURBSCurve(degree: 2, knots: [0, 0, 0, 1, 1], controlPoints: points)
        }
        #expect(throws: GeometryError.knotsDecreasing(index: 3)) {
            try NURBSCurve(degree: 2, knots: [0, 0, 0.5, 0.2, 1, 1], controlPoints: points)
        }
        #expect(throws: GeometryError.nonPositiveWeight(index: 1)) {
            try NURBSCurve(degree: 2, knots: [0, 0, 0, 1, 1, 1], controlPoints: [points[0], .init(x: 1, y: 1, weight: 0), points[2]])
        }
        #expect(throws: GeometryError.tooFewControlPoints(count: 3, degree: 3)) {
            try NURBSCurve(degree: 3, knots: [0, 0, 0, 0, 1, 1, 1], controlPoints: points)
        }
        #expect(throws: GeometryError.degreeOutOfRange(0)) {
            try NURBSCurve(degree: 0, knots: [0, 1, 1, 1], controlPoints: points)
        }
        #expect(throws: GeometryError.nonFiniteValue) {
            try NURBSCurve(degree: 2, knots: [0, 0, 0, 1, 1, .nan], controlPoints: points)
        }
        #expect(throws: GeometryError.emptyParameterRange) {
            try NURBSCurve(degree: 2, knots: [0, 0, 0, 0, 0, 0], controlPoints: points)
        }
    }
}
