import TwinGeometry
#if canImport(Glibc)
import Glibc
#endif

/// What a route check finds: whether the AGV touches anything, where first, the smallest
/// clearance and where, and everything that comes within the margin.
public struct RouteReport: Sendable {
    public struct Contact: Sendable {
        /// Arc length from the route's start, meters.
        public var s: Double
        public var obstacle: String
        public var pose: Pose2D
        /// The index of the path's segment where it happens.
        public var segment: Int = 0
    }

    public struct Clearance: Sendable {
        public var distance: Double
        public var s: Double
        public var obstacle: String
    }

    public var length: Double
    public var firstContact: Contact?
    public var minimumClearance: Clearance?
    /// Obstacles that come closer than the margin somewhere, in order of their names.
    public var withinMargin: [String]
    /// Distance queries made (each against all nearby obstacles).
    public var queries: Int
    /// Of those, how many each phase made.
    public var queriesPerPhase = PhaseQueries()
    /// Seconds each phase took: the contact pass (advancement), the smallest clearance (branch and
    /// bound), the search for every obstacle within the margin.
    public var seconds = PhaseSeconds()

    public struct PhaseQueries: Sendable {
        public var contactPass = 0
        public var clearance = 0
        public var marginSearch = 0
        public init() {}
    }

    public struct PhaseSeconds: Sendable {
        public var contactPass = 0.0
        public var clearance = 0.0
        public var marginSearch = 0.0
        public init() {}
    }

    public var collides: Bool { firstContact != nil }
}

/// The exact, continuous check of one AGV driving a path past obstacles.
///
/// The body moves rigidly along the path; per metre of path, no point of it moves farther than
/// `1 + r * kappa` (r its half-diagonal, kappa the path's curvature). So from a pose at clearance d
/// nothing can be touched within `d / (1 + r * kappa)` metres: conservative advancement, which no
/// thin post can slip through. Contacts are found to within 1e-5 m of clearance; the smallest
/// clearance by branch and bound over the same bound, to 0.9 mm.
public struct RouteCheck: Sendable {
    public var body: AGVBody
    public var margin: Double
    public var obstacles: [Obstacle] { didSet { tree = ObstacleTree(obstacles) } }
    /// The broad phase over `obstacles`, rebuilt when they change.
    private var tree: ObstacleTree

    /// Clearances below this count as contact: a hundredth of a millimetre.
    public static let contactTolerance = 1e-5

    public init(body: AGVBody, margin: Double, obstacles: [Obstacle]) {
        self.body = body; self.margin = margin; self.obstacles = obstacles
        tree = ObstacleTree(obstacles)
    }

    /// A check against obstacles whose broad phase is built already (a plant's, per layout version).
    public init(body: AGVBody, margin: Double, obstacles: ObstacleSet) {
        self.body = body; self.margin = margin; self.obstacles = obstacles.obstacles
        tree = obstacles.tree
    }

    /// The smallest distance from the body at `pose` to any obstacle, and which (its index, or
    /// -1 when none is within `cutoff`).
    public func clearance(at pose: Pose2D, cutoff: Double = .infinity) -> (Double, Int) {
        let box = body.box(at: pose)
        let (lo, hi) = box.bounds
        return tree.nearest(to: box, bodyLo: lo, bodyHi: hi, cutoff: cutoff, in: obstacles)
    }

    /// How fast any point of the body moves per unit of path parameter over [s0, s1]: 1 plus the
    /// half-diagonal times the largest curvature there (straight stretches: 1).
    @inline(__always)
    func rate(_ path: AGVPath, _ s0: Double, _ s1: Double) -> Double {
        1 + body.halfDiagonal * path.curvature(from: s0, to: s1)
    }

    /// A step from `s` that no contact can hide in, given clearance `d` there: the bound over the
    /// pieces within d ahead holds over the (shorter) step.
    @inline(__always)
    func safeStep(_ path: AGVPath, from s: Double, clearance d: Double) -> Double {
        guard d.isFinite else { return path.length }
        return max(d / rate(path, s, s + d), 1e-9)
    }

