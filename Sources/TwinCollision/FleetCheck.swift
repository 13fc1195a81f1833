import TwinGeometry

/// Several AGVs on their paths at their speeds and start times: bodies that overlap at the same
/// moment are a conflict; crossing the same spot at different times is none.
public struct FleetCheck: Sendable {
    /// One AGV's drives in time: a leg is a path driven at a speed from a start time; the AGV
    /// stands at the first leg's start before it, drives each leg until the next one begins (or
    /// it arrives, then stands at the leg's end), and the next leg takes over from its own start.
    public struct Member: Sendable {
        public struct Leg: Sendable {
            public private(set) var body: AGVBody
            public private(set) var path: AGVPath
            /// Metres per second along the floor.
            public private(set) var speed: Double
            /// Radians per second where it turns on the spot.
            public private(set) var rotationSpeed: Double
            public var start: Double
            /// When (seconds after `start`) each piece of the path begins, and how fast the path's
            /// parameter runs there (metres per second, or radians per second on turns).
            private let pieceTimes: [Double]
            private let pieceRates: [Double]
            /// How fast any point of its body can move, meters per second.
            let pointSpeed: Double
            /// Seconds from `start` to the end of the path.
            public let duration: Double
            /// A rectangle on the floor that holds the body wherever it is on the path: the
            /// turning point's positions, sampled every `boundsStep` of the path, widened by half
            /// a step and the body's half diagonal.
            let lower: SIMD2<Double>, upper: SIMD2<Double>
            static let boundsStep = 0.25

            /// Where the rotation speed is not known: half a radian per second, a careful AGV's.
            public static let defaultRotationSpeed = 0.5

            public init(body: AGVBody, path: AGVPath, speed: Double, rotationSpeed: Double = Leg.defaultRotationSpeed, start: Double) {
                self.body = body; self.path = path; self.speed = speed; self.rotationSpeed = rotationSpeed; self.start = start
                var times: [Double] = [], rates: [Double] = []
                var t = 0.0, fastest = 0.0
                for piece in path.pieces {
                    let rate = max(piece.isTurn ? rotationSpeed : speed, 1e-12)
                    times.append(t); rates.append(rate)
                    t += piece.length / rate
                    fastest = max(fastest, rate * (1 + body.halfDiagonal * piece.curvature))
                }
                pieceTimes = times; pieceRates = rates
                duration = t
                pointSpeed = fastest
                var lo = SIMD2(Double.infinity, .infinity), hi = -lo
                for piece in path.pieces {
                    let steps = piece.isTurn ? 0 : Int((piece.length / Self.boundsStep).rounded(.up))
                    for k in 0...max(steps, 0) {
                        let p = path.pose(at: piece.start + (steps == 0 ? 0 : piece.length * Double(k) / Double(steps)))
                        let q = SIMD2(p.x, p.y)
                        lo = pointwiseMin(lo, q); hi = pointwiseMax(hi, q)
                    }
                }
                if path.pieces.isEmpty { let p = path.pose(at: 0); lo = SIMD2(p.x, p.y); hi = lo }
                let widen = Self.boundsStep / 2 + body.halfDiagonal
                lower = lo - widen; upper = hi + widen
            }

            /// The floor rectangle that holds the body from t0 to t1: where it stands when it does not move then.
            /// Moving, it is also no farther from where it is at t0 than its turning point drives
            /// from then to t1.
            func bounds(from t0: Double, to t1: Double) -> (SIMD2<Double>, SIMD2<Double>) {
                let p = pose(at: t0)
                let moving = start < t1 && arrival > t0
                let r = body.halfDiagonal + (moving ? speed * (min(t1, arrival) - max(t0, start)) : 0)
                let lo = SIMD2(p.x - r, p.y - r), hi = SIMD2(p.x + r, p.y + r)
                return moving ? (pointwiseMax(lo, lower), pointwiseMin(hi, upper)) : (lo, hi)
            }

