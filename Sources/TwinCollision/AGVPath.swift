import TwinGeometry
#if canImport(Glibc)
import Glibc
#endif

/// A path on the floor parametrized by arc length s: lines, circular arcs and NURBS curves in
/// sequence. The heading follows the tangent (the direction of travel).
public struct AGVPath: Sendable {
    public enum Segment: Sendable {
        case line(from: SIMD2<Double>, to: SIMD2<Double>)
        /// Center, radius, start angle and signed sweep in radians (positive: counterclockwise).
        case arc(center: SIMD2<Double>, radius: Double, start: Double, sweep: Double)
        case curve(NURBSCurve)
        /// Turning on the spot at a node from one heading to another (radians, shortest way).
        /// It takes no floor distance; in the path's parameter it counts one unit per radian.
        case turn(at: SIMD2<Double>, from: Double, to: Double)
    }

    /// Which way the body points along a segment: along the tangent (plus an offset), or fixed.
    public enum Heading: Sendable, Equatable {
        case tangent(offset: Double)
        case fixed(Double)
    }

    /// A segment with its arc length and, for curves, a table from arc length to parameter.
    struct Piece: Sendable {
        var segment: Segment
        var start: Double
        var length: Double
        /// Largest curvature (1/m) along the piece: how fast the heading can turn per metre.
        var curvature: Double
        /// For curves: arc length at evenly spaced parameters.
        var table: [Double] = []
        var heading: Heading = .tangent(offset: 0)

        var isTurn: Bool { if case .turn = segment { return true } else { return false } }
    }

    let pieces: [Piece]
    /// The segments in order.
    public var segments: [Segment] { pieces.map(\.segment) }
    /// The path's parameter range: floor distance plus one unit per radian turned on the spot.
    public let length: Double
    /// The floor distance driven.
    public let travel: Double
    /// The largest curvature along the whole path.
    public let maximumCurvature: Double

    /// A path of `segments`, each with its heading rule (along the tangent where none is given).
    public init(_ segments: [Segment], headings: [Heading]? = nil) {
        var pieces: [Piece] = []
        var s = 0.0
        var turning = 0.0
        for segment in segments {
            var piece: Piece
            switch segment {
            case let .line(a, b):
                let d = b - a
                piece = Piece(segment: segment, start: s, length: (d.x * d.x + d.y * d.y).squareRoot(), curvature: 0)
            case let .arc(_, radius, _, sweep):
                piece = Piece(segment: segment, start: s, length: abs(sweep) * radius, curvature: 1 / radius)
            case let .turn(_, from, to):
                // One parameter unit per radian: a body point at distance r moves r per unit, which
                // the bound 1 + r * curvature covers with curvature 1.
                piece = Piece(segment: segment, start: s, length: abs(remainder(to - from, 2 * .pi)), curvature: 1)
                turning += piece.length
            case let .curve(curve):
                // Arc length at 4096 parameters, by chords; the curvature bound from the turning
                // of the chords, with room to spare.
                let n = 4096
                let range = curve.parameterRange
                var table = [0.0]
                var last = curve.point(at: range.lowerBound)
                var lastHeading: Double?
                var kappa = 0.0
                for i in 1...n {
                    let p = curve.point(at: range.lowerBound + (range.upperBound - range.lowerBound) * Double(i) / Double(n))
                    let d = p - last
                    let l = (d.x * d.x + d.y * d.y).squareRoot()
                    table.append(table.last! + l)
                    if l > 1e-12 {
                        let heading = atan2(d.y, d.x)
                        if let h = lastHeading {
                            kappa = max(kappa, abs(remainder(heading - h, 2 * .pi)) / l)
                        }
                        lastHeading = heading
                    }
                    last = p
                }
                piece = Piece(segment: segment, start: s, length: table.last!, curvature: kappa * 1.25, table: table)
            }
            if let headings, pieces.count < headings.count {
                piece.heading = headings[pieces.count]
                // A fixed heading does not turn with the path: only translation moves the body.
                if case .fixed = piece.heading, !AGVPath.isTurn(segment) { piece.curvature = 0 }
            }
            pieces.append(piece)
            s += piece.length
        }
        self.pieces = pieces
        length = s
        travel = s - turning
        maximumCurvature = pieces.map(\.curvature).max() ?? 0
    }

    private static func isTurn(_ segment: Segment) -> Bool {
        if case .turn = segment { return true }
        return false
    }

    /// The pose at arc length `s` (clamped to the path): position and heading.
    public func pose(at s: Double) -> Pose2D { poseAndTravelHeading(at: s).pose }

    /// The direction of travel at `s` (radians): the path's tangent, whatever way the body points
    /// (an edge's orientation turns the body, not the way it drives). Nil on a turn on the spot,
    /// where the AGV does not travel.
    public func travelHeading(at s: Double) -> Double? { poseAndTravelHeading(at: s).travelHeading }