    /// Only the first contact, by conservative advancement: the answer to "does it fit", and the
    /// counterpart of a collision query per pose.
    public func firstContact(_ path: AGVPath) -> RouteReport.Contact? {
        var ignored: [(s: Double, d: Double, which: Int)]?
        return advance(path, samples: &ignored)
    }

    /// Conservative advancement from the start to the first contact or the end, keeping the
    /// clearances it measured in `samples` when asked.
    private func advance(_ path: AGVPath, samples: inout [(s: Double, d: Double, which: Int)]?) -> RouteReport.Contact? {
        var s = 0.0
        while true {
            let pose = path.pose(at: s)
            let (d, which) = clearance(at: pose)
            samples?.append((s, d, which))
            if d <= Self.contactTolerance {
                return RouteReport.Contact(s: path.travel(at: s), obstacle: which >= 0 ? obstacles[which].name : "", pose: pose,
                                           segment: path.segmentIndex(at: s))
            }
            if s >= path.length { return nil }
            s = min(path.length, s + safeStep(path, from: s, clearance: d))
        }
    }

    public func check(_ path: AGVPath) -> RouteReport {
        let clock = ContinuousClock()
        var seconds = RouteReport.PhaseSeconds()
        let started = clock.now
        // The advancement's samples seed the search for the smallest clearance.
        var recorded: [(s: Double, d: Double, which: Int)]? = []
        let contact = advance(path, samples: &recorded)
        let advanced = clock.now
        seconds.contactPass = (advanced - started).seconds
        let samples = recorded ?? []
        var queries = samples.count
        var perPhase = RouteReport.PhaseQueries()
        perPhase.contactPass = queries
        var minimum: RouteReport.Clearance?
        if let contact {
            minimum = RouteReport.Clearance(distance: 0, s: contact.s, obstacle: contact.obstacle)
        } else if let best = samples.min(by: { $0.d < $1.d }), best.d.isFinite {
            minimum = refineMinimum(path, samples: samples, best: best, queries: &queries)
        }
        let refined = clock.now
        seconds.clearance = (refined - advanced).seconds
        perPhase.clearance = queries - perPhase.contactPass
        let near = withinMargin(path, queries: &queries)
        perPhase.marginSearch = queries - perPhase.contactPass - perPhase.clearance
        seconds.marginSearch = (clock.now - refined).seconds
        var report = RouteReport(length: path.travel, firstContact: contact, minimumClearance: minimum, withinMargin: near, queries: queries)
        report.seconds = seconds
        report.queriesPerPhase = perPhase
        return report
    }

