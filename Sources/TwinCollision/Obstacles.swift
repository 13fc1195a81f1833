import TwinGeometry
#if canImport(Glibc)
import Glibc
#endif

/// Something an AGV must not touch: an upright box or cylinder (sketched in a manifest or given by
/// a case), a triangle mesh (layout geometry), or a keep-out zone (a floor polygon at any height).
public struct Obstacle: Sendable {
    public enum Shape: Sendable {
        case box(UprightBox)
        case cylinder(UprightCylinder)
        case mesh(TriangleBVH)
        case zone([SIMD2<Double>])
    }

    public var name: String
    public var shape: Shape
    /// Floor-frame bounds, for quick rejection.
    let lo: SIMD3<Double>
    let hi: SIMD3<Double>

    public init(name: String, shape: Shape) {
        self.name = name
        self.shape = shape
        switch shape {
        case .box(let b):
            let c = b.corners
            let xs = c.map(\.x), ys = c.map(\.y)
            lo = SIMD3(xs.min()!, ys.min()!, b.bottom); hi = SIMD3(xs.max()!, ys.max()!, b.top)
        case .cylinder(let c):
            lo = SIMD3(c.center.x - c.radius, c.center.y - c.radius, c.bottom)
            hi = SIMD3(c.center.x + c.radius, c.center.y + c.radius, c.top)
        case .mesh(let bvh):
            (lo, hi) = bvh.bounds
        case .zone(let polygon):
            lo = SIMD3(polygon.map(\.x).min() ?? 0, polygon.map(\.y).min() ?? 0, -.infinity)
            hi = SIMD3(polygon.map(\.x).max() ?? 0, polygon.map(\.y).max() ?? 0, .infinity)
        }
    }

    /// The 3D distance from `body` to this obstacle, or `cutoff` when it is certainly farther.
    func distance(to body: UprightBox, bodyLo: SIMD3<Double>, bodyHi: SIMD3<Double>, cutoff: Double) -> Double {
        if ObstacleTree.gapSquared(lo, hi, bodyLo, bodyHi) >= cutoff * cutoff { return cutoff }
        switch shape {
        case .box(let b): return PrismDistance.distance(body, b)
        case .cylinder(let c): return PrismDistance.distance(body, c)
        case .mesh(let bvh): return bvh.distance(to: body, cutoff: cutoff)
        case .zone(let polygon):
            let corners = body.corners
            if corners.contains(where: { Planar.contains(polygon, $0) }) || polygon.contains(where: { Planar.contains(corners, $0) }) {
                return 0
            }
            var best = Double.infinity
            for p in corners { best = min(best, Planar.distance(point: p, toPolygonEdges: polygon)) }
            for p in polygon { best = min(best, Planar.distance(point: p, toPolygonEdges: corners)) }
            return best
        }
    }
}

/// An AGV's body: the footprint rectangle (length along the heading) extruded to its height,
/// centered on the path point, optionally enlarged by a load.
public struct AGVBody: Sendable, Equatable {
    public var length: Double
    public var width: Double
    public var height: Double
    /// Where the footprint's center lies from the path point the AGV turns about: along its
    /// heading, then to its left (zero: it turns about its center).
    public var centerOffset: SIMD2<Double>
    /// A convex footprint polygon instead of the rectangle, counterclockwise, around the turning
    /// point (x along the heading, y to the left).
    public var polygon: [SIMD2<Double>]?

    public init(length: Double, width: Double, height: Double, centerOffset: SIMD2<Double> = .zero) {
        self.length = length; self.width = width; self.height = height; self.centerOffset = centerOffset
        polygon = nil
    }

    /// A body standing on a convex polygon around its turning point.
    public init(polygon: [SIMD2<Double>], height: Double) {
        let xs = polygon.map(\.x), ys = polygon.map(\.y)
        length = (xs.max() ?? 0) - (xs.min() ?? 0)
        width = (ys.max() ?? 0) - (ys.min() ?? 0)
        self.height = height
        centerOffset = .zero
        self.polygon = polygon
    }

