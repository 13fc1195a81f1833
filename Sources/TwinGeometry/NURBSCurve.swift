#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A rational NURBS curve on the floor: the trajectory of a VDA 5050 edge. Control points carry
/// weights, so a circular arc is exact (a rational quadratic). The parameter runs over the knot
/// vector's valid span `[knots[degree], knots[count - degree - 1]]`.
public struct NURBSCurve: Sendable, Hashable {
    /// A control point on the floor with its weight (> 0).
    public struct ControlPoint: Sendable, Hashable {
        public var x: Double
        public var y: Double
        public var weight: Double

        public init(x: Double, y: Double, weight: Double = 1) {
            self.x = x; self.y = y; self.weight = weight
        }
    }


    public let degree: Int
    /// The highest degree accepted: far past any trajectory a vehicle drives (VDA 5050 orders use 2 or 3).
    public static let maximumDegree = 10
    public let knots: [Double]
    public let controlPoints: [ControlPoint]

    /// Checks the definition: degree, counts (knots = control points + degree + 1), a
    /// non-decreasing knot vector with a non-empty span, finite values and positive weights.
    public init(degree: Int, knots: [Double], controlPoints: [ControlPoint]) throws(GeometryError) {
        guard (1...Self.maximumDegree).contains(degree) else { throw .degreeOutOfRange(degree) }
        guard controlPoints.count >= degree + 1 else {
            throw .tooFewControlPoints(count: controlPoints.count, degree: degree)
        }
        let expected = controlPoints.count + degree + 1
        guard knots.count == expected else { throw .knotCountMismatch(expected: expected, found: knots.count) }
        guard knots.allSatisfy(\.isFinite),
              controlPoints.allSatisfy({ $0.x.isFinite && $0.y.isFinite && $0.weight.isFinite })
        else { throw .nonFiniteValue }
        for i in 1..<knots.count where knots[i] < knots[i - 1] { throw .knotsDecreasing(index: i) }
        if let bad = controlPoints.firstIndex(where: { $0.weight <= 0 }) { throw .nonPositiveWeight(index: bad) }
        guard knots[controlPoints.count] > knots[degree] else { throw .emptyParameterRange }
        self.degree = degree
        self.knots = knots
        self.controlPoints = controlPoints
    }

    /// The valid parameter range.
    public var parameterRange: ClosedRange<Double> { knots[degree]...knots[controlPoints.count] }

    /// The point at parameter `u` (clamped to the valid range), by de Boor's algorithm in
    /// homogeneous coordinates.
    public func point(at u: Double) -> SIMD2<Double> {
        let range = parameterRange
        let t = Swift.min(Swift.max(u, range.lowerBound), range.upperBound)
        // The span k with knots[k] <= t < knots[k+1], the last non-empty one at the end.
        var k = degree
        while k < controlPoints.count - 1 && knots[k + 1] <= t { k += 1 }
        var d = [SIMD3<Double>](repeating: .zero, count: degree + 1)
        for j in 0...degree {
            let c = controlPoints[j + k - degree]
            d[j] = SIMD3(c.x * c.weight, c.y * c.weight, c.weight)
        }
        if degree >= 1 {
            for r in 1...degree {
                for j in stride(from: degree, through: r, by: -1) {
                    let i = j + k - degree
                    let denom = knots[i + degree - r + 1] - knots[i]
                    let alpha = denom > 0 ? (t - knots[i]) / denom : 0
                    d[j] = d[j - 1] * (1 - alpha) + d[j] * alpha
                }
            }
        }
        let h = d[degree]
        return SIMD2(h.x / h.z, h.y / h.z)
    }

    /// The curve's start and end points.
    public var startPoint: SIMD2<Double> { point(at: parameterRange.lowerBound) }
    public var endPoint: SIMD2<Double> { point(at: parameterRange.upperBound) }

    /// The unit tangent at `u`, from a central difference (the direction of travel).
    public func tangent(at u: Double) -> SIMD2<Double> {
        let range = parameterRange
        let h = (range.upperBound - range.lowerBound) * 1e-6
        let a = point(at: Swift.max(range.lowerBound, u - h)), b = point(at: Swift.min(range.upperBound, u + h))
        let d = b - a
        let l = (d.x * d.x + d.y * d.y).squareRoot()
        return l > 0 ? d / l : SIMD2(1, 0)
    }

    /// The arc length: sums of chords, doubled in number until two successive sums agree
    /// to `tolerance` meters.
    public func length(tolerance: Double = 1e-7) -> Double {
        var segments = 16
        var previous = chordLength(segments: segments)
        while segments < 1 << 20 {
            segments *= 2
            let next = chordLength(segments: segments)
            if abs(next - previous) < tolerance { return next }
            previous = next
        }
        return previous
    }

    private func chordLength(segments: Int) -> Double {
        let points = self.points(segments: segments)
        var total = 0.0
        for (last, p) in zip(points, points.dropFirst()) {
            let d = p - last
            total += (d.x * d.x + d.y * d.y).squareRoot()
        }
        return total
    }

    /// `segments + 1` points along the curve, evenly spaced in its parameter, ends included (for
    /// drawing it as a polyline).
    public func points(segments: Int) -> [SIMD2<Double>] {
        let range = parameterRange
        return (0...segments).map { i in point(at: range.lowerBound + (range.upperBound - range.lowerBound) * Double(i) / Double(segments)) }
    }

    /// The exact circular arc as a rational quadratic NURBS: center, radius, start angle and
    /// signed sweep (radians, positive counterclockwise), split into pieces of at most 90°.
    public static func circularArc(center: SIMD2<Double>, radius: Double, startAngle: Double, sweep: Double) -> NURBSCurve {
        let pieces = Swift.max(1, Int((abs(sweep) / (Double.pi / 2)).rounded(.up)))
        let step = sweep / Double(pieces)
        let w = cos(step / 2)
        var points: [ControlPoint] = []
        var knots: [Double] = [0, 0, 0]
        for p in 0..<pieces {
            let a0 = startAngle + step * Double(p)
            let a1 = a0 + step
            let mid = a0 + step / 2
            if p == 0 {
                points.append(ControlPoint(x: center.x + radius * cos(a0), y: center.y + radius * sin(a0)))
            }
            let r = radius / w
            points.append(ControlPoint(x: center.x + r * cos(mid), y: center.y + r * sin(mid), weight: w))
            points.append(ControlPoint(x: center.x + radius * cos(a1), y: center.y + radius * sin(a1)))
            if p > 0 { knots.append(contentsOf: [Double(p) / Double(pieces), Double(p) / Double(pieces)]) }
        }
        knots.append(contentsOf: [1, 1, 1])
        // The construction above always satisfies the definition.
        return try! NURBSCurve(degree: 2, knots: knots, controlPoints: points)
    }
}

extension NURBSCurve {
    /// The same curve run backwards (for a two-way edge driven from its end): the control points
    /// reversed and the knot vector mirrored, which keeps the definition valid.
    public func reversed() -> NURBSCurve {
        let first = knots.first!, last = knots.last!
        return try! NURBSCurve(degree: degree, knots: knots.reversed().map { first + last - $0 }, controlPoints: controlPoints.reversed())
    }
}
