import TwinGeometry
#if canImport(Glibc)
import Glibc
#endif

/// An upright box on the floor frame (x, y on the floor, z up): a rectangle turned by `yaw`
/// about the vertical, extruded from `bottom` to `top`. AGV bodies and sketched obstacles are such
/// prisms, and the distance between two of them is exact in closed form.
public struct UprightBox: Sendable, Equatable {
    public let center: SIMD2<Double>
    /// Half extents along the box's own x (its length, along the heading) and y.
    public let halfSize: SIMD2<Double>
    public let yaw: Double
    public let bottom: Double
    public let top: Double
    /// cos and sin of the yaw, computed once: support points are asked for many times per query.
    let cosYaw: Double
    let sinYaw: Double
    /// A convex footprint in the box's own frame (counterclockwise) in place of the rectangle:
    /// the prism then stands on this polygon, turned by the yaw about `center`.
    public let polygon: [SIMD2<Double>]?

    public init(center: SIMD2<Double>, halfSize: SIMD2<Double>, yaw: Double, bottom: Double, top: Double) {
        self.center = center; self.halfSize = halfSize; self.yaw = yaw; self.bottom = bottom; self.top = top
        cosYaw = cos(yaw); sinYaw = sin(yaw)
        polygon = nil
    }

    /// An upright prism on a convex polygon (counterclockwise, in its own frame about `center`).
    public init(center: SIMD2<Double>, polygon: [SIMD2<Double>], yaw: Double, bottom: Double, top: Double) {
        self.center = center; self.yaw = yaw; self.bottom = bottom; self.top = top
        cosYaw = cos(yaw); sinYaw = sin(yaw)
        self.polygon = polygon
        halfSize = SIMD2(polygon.map { abs($0.x) }.max() ?? 0, polygon.map { abs($0.y) }.max() ?? 0)
    }

    public static func == (a: UprightBox, b: UprightBox) -> Bool {
        a.center == b.center && a.halfSize == b.halfSize && a.yaw == b.yaw && a.bottom == b.bottom && a.top == b.top
            && a.polygon == b.polygon
    }

    /// A point of the footprint's own frame in the floor frame.
    @inline(__always)
    func place(_ v: SIMD2<Double>) -> SIMD2<Double> {
        SIMD2(center.x + v.x * cosYaw - v.y * sinYaw, center.y + v.x * sinYaw + v.y * cosYaw)
    }

    /// The axis-aligned bounds in the floor frame, without building the corners.
    @inline(__always)
    public var bounds: (lo: SIMD3<Double>, hi: SIMD3<Double>) {
        if polygon != nil {
            let c = corners
            var lo = SIMD2<Double>(repeating: .infinity), hi = SIMD2<Double>(repeating: -.infinity)
            for p in c { lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) }
            return (SIMD3(lo.x, lo.y, bottom), SIMD3(hi.x, hi.y, top))
        }
        let ex = abs(cosYaw) * halfSize.x + abs(sinYaw) * halfSize.y
        let ey = abs(sinYaw) * halfSize.x + abs(cosYaw) * halfSize.y
        return (SIMD3(center.x - ex, center.y - ey, bottom), SIMD3(center.x + ex, center.y + ey, top))
    }

    /// The four floor corners, counterclockwise.
    public var corners: [SIMD2<Double>] {
        if let polygon { return polygon.map(place) }
        let u = SIMD2(cosYaw, sinYaw), v = SIMD2(-sinYaw, cosYaw)
        let a = u * halfSize.x, b = v * halfSize.y
        return [center - a - b, center + a - b, center + a + b, center - a + b]
    }

    /// The farthest point of the box in direction `d` (for GJK).
    @inline(__always)
    func support(_ d: SIMD3<Double>) -> SIMD3<Double> {
        if let polygon {
            // The vertex farthest along d's floor direction, in the footprint's own frame.
            let du = d.x * cosYaw + d.y * sinYaw, dv = -d.x * sinYaw + d.y * cosYaw
            var best = polygon[0], bestDot = -Double.infinity
            for v in polygon where v.x * du + v.y * dv > bestDot { best = v; bestDot = v.x * du + v.y * dv }
            let p = place(best)
            return SIMD3(p.x, p.y, d.z >= 0 ? top : bottom)
        }
        let c = cosYaw, s = sinYaw
        let du = d.x * c + d.y * s, dv = -d.x * s + d.y * c
        let pu = du >= 0 ? halfSize.x : -halfSize.x, pv = dv >= 0 ? halfSize.y : -halfSize.y
        return SIMD3(center.x + pu * c - pv * s, center.y + pu * s + pv * c, d.z >= 0 ? top : bottom)
    }
}

/// A vertical cylinder: a disc on the floor extruded from `bottom` to `top`.
public struct UprightCylinder: Sendable, Equatable {
    public var center: SIMD2<Double>
    public var radius: Double
    public var bottom: Double
    public var top: Double

    public init(center: SIMD2<Double>, radius: Double, bottom: Double, top: Double) {
        self.center = center; self.radius = radius; self.bottom = bottom; self.top = top
    }
}

/// Exact distances between the upright shapes: a prism's 3D distance is the floor distance and
/// the height gap combined, sqrt(planar^2 + vertical^2), because both extrude straight up.
enum PrismDistance {
    @inline(__always)
    static func gap(_ a0: Double, _ a1: Double, _ b0: Double, _ b1: Double) -> Double {
        max(0, max(b0 - a1, a0 - b1))
    }

