import TwinGeometry

/// The Gilbert-Johnson-Keerthi distance between an upright box and a triangle: the length of the
/// shortest vector from the origin to their Minkowski difference, found by growing and shrinking a
/// simplex of at most four support points. Zero when the shapes touch or overlap. No memory is
/// allocated: the simplex lives in four locals.
enum GJK {
    static func distance(_ box: UprightBox, _ a: SIMD3<Double>, _ b: SIMD3<Double>, _ c: SIMD3<Double>) -> Double {
        @inline(__always) func support(_ d: SIMD3<Double>) -> SIMD3<Double> {
            // Box's farthest point along d minus the triangle's farthest along -d.
            let da = simdDot(a, -d), db = simdDot(b, -d), dc = simdDot(c, -d)
            let t = da >= db ? (da >= dc ? a : c) : (db >= dc ? b : c)
            return box.support(d) - t
        }
        var s = Simplex()
        var v = SIMD3(box.center.x, box.center.y, (box.bottom + box.top) / 2) - (a + b + c) / 3
        if simdDot(v, v) == 0 { v = SIMD3(1, 0, 0) }
        s.add(support(-v))
        v = s.p0
        for _ in 0..<96 {
            let vv = simdDot(v, v)
            if vv < 1e-24 { return 0 }
            let w = support(-v)
            // Converged: the new support point does not get closer to the origin than v.
            if vv - simdDot(v, w) <= 1e-12 * vv + 1e-24 { return vv.squareRoot() }
            if s.contains(w) { return vv.squareRoot() }
            s.add(w)
            guard let closest = s.reduceToClosest() else { return 0 }
            v = closest
        }
        return simdLength(v)
    }
}

/// Up to four points of the Minkowski difference, kept as locals.
struct Simplex {
    var p0 = SIMD3<Double>.zero, p1 = SIMD3<Double>.zero, p2 = SIMD3<Double>.zero, p3 = SIMD3<Double>.zero
    var count = 0

    mutating func add(_ p: SIMD3<Double>) {
        switch count {
        case 0: p0 = p
        case 1: p1 = p
        case 2: p2 = p
        default: p3 = p
        }
        count += 1
    }

    func contains(_ p: SIMD3<Double>) -> Bool {
        (count > 0 && p == p0) || (count > 1 && p == p1) || (count > 2 && p == p2) || (count > 3 && p == p3)
    }

    /// Replaces the simplex by the smallest face that holds its point closest to the origin and
    /// returns that point; nil when the origin lies inside the tetrahedron.
    mutating func reduceToClosest() -> SIMD3<Double>? {
        switch count {
        case 1: return p0
        case 2:
            let (q, keepA, keepB) = Simplex.segment(p0, p1)
            if !keepB { count = 1 } else if !keepA { p0 = p1; count = 1 }
            return q
        case 3:
            let (q, kept) = Simplex.triangle(p0, p1, p2)
            apply(kept, from: [p0, p1, p2])
            return q
        default:
            // Tetrahedron: the origin is inside unless it lies beyond one of the faces.
            let faces = [(p0, p1, p2, p3), (p0, p1, p3, p2), (p0, p2, p3, p1), (p1, p2, p3, p0)]
            var best: (SIMD3<Double>, [SIMD3<Double>])?
            var outside = false
            for (a, b, c, d) in faces {
                let n = simdCross(b - a, c - a)
                let sideOrigin = simdDot(-a, n), sideD = simdDot(d - a, n)
                if sideOrigin * sideD < 0 || (sideD == 0) {
                    outside = true
                    let (q, kept) = Simplex.triangle(a, b, c)
                    let points = [a, b, c].enumerated().filter { kept & (1 << $0.offset) != 0 }.map(\.element)
                    if best == nil || simdDot(q, q) < simdDot(best!.0, best!.0) { best = (q, points) }
                }
            }
            guard outside, let (q, points) = best else { return nil }
            count = 0
            for p in points { add(p) }
            return q
        }
    }

    private mutating func apply(_ kept: Int, from points: [SIMD3<Double>]) {
        count = 0
        for (i, p) in points.enumerated() where kept & (1 << i) != 0 { add(p) }
    }

    /// The point of segment ab closest to the origin, and which ends its feature uses.
    static func segment(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> (SIMD3<Double>, Bool, Bool) {
        let ab = b - a
        let l2 = simdDot(ab, ab)
        guard l2 > 0 else { return (a, true, false) }
        let t = -simdDot(a, ab) / l2
        if t <= 0 { return (a, true, false) }
        if t >= 1 { return (b, false, true) }
        return (a + ab * t, true, true)
    }

    /// The point of triangle abc closest to the origin (Ericson, Real-Time Collision Detection,
    /// 5.1.5), and a bit mask of the corners its feature uses.
    static func triangle(_ a: SIMD3<Double>, _ b: SIMD3<Double>, _ c: SIMD3<Double>) -> (SIMD3<Double>, Int) {
        let ab = b - a, ac = c - a, ap = -a
        let d1 = simdDot(ab, ap), d2 = simdDot(ac, ap)
        if d1 <= 0 && d2 <= 0 { return (a, 0b001) }
        let bp = -b
        let d3 = simdDot(ab, bp), d4 = simdDot(ac, bp)
        if d3 >= 0 && d4 <= d3 { return (b, 0b010) }
        let vc = d1 * d4 - d3 * d2
        if vc <= 0 && d1 >= 0 && d3 <= 0 {
            let v = d1 / (d1 - d3)
            return (a + ab * v, 0b011)
        }
        let cp = -c
        let d5 = simdDot(ab, cp), d6 = simdDot(ac, cp)
        if d6 >= 0 && d5 <= d6 { return (c, 0b100) }
        let vb = d5 * d2 - d1 * d6
        if vb <= 0 && d2 >= 0 && d6 <= 0 {
            let w = d2 / (d2 - d6)
            return (a + ac * w, 0b101)
        }
        let va = d3 * d6 - d5 * d4
        if va <= 0 && (d4 - d3) >= 0 && (d5 - d6) >= 0 {
            let w = (d4 - d3) / ((d4 - d3) + (d5 - d6))
            return (b + (c - b) * w, 0b110)
        }
        let denominator = va + vb + vc
        guard denominator != 0 else { return (a, 0b001) }
        let v = vb / denominator, w = vc / denominator
        return (a + ab * v + ac * w, 0b111)
    }
}