            /// Where it is at time t: at its start before it sets off, at its end after arriving.
            func pose(at t: Double) -> Pose2D {
                let local = t - start
                guard local > 0, !pieceTimes.isEmpty else { return path.pose(at: 0) }
                guard local < duration else { return path.pose(at: path.length) }
                // The last piece that begins at or before `local`, by bisection.
                var lo = 0, hi = pieceTimes.count - 1
                while lo < hi {
                    let mid = (lo + hi + 1) / 2
                    if pieceTimes[mid] <= local { lo = mid } else { hi = mid - 1 }
                }
                let piece = path.pieces[lo]
                return path.pose(at: min(piece.start + (local - pieceTimes[lo]) * pieceRates[lo], piece.start + piece.length))
            }

            var arrival: Double { start + duration }
        }

        public var name: String
        /// In the order they start.
        public var legs: [Leg]

        /// The clearance it keeps from other AGVs: a pair closer than the larger of their two
        /// margins is reported.
        public var margin: Double

        /// An AGV that drives one path.
        public init(name: String, body: AGVBody, path: AGVPath, speed: Double, rotationSpeed: Double = Leg.defaultRotationSpeed,
                    start: Double, margin: Double = 0) {
            self.init(name: name, legs: [Leg(body: body, path: path, speed: speed, rotationSpeed: rotationSpeed, start: start)], margin: margin)
        }

        /// An AGV that drives `legs` one after another (sorted by start here).
        public init(name: String, legs: [Leg], margin: Double = 0) {
            self.name = name
            self.legs = legs.sorted { $0.start < $1.start }
            self.margin = margin
        }

        /// The leg that moves the AGV from time t on: the last to have started, else the first.
        func leg(at t: Double) -> Leg {
            // The last leg whose start is at or before t, by bisection (legs are sorted by start).
            var lo = 0, hi = legs.count
            while lo < hi { let mid = (lo + hi) / 2; if legs[mid].start <= t { lo = mid + 1 } else { hi = mid } }
            return legs[max(lo - 1, 0)]
        }

        var arrival: Double { legs.map(\.arrival).max() ?? 0 }
    }

    public struct Conflict: Sendable {
        public var time: Double
        public var agvs: [String]
        public var position: SIMD2<Double>
    }

    /// Two AGVs that do not touch but come closer than their margin.
    public struct Near: Sendable {
        public var agvs: [String]
        public var separation: Double
        public var time: Double
        public var margin: Double
    }

    public struct Report: Sendable {
        public var conflicts: [Conflict]
        public var minimumSeparation: Double
        public var minimumSeparationTime: Double
        /// Pairs within their margin (and not in conflict), by the time they come nearest.
        public var withinMargin: [Near] = []
    }

    public var members: [Member]

    public init(members: [Member]) { self.members = members }

    public func check() -> Report {
        // Most pairs never come near: first every pair is searched only below a cap (above every
        // margin), which lets the broad phase skip nearly every window; the separations found
        // below it are exact. Only where no pair comes below the cap is the search repeated
        // without one, for the exact smallest separation.
        let cap = max(1.0, 2 * (members.map(\.margin).max() ?? 0))
        let capped = check(cap: cap)
        return capped.minimumSeparation < cap ? capped : check(cap: .infinity)
    }

    func check(cap: Double) -> Report {
        let end = members.map(\.arrival).max() ?? 0
        var pairs: [(Int, Int)] = []
        for i in members.indices { for j in members.indices where j > i { pairs.append((i, j)) } }
        // Pairs are independent: checked on all cores, each into its own slot.
        let results = UncheckedSendable(UnsafeMutableBufferPointer<(Conflict?, Double, Double)>.allocate(capacity: pairs.count))
        results.value.initialize(repeating: (nil, .infinity, 0))
        defer { _ = results.value.deinitialize(); results.value.deallocate() }
        let shared = UncheckedSendable((members, pairs))
        parallelFor(pairs.count) { p in
            let (members, pairs) = shared.value
            results.value[p] = Self.check(members[pairs[p].0], members[pairs[p].1], end: end, cap: cap)
        }
        var conflicts: [Conflict] = []
        var near: [Near] = []
        var minimum = Double.infinity, minimumTime = 0.0
        for (p, (i, j)) in pairs.enumerated() {
            let (conflict, separation, time) = results.value[p]
            if let conflict { conflicts.append(conflict) }
            if separation < minimum { minimum = separation; minimumTime = time }
            let margin = max(members[i].margin, members[j].margin)
            if separation > 0 && separation < margin {
                near.append(Near(agvs: [members[i].name, members[j].name], separation: separation, time: time, margin: margin))
            }
        }
        return Report(conflicts: conflicts.sorted { $0.time < $1.time }, minimumSeparation: minimum, minimumSeparationTime: minimumTime,
                      withinMargin: near.sorted { $0.time < $1.time })
    }

