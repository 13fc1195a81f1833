import TwinGeometry

/// Several AGVs on their paths at their speeds and start times: bodies that overlap at the same
/// moment are a conflict; crossing the same spot at different times is none.
public struct FleetCheck: Sendable {
    public struct Member: Sendable {
        public var name: String
        public var body: AGVBody
        public var path: AGVPath
        public var speed: Double
        public var start: Double

        public init(name: String, body: AGVBody, path: AGVPath, speed: Double, start: Double) {
            self.name = name; self.body = body; self.path = path; self.speed = speed; self.start = start
        }

        /// Where it is at time t: standing at its start before it sets off, at its end after arriving.
        func pose(at t: Double) -> Pose2D { path.pose(at: min(max((t - start) * speed, 0), path.length)) }

        var arrival: Double { start + path.length / max(speed, 1e-12) }

        /// How fast any point of its body can move, meters per second.
        var pointSpeed: Double { speed * (1 + body.halfDiagonal * path.maximumCurvature) }
    }

    public struct Conflict: Sendable {
        public var time: Double
        public var agvs: [String]
        public var position: SIMD2<Double>
    }

    public struct Report: Sendable {
        public var conflicts: [Conflict]
        public var minimumSeparation: Double
        public var minimumSeparationTime: Double
    }

    public var members: [Member]

    public init(members: [Member]) { self.members = members }

    public func check() -> Report {
        var conflicts: [Conflict] = []
        var minimum = Double.infinity, minimumTime = 0.0
        let end = members.map(\.arrival).max() ?? 0
        for i in members.indices {
            for j in members.indices where j > i {
                let a = members[i], b = members[j]
                let rate = a.pointSpeed + b.pointSpeed
                func separation(_ t: Double) -> Double {
                    let pa = a.body.box(at: a.pose(at: t)), pb = b.body.box(at: b.pose(at: t))
                    return PrismDistance.distance(pa, pb)
                }
                // Conservative advancement in time to the first overlap.
                var t = 0.0
                var samples: [(Double, Double)] = []
                var hit: Double?
                while true {
                    let d = separation(t)
                    samples.append((t, d))
                    if d <= RouteCheck.contactTolerance { hit = t; break }
                    if t >= end { break }
                    t = min(end, t + max(rate > 0 ? d / rate : end, 1e-9))
                }
                if let hit {
                    let pa = a.pose(at: hit), pb = b.pose(at: hit)
                    conflicts.append(Conflict(time: hit, agvs: [a.name, b.name], position: SIMD2((pa.x + pb.x) / 2, (pa.y + pb.y) / 2)))
                    if 0 < minimum { minimum = 0; minimumTime = hit }
                    continue
                }
                // The smallest separation, by branch and bound over time.
                var best = samples.min { $0.1 < $1.1 }!
                var intervals = Array(zip(samples, samples.dropFirst()))
                while let (x, y) = intervals.popLast() {
                    if (x.1 + y.1 - rate * (y.0 - x.0)) / 2 >= best.1 - 5e-4 || y.0 - x.0 < 1e-7 { continue }
                    let m = (x.0 + y.0) / 2
                    let d = separation(m)
                    if d < best.1 { best = (m, d) }
                    intervals.append((x, (m, d)))
                    intervals.append(((m, d), y))
                }
                if best.1 < minimum { minimum = best.1; minimumTime = best.0 }
            }
        }
        return Report(conflicts: conflicts.sorted { $0.time < $1.time }, minimumSeparation: minimum, minimumSeparationTime: minimumTime)
    }
}