    /// Branch and bound for the smallest clearance: between samples at a and b the clearance is
    /// at least (d(a) + d(b) - rate * (b - a)) / 2; intervals that cannot beat the best by more
    /// than the tolerance are dropped, the others split.
    ///
    /// Where a stretch lies on one straight piece, the body only translates, and the prism it
    /// sweeps is contained in one box (exactly that box when the body points along the line): the
    /// distance from that box to the obstacles bounds the clearance over the whole stretch. So a
    /// plateau of equal minima along a straight (a rack aisle of uprights at one clearance) is
    /// certified by a handful of swept queries, not refined to millimetre steps.
    private func refineMinimum(_ path: AGVPath, samples: [(s: Double, d: Double, which: Int)],
                               best: (s: Double, d: Double, which: Int), queries: inout Int) -> RouteReport.Clearance {
        var best = best
        var intervals: [((s: Double, d: Double, which: Int), (s: Double, d: Double, which: Int))] = []
        // Consecutive samples on one straight piece make one interval: its swept box decides it.
        var k = 0
        while k + 1 < samples.count {
            var j = k + 1
            if path.straightDirection(from: samples[k].s, to: samples[j].s) != nil {
                while j + 1 < samples.count && path.straightDirection(from: samples[k].s, to: samples[j + 1].s) != nil { j += 1 }
            } else if ring(path, from: samples[k].s, to: samples[j].s) != nil {
                // On an arc the body turns with, runs as long as the swept box allows (half a
                // radian): the ring bounds them.
                while j + 1 < samples.count && ring(path, from: samples[k].s, to: samples[j + 1].s) != nil
                        && sweptBox(path, from: samples[k].s, to: samples[j + 1].s) != nil { j += 1 }
            }
            intervals.append((samples[k], samples[j]))
            k = j
        }
        // Just under a millimetre: the reported clearance is a measured one, at most this much above the
        // true minimum. A finer tolerance costs dearly where the body runs parallel to a flat side
        // (the clearance is the same all along, and the bound must certify every stretch of it).
        let tolerance = 9e-4
        while let (a, b) = intervals.popLast() {
            let rate = self.rate(path, a.s, b.s)
            var bound = (a.d + b.d - rate * (b.s - a.s)) / 2
            if bound < best.d - tolerance, let swept = sweptClearance(path, from: a.s, to: b.s, cutoff: best.d) {
                queries += 1
                bound = max(bound, swept)
            }
            if bound >= best.d - tolerance || b.s - a.s < 1e-7 { continue }
            let m = (a.s + b.s) / 2
            // Beyond best + rate * length nothing in this interval can matter: the cutoff stands in
            // for the distance there (a lower bound), and the search prunes sooner.
            let (d, which) = clearance(at: path.pose(at: m), cutoff: best.d + rate * (b.s - a.s))
            queries += 1
            let mid = (s: m, d: d, which: which)
            if d < best.d { best = mid }
            intervals.append((a, mid))
            intervals.append((mid, b))
        }
        return RouteReport.Clearance(distance: best.d, s: path.travel(at: best.s), obstacle: best.which >= 0 ? obstacles[best.which].name : "")
    }

    /// A lower bound of the clearance over [s0, s1] when it lies on one straight or circular
    /// piece (nil elsewhere): the distance to the obstacles of a box holding every pose of the body.
    /// The body at s0 translates by the chord to s1; a box along the line, as long as the chord
    /// plus the body's extent along it and as wide as its extent across, holds what it sweeps (a
    /// polygon footprint stands in its bounding rectangle). Distances past `cutoff` are not needed.
    func sweptClearance(_ path: AGVPath, from s0: Double, to s1: Double, cutoff: Double) -> Double? {
        guard let swept = sweptBox(path, from: s0, to: s1) else { return nil }
        let (lo, hi) = swept.bounds
        if let ring = ring(path, from: s0, to: s1) {
            return tree.lowerBound(sweeping: swept, bodyLo: lo, bodyHi: hi, ring: ring, cutoff: cutoff, in: obstacles)
        }
        return tree.nearest(to: swept, bodyLo: lo, bodyHi: hi, cutoff: cutoff, in: obstacles).0
    }

    /// Over [s0, s1] on one arc the body turns with, it rotates rigidly about the arc's centre:
    /// each of its points keeps its radius, so the body stays within the ring its radii span.
    /// Beside a row of posts at one radius that ring comes as near as the posts ever come, where a
    /// box around the stretch does not. Nil elsewhere.
    func ring(_ path: AGVPath, from s0: Double, to s1: Double) -> Ring? {
        guard let arc = path.arc(from: s0, to: s1), arc.turnsWithPath else { return nil }
        let box = body.box(at: path.pose(at: s0))
        let corners = box.corners
        let c = arc.center
        let inner = Planar.contains(corners, c) ? 0 : Planar.distance(point: c, toPolygonEdges: corners)
        let outer = corners.map { (($0 - c) * ($0 - c)).sum().squareRoot() }.max() ?? 0
        return Ring(center: c, inner: inner, outer: outer, bottom: box.bottom, top: box.top)
    }