    /// The body at `pose` (the pose of the turning point).
    public func box(at pose: Pose2D) -> UprightBox {
        if let polygon {
            return UprightBox(center: SIMD2(pose.x, pose.y), polygon: polygon, yaw: pose.theta, bottom: 0, top: height)
        }
        let c = cos(pose.theta), s = sin(pose.theta)
        let center = SIMD2(pose.x + centerOffset.x * c - centerOffset.y * s, pose.y + centerOffset.x * s + centerOffset.y * c)
        return UprightBox(center: center, halfSize: SIMD2(length / 2, width / 2), yaw: pose.theta, bottom: 0, top: height)
    }

    /// The horizontal distance from the turning point to the farthest corner: how far a point of
    /// the body moves per radian turned.
    public var halfDiagonal: Double {
        if let polygon { return polygon.map { ($0.x * $0.x + $0.y * $0.y).squareRoot() }.max() ?? 0 }
        let x = abs(centerOffset.x) + length / 2, y = abs(centerOffset.y) + width / 2
        return (x * x + y * y).squareRoot()
    }
}

extension Obstacle {
    /// The nearest and farthest any of its points lies from `c` on the floor (horizontally): for
    /// meshes, of their bounding rectangle.
    func radialRange(from c: SIMD2<Double>) -> (inner: Double, outer: Double) {
        /// A rectangle of half sizes `h` about `centre`, turned by (cos, sin): in its own frame
        /// the nearest point is a clamp and the farthest a corner. No arrays: this runs per
        /// obstacle inside a tree query.
        @inline(__always) func rectangle(_ centre: SIMD2<Double>, _ h: SIMD2<Double>, _ cosYaw: Double, _ sinYaw: Double) -> (Double, Double) {
            let d = c - centre
            let local = SIMD2(abs(d.x * cosYaw + d.y * sinYaw), abs(-d.x * sinYaw + d.y * cosYaw))
            let outside = lanewiseMax(local - h, .zero)
            let far = local + h
            return ((outside * outside).sum().squareRoot(), (far * far).sum().squareRoot())
        }
        func polygonRange(_ corners: [SIMD2<Double>]) -> (Double, Double) {
            let inner = Planar.contains(corners, c) ? 0 : Planar.distance(point: c, toPolygonEdges: corners)
            var outer = 0.0
            for p in corners { outer = max(outer, ((p - c) * (p - c)).sum()) }
            return (inner, outer.squareRoot())
        }
        switch shape {
        case .box(let b):
            if b.polygon != nil { return polygonRange(b.corners) }
            return rectangle(b.center, b.halfSize, b.cosYaw, b.sinYaw)
        case .cylinder(let cylinder):
            let d = ((cylinder.center - c) * (cylinder.center - c)).sum().squareRoot()
            return (max(0, d - cylinder.radius), d + cylinder.radius)
        case .mesh:
            let lo2 = SIMD2(lo.x, lo.y), hi2 = SIMD2(hi.x, hi.y)
            return rectangle((lo2 + hi2) / 2, (hi2 - lo2) / 2, 1, 0)
        case .zone(let polygon): return polygonRange(polygon)
        }
    }
}


/// The ring about a centre within which a body turning about it stays, with its height.
struct Ring: Sendable {
    var center: SIMD2<Double>
    var inner: Double
    var outer: Double
    var bottom: Double
    var top: Double

    /// A lower bound of the distance from anything within the ring to `obstacle`.
    func gap(to obstacle: Obstacle) -> Double {
        let (near, far) = obstacle.radialRange(from: center)
        let across = max(near - outer, inner - far, 0)
        let vertical = max(obstacle.lo.z - top, bottom - obstacle.hi.z, 0)
        return (across * across + vertical * vertical).squareRoot()
    }
}
