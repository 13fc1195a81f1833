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
    /// Seconds each phase took: the contact pass (advancement), the smallest clearance (branch and
    /// bound), the search for every obstacle within the margin.
    public var seconds = PhaseSeconds()

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
        var minimum: RouteReport.Clearance?
        if let contact {
            minimum = RouteReport.Clearance(distance: 0, s: contact.s, obstacle: contact.obstacle)
        } else if let best = samples.min(by: { $0.d < $1.d }), best.d.isFinite {
            minimum = refineMinimum(path, samples: samples, best: best, queries: &queries)
        }
        let refined = clock.now
        seconds.clearance = (refined - advanced).seconds
        let near = withinMargin(path, queries: &queries)
        seconds.marginSearch = (clock.now - refined).seconds
        var report = RouteReport(length: path.travel, firstContact: contact, minimumClearance: minimum, withinMargin: near, queries: queries)
        report.seconds = seconds
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
        return tree.nearest(to: swept, bodyLo: lo, bodyHi: hi, cutoff: cutoff, in: obstacles).0
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

    /// Every obstacle that comes closer than the margin somewhere along the path: each obstacle on
    /// its own, at poses 0.25 m apart, with the same bound deciding where to look closer. Where the
    /// bounding boxes alone keep an obstacle beyond the margin and the step, their gap stands in for
    /// the exact distance (it is a lower bound, so the search stays exact).
    private func withinMargin(_ path: AGVPath, queries: inout Int) -> [String] {
        let rate = 1 + body.halfDiagonal * path.maximumCurvature
        let step = 0.25
        let count = max(1, Int((path.length / step).rounded(.up)))
        let positions = (0...count).map { path.length * Double($0) / Double(count) }
        let boxes = positions.map { body.box(at: path.pose(at: $0)) }
        let bounds: [(SIMD3<Double>, SIMD3<Double>)] = boxes.map { $0.bounds }
        let far = margin + rate * step
        // Poses in chunks of 32 with their bounding box: a chunk whose box keeps an obstacle
        // beyond `far` certifies every pose in it, and the stretches between, as clear of the margin.
        let chunk = 32
        let chunkBounds: [(SIMD3<Double>, SIMD3<Double>)] = stride(from: 0, to: bounds.count, by: chunk).map { start in
            var lo = bounds[start].0, hi = bounds[start].1
            for k in start..<min(bounds.count, start + chunk) { lo = pointwiseMin(lo, bounds[k].0); hi = pointwiseMax(hi, bounds[k].1) }
            return (lo, hi)
        }
        @inline(__always) func gap(_ lo: SIMD3<Double>, _ hi: SIMD3<Double>, _ o: Obstacle) -> Double {
            ObstacleTree.gapSquared(o.lo, o.hi, lo, hi).squareRoot()
        }
        // Each chunk's stretch, from the last pose before it to the first pose after it, and the
        // box the body sweeps over it where that stretch is one straight piece.
        let chunkSwept: [(UprightBox, SIMD3<Double>, SIMD3<Double>)?] = stride(from: 0, to: positions.count, by: chunk).map { start in
            let from = positions[max(0, start - 1)], to = positions[min(positions.count - 1, start + chunk)]
            guard let box = sweptBox(path, from: from, to: to) else { return nil }
            let (lo, hi) = box.bounds
            return (box, lo, hi)
        }
        var names: [String] = []
        for obstacle in obstacles {
            var nearChunks = chunkBounds.map { gap($0.0, $0.1, obstacle) < far }
            guard nearChunks.contains(true) else { continue }
            // A near chunk on a straight whose swept box keeps the obstacle beyond the margin is
            // clear all through, the stretches to its neighbours included: one query, not 32.
            for c in nearChunks.indices where nearChunks[c] {
                guard let (box, lo, hi) = chunkSwept[c] else { continue }
                queries += 1
                if obstacle.distance(to: box, bodyLo: lo, bodyHi: hi, cutoff: margin) >= margin { nearChunks[c] = false }
            }
            guard nearChunks.contains(true) else { continue }
            var samples: [(Double, Double)] = []
            var found = false
            var lastIndex = -2
            for k in positions.indices {
                // A pose counts when its chunk, or the chunk of a neighbour, is near.
                let c = k / chunk
                guard nearChunks[c] || (k > 0 && nearChunks[(k - 1) / chunk]) || (k + 1 < positions.count && nearChunks[(k + 1) / chunk]) else {
                    continue
                }
                let (lo, hi) = bounds[k]
                let lowerBound = gap(lo, hi, obstacle)
                var d = lowerBound
                if lowerBound < far {
                    d = obstacle.distance(to: boxes[k], bodyLo: lo, bodyHi: hi, cutoff: .infinity)
                    queries += 1
                    if d < margin || d <= Self.contactTolerance { found = true; break }
                }
                // A gap in the indices starts a new run: mark it with an infinite distance pair
                // that the search below skips.
                if lastIndex >= 0 && k != lastIndex + 1 { samples.append((.nan, .infinity)) }
                samples.append((positions[k], d))
                lastIndex = k
            }
            if !found {
                let single = RouteCheck(body: body, margin: margin, obstacles: [obstacle])
                var intervals = Array(zip(samples, samples.dropFirst())).filter { !$0.0.0.isNaN && !$0.1.0.isNaN }
                while let (a, b) = intervals.popLast(), !found {
                    // Within 0.1 mm of the margin counts as not within: the bound cannot do better.
                    let local = self.rate(path, a.0, b.0)
                    if (a.1 + b.1 - local * (b.0 - a.0)) / 2 >= margin - 1e-4 || b.0 - a.0 < 1e-6 { continue }
                    let m = (a.0 + b.0) / 2
                    let d = single.clearance(at: path.pose(at: m)).0
                    queries += 1
                    if d < margin || d <= Self.contactTolerance { found = true }
                    intervals.append((a, (m, d)))
                    intervals.append(((m, d), b))
                }
            }
            if found { names.append(obstacle.name) }
        }
        return names.sorted()
    }
}