    static func distance(_ a: UprightBox, _ b: UprightBox) -> Double {
        let planar = a.polygon == nil && b.polygon == nil ? Planar.rectangleDistance(a, b) : Planar.distance(a.corners, b.corners)
        let vertical = gap(a.bottom, a.top, b.bottom, b.top)
        return (planar * planar + vertical * vertical).squareRoot()
    }

    static func distance(_ a: UprightBox, _ c: UprightCylinder) -> Double {
        let planar = max(0, Planar.distance(point: c.center, toRectangle: a) - c.radius)
        let vertical = gap(a.bottom, a.top, c.bottom, c.top)
        return (planar * planar + vertical * vertical).squareRoot()
    }
}

/// Distances on the floor plane.
enum Planar {
    /// The distance from a point to a rectangle (zero inside).
    static func distance(point p: SIMD2<Double>, toRectangle box: UprightBox) -> Double {
        if box.polygon != nil {
            let corners = box.corners
            return contains(corners, p) ? 0 : distance(point: p, toPolygonEdges: corners)
        }
        let d = p - box.center
        let c = box.cosYaw, s = box.sinYaw
        let local = SIMD2(abs(d.x * c + d.y * s), abs(-d.x * s + d.y * c))
        let outside = pointwiseMax(local - box.halfSize, .zero)
        return (outside.x * outside.x + outside.y * outside.y).squareRoot()
    }

    /// The distance between two rectangles (zero when they overlap or touch), without arrays:
    /// separating axes for the overlap, else the nearest of each one's corners to the other
    /// (two disjoint convex polygons are nearest at a corner of one of them).
    static func rectangleDistance(_ a: UprightBox, _ b: UprightBox) -> Double {
        let ua = SIMD2(a.cosYaw, a.sinYaw), va = SIMD2(-a.sinYaw, a.cosYaw)
        let ub = SIMD2(b.cosYaw, b.sinYaw), vb = SIMD2(-b.sinYaw, b.cosYaw)
        let d = b.center - a.center
        @inline(__always) func dot(_ x: SIMD2<Double>, _ y: SIMD2<Double>) -> Double { x.x * y.x + x.y * y.y }
        @inline(__always) func separated(_ axis: SIMD2<Double>) -> Bool {
            let ra = a.halfSize.x * abs(dot(ua, axis)) + a.halfSize.y * abs(dot(va, axis))
            let rb = b.halfSize.x * abs(dot(ub, axis)) + b.halfSize.y * abs(dot(vb, axis))
            return abs(dot(d, axis)) > ra + rb
        }
        guard separated(ua) || separated(va) || separated(ub) || separated(vb) else { return 0 }
        @inline(__always) func corners(_ sx: Double, _ sy: Double) -> Double {
            min(distance(point: a.center + ua * (sx * a.halfSize.x) + va * (sy * a.halfSize.y), toRectangle: b),
                distance(point: b.center + ub * (sx * b.halfSize.x) + vb * (sy * b.halfSize.y), toRectangle: a))
        }
        return min(min(corners(1, 1), corners(1, -1)), min(corners(-1, 1), corners(-1, -1)))
    }

    /// The distance between two convex polygons given counterclockwise (zero when they overlap).
    static func distance(_ a: [SIMD2<Double>], _ b: [SIMD2<Double>]) -> Double {
        if overlap(a, b) { return 0 }
        var best = Double.infinity
        for p in a { best = min(best, distance(point: p, toPolygonEdges: b)) }
        for p in b { best = min(best, distance(point: p, toPolygonEdges: a)) }
        return best
    }

    static func distance(point p: SIMD2<Double>, toPolygonEdges poly: [SIMD2<Double>]) -> Double {
        var best = Double.infinity
        for i in poly.indices {
            best = min(best, distance(point: p, toSegment: poly[i], poly[(i + 1) % poly.count]))
        }
        return best
    }

    @inline(__always)
    static func distance(point p: SIMD2<Double>, toSegment a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double {
        let d = b - a
        let l2 = d.x * d.x + d.y * d.y
        let t = l2 > 0 ? min(max(((p - a) * d).sum() / l2, 0), 1) : 0
        let q = a + d * t - p
        return (q.x * q.x + q.y * q.y).squareRoot()
    }

    /// Separating-axis test of two convex polygons (touching counts as overlap).
    static func overlap(_ a: [SIMD2<Double>], _ b: [SIMD2<Double>]) -> Bool {
        for poly in [a, b] {
            for i in poly.indices {
                let e = poly[(i + 1) % poly.count] - poly[i]
                let n = SIMD2(-e.y, e.x)
                var minA = Double.infinity, maxA = -Double.infinity, minB = Double.infinity, maxB = -Double.infinity
                for p in a { let v = (p * n).sum(); minA = min(minA, v); maxA = max(maxA, v) }
                for p in b { let v = (p * n).sum(); minB = min(minB, v); maxB = max(maxB, v) }
                if maxA < minB || maxB < minA { return false }
            }
        }
        return true
    }

    /// True when the point lies inside the polygon (even-odd).
    static func contains(_ polygon: [SIMD2<Double>], _ p: SIMD2<Double>) -> Bool {
        var inside = false
        for i in polygon.indices {
            let a = polygon[i], b = polygon[(i + 1) % polygon.count]
            if (a.y > p.y) != (b.y > p.y) && p.x < a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x) { inside.toggle() }
        }
        return inside
    }
}

