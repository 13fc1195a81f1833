import TwinGeometry

/// A place an AGV's body occupies for a while, for planning many AGVs at once: turning on the
/// spot at a node (any heading: the disc its body sweeps), or driving part of a path.
public struct Occupancy: Sendable {
    public enum Shape: Sendable {
        /// Standing or turning at a point: the body at every heading.
        case turning(at: SIMD2<Double>)
        /// Driving `path` from parameter `from` to `to`.
        case sweep(path: AGVPath, from: Double, to: Double)
    }

    public var shape: Shape

    public init(_ shape: Shape) { self.shape = shape }
}

/// Which occupancies conflict: two bodies, one in each, could come closer than the margin. The
/// answer is conservative and comes from the bodies themselves, not from hand-drawn envelopes: a
/// sweep is sampled every `step` metres and each sample's error bound (how far the body can move
/// between two samples, `step / 2 · (1 + r · κ)`) is added to the margin; a turn is the disc of the
/// body's farthest corner. A pair the table calls free never comes closer than the margin; the
/// exact fleet check confirms every plan made with it.
public enum OccupancyConflicts {
    /// The poses sampled along one occupancy, as footprint corners, with their error bound.
    struct Samples {
        var corners: [[SIMD2<Double>]] = []
        var centers: [SIMD2<Double>] = []
        var disc: (center: SIMD2<Double>, radius: Double)?
        var slack = 0.0
        var lo = SIMD2<Double>(repeating: .infinity), hi = SIMD2<Double>(repeating: -.infinity)
    }

    /// For each occupancy, the indices of those it conflicts with (itself included), ascending.
    public static func table(_ occupancies: [Occupancy], body: AGVBody, margin: Double, step: Double = 0.1) -> [[Int32]] {
        let radius = body.halfDiagonal
        let samples = occupancies.map { occupancy -> Samples in
            var s = Samples()
            switch occupancy.shape {
            case .turning(let p):
                s.disc = (p, radius)
                s.lo = p - radius; s.hi = p + radius
            case let .sweep(path, from, to):
                let n = max(1, Int(((to - from) / step).rounded(.up)))
                let h = (to - from) / Double(n)
                s.slack = h / 2 * (1 + radius * path.maximumCurvature)
                for k in 0...n {
                    let box = body.box(at: path.pose(at: from + h * Double(k)))
                    let c = box.corners
                    s.corners.append(c)
                    s.centers.append(box.center)
                    for v in c { s.lo = pointwiseMin(s.lo, v); s.hi = pointwiseMax(s.hi, v) }
                }
            }
            return s
        }
        // A grid over the floor for the candidates: cells of a few metres.
        let reach = margin + 2 * (samples.map(\.slack).max() ?? 0)
        let cell = max(2.0, 2 * radius + reach)
        var grid: [SIMD2<Int>: [Int32]] = [:]
        func key(_ p: SIMD2<Double>) -> SIMD2<Int> { SIMD2(Int((p.x / cell).rounded(.down)), Int((p.y / cell).rounded(.down))) }
        for (i, s) in samples.enumerated() {
            let a = key(s.lo - reach), b = key(s.hi + reach)
            for x in a.x...b.x { for y in a.y...b.y { grid[SIMD2(x, y), default: []].append(Int32(i)) } }
        }
        let rows = UncheckedSendable(UnsafeMutableBufferPointer<[Int32]>.allocate(capacity: samples.count))
        rows.value.initialize(repeating: [])
        defer { _ = rows.value.deinitialize(); rows.value.deallocate() }
        let shared = UncheckedSendable((samples, grid))
        parallelFor(samples.count) { i in
            let (samples, grid) = shared.value
            let a = samples[i]
            let lo = key(a.lo - reach), hi = key(a.hi + reach)
            var seen = Set<Int32>()
            var row: [Int32] = []
            for x in lo.x...hi.x {
                for y in lo.y...hi.y {
                    for j in grid[SIMD2(x, y)] ?? [] where seen.insert(j).inserted {
                        let b = samples[Int(j)]
                        if Int(j) == i || conflict(a, b, margin: margin) { row.append(j) }
                    }
                }
            }
            rows.value[i] = row.sorted()
        }
        return Array(rows.value)
    }

    /// Whether two sampled occupancies may come closer than `margin`.
    static func conflict(_ a: Samples, _ b: Samples, margin: Double) -> Bool {
        let limit = margin + a.slack + b.slack
        // Bounding rectangles first.
        let gap = pointwiseMax(pointwiseMax(a.lo - b.hi, b.lo - a.hi), SIMD2(repeating: 0))
        if (gap.x * gap.x + gap.y * gap.y).squareRoot() >= limit { return false }
        switch (a.disc, b.disc) {
        case let (p?, q?):
            let d = p.center - q.center
            return (d.x * d.x + d.y * d.y).squareRoot() - p.radius - q.radius < limit
        case let (p?, nil):
            return discConflict(p, b, limit: limit)
        case let (nil, q?):
            return discConflict(q, a, limit: limit)
        case (nil, nil):
            // Each sample's corners lie within `reach` of its center: pairs whose centers lie
            // farther apart than that cannot conflict; the rest are measured exactly.
            let ra = reachOf(a), rb = reachOf(b)
            for (i, ca) in a.centers.enumerated() {
                for (j, cb) in b.centers.enumerated() {
                    let d = ca - cb
                    if (d.x * d.x + d.y * d.y).squareRoot() - ra - rb >= limit { continue }
                    if Planar.distance(a.corners[i], b.corners[j]) < limit { return true }
                }
            }
            return false
        }
    }

    private static func reachOf(_ s: Samples) -> Double {
        guard let c = s.corners.first, let m = s.centers.first else { return 0 }
        return c.map { v in let d = v - m; return (d.x * d.x + d.y * d.y).squareRoot() }.max() ?? 0
    }

    private static func discConflict(_ p: (center: SIMD2<Double>, radius: Double), _ s: Samples, limit: Double) -> Bool {
        for c in s.corners {
            if Planar.contains(c, p.center) { return true }
            if Planar.distance(point: p.center, toPolygonEdges: c) - p.radius < limit { return true }
        }
        return false
    }
}