    /// One pair: its first contact, and its smallest separation with the time of it where that
    /// lies below `cap` (else `cap` itself: the pair never comes that close).
    static func check(_ a: Member, _ b: Member, end: Double, cap: Double = .infinity) -> (Conflict?, Double, Double) {
        guard !a.legs.isEmpty && !b.legs.isEmpty else { return (nil, .infinity, 0) }
        // Between two leg starts each AGV moves continuously along one leg; a new leg may start
        // elsewhere, so every window is searched on its own, up to its end. Arrivals cut the
        // windows too: where neither moves, one distance answers for the whole window.
        let cuts = (a.legs.dropFirst().map(\.start) + b.legs.dropFirst().map(\.start) + a.legs.map(\.arrival) + b.legs.map(\.arrival))
        let starts = Set(cuts).filter { $0 > 0 && $0 < end }.sorted()
        var windows: [(Double, Double)] = []
        var from = 0.0
        for t in starts { windows.append((from, t)); from = t }
        windows.append((from, max(from, end)))
        var pairBest = (cap, 0.0)
        for (t0, t1) in windows {
            let legA = a.leg(at: t0), legB = b.leg(at: t0)
            // Broad phase: rectangles that hold each body for the whole window and lie farther
            // apart than the pair's smallest separation so far can neither touch nor come closer.
            let (la, ua) = legA.bounds(from: t0, to: t1), (lb, ub) = legB.bounds(from: t0, to: t1)
            let gap = pointwiseMax(pointwiseMax(lb - ua, la - ub), .zero)
            if (gap * gap).sum() > pairBest.0 * pairBest.0 { continue }
            if let hit = firstContact(legA, legB, from: t0, to: t1, best: &pairBest) {
                let pa = legA.pose(at: hit), pb = legB.pose(at: hit)
                return (Conflict(time: hit, agvs: [a.name, b.name], position: SIMD2((pa.x + pb.x) / 2, (pa.y + pb.y) / 2)), 0, hit)
            }
        }
        return (nil, pairBest.0, pairBest.1)
    }

    /// Two legs from t0 to t1: the first moment their bodies touch, or nil with the smallest
    /// separation of the window folded into `best` (time of it beside).
    static func firstContact(_ a: Member.Leg, _ b: Member.Leg, from t0: Double, to t1: Double, best: inout (Double, Double)) -> Double? {
        // Only a leg under way in the window moves its body.
        func moving(_ l: Member.Leg) -> Bool { l.start < t1 && l.arrival > t0 }
        let rate = (moving(a) ? a.pointSpeed : 0) + (moving(b) ? b.pointSpeed : 0)
        func separation(_ t: Double) -> Double {
            PrismDistance.distance(a.body.box(at: a.pose(at: t)), b.body.box(at: b.pose(at: t)))
        }
        // Conservative advancement in time to the first overlap.
        var t = t0
        var samples: [(Double, Double)] = []
        while true {
            let d = separation(t)
            samples.append((t, d))
            if d <= RouteCheck.contactTolerance { return t }
            if t >= t1 { break }
            t = min(t1, t + max(rate > 0 ? d / rate : t1 - t0, 1e-9))
        }
        // The smallest separation, by branch and bound over time.
        var windowBest = samples.min { $0.1 < $1.1 }!
        var intervals = Array(zip(samples, samples.dropFirst()))
        while let (x, y) = intervals.popLast() {
            if (x.1 + y.1 - rate * (y.0 - x.0)) / 2 >= min(windowBest.1, best.0) - 5e-4 || y.0 - x.0 < 1e-7 { continue }
            let m = (x.0 + y.0) / 2
            let d = separation(m)
            if d < windowBest.1 { windowBest = (m, d) }
            intervals.append((x, (m, d)))
            intervals.append(((m, d), y))
        }
        if windowBest.1 < best.0 { best = (windowBest.1, windowBest.0) }
        return nil
    }
}