    /// The box that holds every pose of the body over [s0, s1] on one straight or circular piece
    /// (see ``sweptClearance(_:from:to:cutoff:)``); nil elsewhere (curves, turns, long arcs).
    func sweptBox(_ path: AGVPath, from s0: Double, to s1: Double) -> UprightBox? {
        if let u = path.straightDirection(from: s0, to: s1) {
            let first = body.box(at: path.pose(at: s0)), last = body.box(at: path.pose(at: s1))
            let direction = atan2(u.y, u.x)
            let c = abs(cos(first.yaw - direction)), sn = abs(sin(first.yaw - direction))
            let alongLine = first.halfSize.x * c + first.halfSize.y * sn
            let across = first.halfSize.x * sn + first.halfSize.y * c
            let chord = last.center - first.center
            let travel = (chord * chord).sum().squareRoot()
            return UprightBox(center: (first.center + last.center) / 2, halfSize: SIMD2(travel / 2 + alongLine, across),
                              yaw: direction, bottom: first.bottom, top: first.top)
        }
        guard let arc = path.arc(from: s0, to: s1) else { return nil }
        // On an arc the body's centre moves on a circle (a rotation about the arc's centre when it
        // turns with the path; a translation along a circle of the arc's radius when its heading is
        // fixed) through an angle `sweep`. Over a minor arc the centres lie between the chord and
        // the chord pushed out by the sagitta; the body's extents along and across the chord are
        // their largest over the yaws it takes.
        let first = body.box(at: path.pose(at: s0)), last = body.box(at: path.pose(at: s1))
        let pivot = arc.turnsWithPath ? arc.center : arc.center + (first.center - SIMD2(path.pose(at: s0).x, path.pose(at: s0).y))
        let a = first.center - pivot, b = last.center - pivot
        let radius = (a * a).sum().squareRoot()
        let sweep = abs(atan2(a.x * b.y - a.y * b.x, (a * b).sum()))
        let chord = b - a
        let length = (chord * chord).sum().squareRoot()
        guard sweep <= 0.5, length > 1e-12, radius > 0 else { return nil }
        let u = chord / length
        var n = SIMD2(-u.y, u.x)
        let middle = (first.center + last.center) / 2
        if ((middle - pivot) * n).sum() < 0 { n = -n }   // outward, away from the pivot
        let sagitta = radius * (1 - cos(sweep / 2))
        let direction = atan2(u.y, u.x)
        // The yaws relative to the chord run from one end's to the other's (one value when fixed).
        let r0 = remainder(first.yaw - direction, 2 * .pi)
        let r1 = r0 + remainder(last.yaw - first.yaw, 2 * .pi)
        let along = Self.largestExtent(first.halfSize.x, first.halfSize.y, from: min(r0, r1), to: max(r0, r1))
        let across = Self.largestExtent(first.halfSize.y, first.halfSize.x, from: min(r0, r1), to: max(r0, r1))
        return UprightBox(center: middle + n * (sagitta / 2), halfSize: SIMD2(length / 2 + along, sagitta / 2 + across),
                          yaw: direction, bottom: first.bottom, top: first.top)
    }

    /// The largest of a|cos φ| + b|sin φ| for φ in [lo, hi]: at an end, or where tan φ = ±b/a.
    static func largestExtent(_ a: Double, _ b: Double, from lo: Double, to hi: Double) -> Double {
        func f(_ phi: Double) -> Double { a * abs(cos(phi)) + b * abs(sin(phi)) }
        var best = max(f(lo), f(hi))
        let peak = atan2(b, a)
        for k in -3...3 {
            for candidate in [peak + Double(k) * .pi, -peak + Double(k) * .pi] where candidate > lo && candidate < hi {
                best = max(best, f(candidate))
            }
        }
        return best
    }