    /// The pose at `s` and the direction of travel there, from one evaluation of the path.
    public func poseAndTravelHeading(at s: Double) -> (pose: Pose2D, travelHeading: Double?) {
        let (tangent, piece) = tangentPose(at: s)
        let pose: Pose2D
        switch piece.heading {
        case .tangent(let offset): pose = Pose2D(x: tangent.x, y: tangent.y, theta: tangent.theta + offset)
        case .fixed(let theta): pose = Pose2D(x: tangent.x, y: tangent.y, theta: theta)
        }
        if case .turn = piece.segment { return (pose, nil) }
        return (pose, tangent.theta)
    }

    /// The pose with the heading along the tangent, and the piece it lies on.
    private func tangentPose(at s: Double) -> (Pose2D, Piece) {
        let s = min(max(s, 0), length)
        var index = pieces.count - 1
        while index > 0 && pieces[index].start > s { index -= 1 }
        guard index >= 0 else { return (Pose2D(x: 0, y: 0), pieces[0]) }
        let piece = pieces[index]
        let u = min(max(s - piece.start, 0), piece.length)
        switch piece.segment {
        case let .line(a, b):
            let d = b - a
            let l = max(piece.length, 1e-300)
            let p = a + d * (u / l)
            return (Pose2D(x: p.x, y: p.y, theta: atan2(d.y, d.x)), piece)
        case let .arc(center, radius, start, sweep):
            let direction: Double = sweep >= 0 ? 1 : -1
            let angle = start + direction * u / radius
            return (Pose2D(x: center.x + radius * cos(angle), y: center.y + radius * sin(angle),
                           theta: angle + direction * .pi / 2), piece)
        case let .turn(at, from, to):
            let turn = remainder(to - from, 2 * .pi)
            let f = piece.length > 0 ? u / piece.length : 1
            return (Pose2D(x: at.x, y: at.y, theta: from + turn * f), piece)
        case let .curve(curve):
            let table = piece.table
            // The table's entry at or below u, then linear within the chord.
            var lo = 0, hi = table.count - 1
            while hi - lo > 1 {
                let mid = (lo + hi) / 2
                if table[mid] <= u { lo = mid } else { hi = mid }
            }
            let span = table[hi] - table[lo]
            let f = span > 0 ? (u - table[lo]) / span : 0
            let range = curve.parameterRange
            let t = range.lowerBound + (range.upperBound - range.lowerBound) * (Double(lo) + f) / Double(table.count - 1)
            let p = curve.point(at: t), tangent = curve.tangent(at: t)
            return (Pose2D(x: p.x, y: p.y, theta: atan2(tangent.y, tangent.x)), piece)
        }
    }

    /// The index of the segment that parameter `s` lies on.
    public func segmentIndex(at s: Double) -> Int {
        var index = pieces.count - 1
        while index > 0 && pieces[index].start > s { index -= 1 }
        return max(0, index)
    }

    /// The floor distance driven up to parameter `s` (turns on the spot add nothing).
    public func travel(at s: Double) -> Double {
        var turned = 0.0
        for piece in pieces where piece.start < s {
            if case .turn = piece.segment { turned += min(piece.length, s - piece.start) }
        }
        return s - turned
    }

    /// The last piece that starts at or before `s`, by bisection on the starts.
    @inline(__always)
    func pieceIndex(at s: Double) -> Int {
        var lo = 0, hi = pieces.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if pieces[mid].start <= s { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// The unit direction of the straight piece that holds all of [s0, s1], where the body
    /// translates without turning (a line, with a heading along it or fixed); nil elsewhere.
    func straightDirection(from s0: Double, to s1: Double) -> SIMD2<Double>? {
        let piece = pieces[pieceIndex(at: s0)]
        guard case let .line(a, b) = piece.segment, s1 <= piece.start + piece.length else { return nil }
        let d = b - a
        let n = (d * d).sum().squareRoot()
        return n > 0 ? d / n : nil
    }

    /// The arc piece that holds all of [s0, s1]: its centre and whether the body turns with the
    /// tangent there (else its heading is fixed and it only translates); nil elsewhere.
    func arc(from s0: Double, to s1: Double) -> (center: SIMD2<Double>, turnsWithPath: Bool)? {
        let piece = pieces[pieceIndex(at: s0)]
        guard case let .arc(center, _, _, _) = piece.segment, s1 <= piece.start + piece.length else { return nil }
        if case .fixed = piece.heading { return (center, false) }
        return (center, true)
    }

    /// The largest curvature of the pieces that [s0, s1] touches.
    func curvature(from s0: Double, to s1: Double) -> Double {
        // The first piece that reaches s0, by bisection on the starts; then forward to s1.
        var k = 0.0
        var i = pieceIndex(at: s0)
        while i < pieces.count && pieces[i].start <= s1 {
            k = max(k, pieces[i].curvature)
            i += 1
        }
        return k
    }
}