    /// Every obstacle that comes closer than the margin somewhere along the path, by one descent
    /// over stretches of the path that carries, per stretch, the obstacles not yet decided.
    ///
    /// Each piece of the path is cut into stretches of at most 8 m; a stretch gathers from the
    /// tree the obstacles whose boxes lie within the margin of the box that holds every pose of
    /// the body over it (the swept box on straights and arcs; elsewhere the body at the middle
    /// grown by how far any of its points can move in half the stretch). Per obstacle: the exact
    /// distance to that box is a lower bound over the stretch (at or beyond the margin, less 0.1 mm:
    /// not within there); the distance at the middle pose is a measured one (under the margin:
    /// within, and decided for the whole route); otherwise the obstacle goes on to both halves.
    /// So a long run beside a wall at one clearance costs one query, however many poses it spans,
    /// and only stretches near the margin are split.
    private func withinMargin(_ path: AGVPath, queries: inout Int) -> [String] {
        guard !obstacles.isEmpty else { return [] }
        // Lower bounds at or above this count as not within: the bound cannot do better than 0.1 mm.
        let threshold = margin - 1e-4
        @inline(__always) func clearOfMargin(_ lowerBound: Double) -> Bool {
            lowerBound >= threshold && lowerBound > Self.contactTolerance
        }
        var found = [Bool](repeating: false, count: obstacles.count)
        // The obstacles each pending stretch still holds, as ranges of one buffer used as a stack:
        // a stretch's list lies below those of every stretch pushed after it.
        var pending: [Int32] = []
        var stretches: [(s0: Double, s1: Double, start: Int, end: Int)] = []
        let longest = 8.0
        for piece in path.pieces.reversed() {
            let count = max(1, Int((piece.length / longest).rounded(.up)))
            for k in (0..<count).reversed() {
                let s0 = piece.start + piece.length * Double(k) / Double(count)
                let s1 = k + 1 == count ? piece.start + piece.length : piece.start + piece.length * Double(k + 1) / Double(count)
                let (lo, hi) = stretchBox(path, from: s0, to: s1).bounds
                let start = pending.count
                tree.collect(near: lo, hi, within: margin, in: obstacles, into: &pending)
                stretches.append((s0, s1, start, pending.count))
            }
        }
        while let stretch = stretches.popLast() {
            // Lists above this one belong to stretches already done.
            pending.removeLast(pending.count - stretch.end)
            let box = stretchBox(path, from: stretch.s0, to: stretch.s1)
            let (lo, hi) = box.bounds
            let ring = sweptBox(path, from: stretch.s0, to: stretch.s1) != nil ? self.ring(path, from: stretch.s0, to: stretch.s1) : nil
            let length = stretch.s1 - stretch.s0
            let middle = (stretch.s0 + stretch.s1) / 2
            var pose: (box: UprightBox, lo: SIMD3<Double>, hi: SIMD3<Double>)?
            let reach = rate(path, stretch.s0, stretch.s1) * length / 2
            let start = pending.count
            for k in stretch.start..<stretch.end {
                let i = Int(pending[k])
                guard !found[i] else { continue }
                let obstacle = obstacles[i]
                queries += 1
                if let ring, clearOfMargin(ring.gap(to: obstacle)) { continue }
                if clearOfMargin(obstacle.distance(to: box, bodyLo: lo, bodyHi: hi, cutoff: margin)) { continue }
                if pose == nil {
                    let b = body.box(at: path.pose(at: middle))
                    let (blo, bhi) = b.bounds
                    pose = (b, blo, bhi)
                }
                queries += 1
                let d = obstacle.distance(to: pose!.box, bodyLo: pose!.lo, bodyHi: pose!.hi, cutoff: margin)
                if d < margin || d <= Self.contactTolerance { found[i] = true; continue }
                // The middle pose bounds the stretch too: no point moves more than `reach` from it.
                if clearOfMargin(d - reach) || length < 1e-6 { continue }
                pending.append(Int32(i))
            }
            if pending.count > start {
                stretches.append((stretch.s0, middle, start, pending.count))
                stretches.append((middle, stretch.s1, start, pending.count))
            }
        }
        return obstacles.indices.filter { found[$0] }.map { obstacles[$0].name }.sorted()
    }

    /// A box that holds every pose of the body over [s0, s1]: the swept box on one straight or
    /// arc piece, elsewhere the body at the middle grown by the farthest any of its points moves
    /// in half the stretch (the rate times half its length).
    func stretchBox(_ path: AGVPath, from s0: Double, to s1: Double) -> UprightBox {
        if let swept = sweptBox(path, from: s0, to: s1) { return swept }
        let middle = body.box(at: path.pose(at: (s0 + s1) / 2))
        let reach = rate(path, s0, s1) * (s1 - s0) / 2
        return UprightBox(center: middle.center, halfSize: middle.halfSize + reach, yaw: middle.yaw, bottom: middle.bottom, top: middle.top)
    }
}
