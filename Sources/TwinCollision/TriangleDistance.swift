import TwinGeometry

/// Exact distances between triangles in space: zero where they touch or cross, else the least of
/// the edge-edge and vertex-face distances (which is where two disjoint triangles come closest).
public enum TriangleDistance {
    /// The distance between triangles (a0, a1, a2) and (b0, b1, b2).
    @inlinable
    public static func between(_ a0: SIMD3<Double>, _ a1: SIMD3<Double>, _ a2: SIMD3<Double>,
                               _ b0: SIMD3<Double>, _ b1: SIMD3<Double>, _ b2: SIMD3<Double>) -> Double {
        // An edge of one through the other: they intersect.
        if segmentCrosses(a0, a1, b0, b1, b2) || segmentCrosses(a1, a2, b0, b1, b2) || segmentCrosses(a2, a0, b0, b1, b2)
            || segmentCrosses(b0, b1, a0, a1, a2) || segmentCrosses(b1, b2, a0, a1, a2) || segmentCrosses(b2, b0, a0, a1, a2) {
            return 0
        }
        // Unrolled: this runs for every pair of nearby triangles and must not allocate.
        var best = segmentSegment(a0, a1, b0, b1)
        best = min(best, segmentSegment(a0, a1, b1, b2)); best = min(best, segmentSegment(a0, a1, b2, b0))
        best = min(best, segmentSegment(a1, a2, b0, b1)); best = min(best, segmentSegment(a1, a2, b1, b2))
        best = min(best, segmentSegment(a1, a2, b2, b0)); best = min(best, segmentSegment(a2, a0, b0, b1))
        best = min(best, segmentSegment(a2, a0, b1, b2)); best = min(best, segmentSegment(a2, a0, b2, b0))
        best = min(best, pointTriangle(a0, b0, b1, b2)); best = min(best, pointTriangle(a1, b0, b1, b2))
        best = min(best, pointTriangle(a2, b0, b1, b2)); best = min(best, pointTriangle(b0, a0, a1, a2))
        best = min(best, pointTriangle(b1, a0, a1, a2)); best = min(best, pointTriangle(b2, a0, a1, a2))
        return best
    }

    /// Whether segment pq passes through triangle abc (Möller–Trumbore on the segment's span).
    @inlinable
    static func segmentCrosses(_ p: SIMD3<Double>, _ q: SIMD3<Double>, _ a: SIMD3<Double>, _ b: SIMD3<Double>, _ c: SIMD3<Double>) -> Bool {
        let d = q - p, e1 = b - a, e2 = c - a
        let h = simdCross(d, e2)
        let det = simdDot(e1, h)
        let scale = simdLength(d) * simdLength(e1) * simdLength(e2)
        guard abs(det) > 1e-12 * max(scale, 1e-300) else { return false }   // parallel: the distances decide
        let f = 1 / det
        let s = p - a
        let u = f * simdDot(s, h)
        guard u >= 0, u <= 1 else { return false }
        let qv = simdCross(s, e1)
        let v = f * simdDot(d, qv)
        guard v >= 0, u + v <= 1 else { return false }
        let t = f * simdDot(e2, qv)
        return t >= 0 && t <= 1
    }

    /// The distance between segments pq and rs (Ericson, Real-Time Collision Detection 5.1.9).
    @inlinable
    public static func segmentSegment(_ p: SIMD3<Double>, _ q: SIMD3<Double>, _ r: SIMD3<Double>, _ s: SIMD3<Double>) -> Double {
        let d1 = q - p, d2 = s - r, w = p - r
        let a = simdDot(d1, d1), e = simdDot(d2, d2), f = simdDot(d2, w)
        var sc = 0.0, tc = 0.0
        if a <= 1e-300 && e <= 1e-300 {
            return simdLength(w)
        } else if a <= 1e-300 {
            tc = min(max(f / e, 0), 1)
        } else {
            let c = simdDot(d1, w)
            if e <= 1e-300 {
                sc = min(max(-c / a, 0), 1)
            } else {
                let b = simdDot(d1, d2)
                let denom = a * e - b * b
                sc = denom > 1e-300 ? min(max((b * f - c * e) / denom, 0), 1) : 0
                tc = (b * sc + f) / e
                if tc < 0 {
                    tc = 0; sc = min(max(-c / a, 0), 1)
                } else if tc > 1 {
                    tc = 1; sc = min(max((b - c) / a, 0), 1)
                }
            }
        }
        return simdLength((p + d1 * sc) - (r + d2 * tc))
    }

    /// The distance from point p to triangle abc (Ericson 5.1.5, by Voronoi regions).
    @inlinable
    public static func pointTriangle(_ p: SIMD3<Double>, _ a: SIMD3<Double>, _ b: SIMD3<Double>, _ c: SIMD3<Double>) -> Double {
        let ab = b - a, ac = c - a, ap = p - a
        let d1 = simdDot(ab, ap), d2 = simdDot(ac, ap)
        if d1 <= 0 && d2 <= 0 { return simdLength(ap) }
        let bp = p - b
        let d3 = simdDot(ab, bp), d4 = simdDot(ac, bp)
        if d3 >= 0 && d4 <= d3 { return simdLength(bp) }
        let vc = d1 * d4 - d3 * d2
        if vc <= 0 && d1 >= 0 && d3 <= 0 {
            let v = d1 / (d1 - d3)
            return simdLength(p - (a + ab * v))
        }
        let cp = p - c
        let d5 = simdDot(ab, cp), d6 = simdDot(ac, cp)
        if d6 >= 0 && d5 <= d6 { return simdLength(cp) }
        let vb = d5 * d2 - d1 * d6
        if vb <= 0 && d2 >= 0 && d6 <= 0 {
            let w = d2 / (d2 - d6)
            return simdLength(p - (a + ac * w))
        }
        let va = d3 * d6 - d5 * d4
        if va <= 0 && (d4 - d3) >= 0 && (d5 - d6) >= 0 {
            let w = (d4 - d3) / ((d4 - d3) + (d5 - d6))
            return simdLength(p - (b + (c - b) * w))
        }
        let denom = 1 / (va + vb + vc)
        let v = vb * denom, w = vc * denom
        return simdLength(p - (a + ab * v + ac * w))
    }
}

extension TriangleBVH {
    /// The distance between the triangles of two trees, or `cutoff` when none are nearer; pairs of
    /// nodes whose boxes lie `cutoff` or more apart are never opened.
    public func distance(to other: TriangleBVH, cutoff: Double = .infinity) -> Double {
        guard triangleCount > 0, other.triangleCount > 0 else { return cutoff }
        var best = cutoff
        var stack: [(Int32, Int32)] = [(0, 0)]
        stack.reserveCapacity(128)
        nodes.withUnsafeBufferPointer { na in
            other.nodes.withUnsafeBufferPointer { nb in
                corners.withUnsafeBufferPointer { ca in
                    other.corners.withUnsafeBufferPointer { cb in
                        while let (i, j) = stack.popLast() {
                            let a = na[Int(i)], b = nb[Int(j)]
                            let gap = pointwiseMax(pointwiseMax(a.lo - b.hi, b.lo - a.hi), .zero)
                            if simdDot(gap, gap) >= best * best { continue }
                            if a.count > 0 && b.count > 0 {
                                for s in Int(a.start)..<Int(a.start + a.count) {
                                    let a0 = ca[3 * s], a1 = ca[3 * s + 1], a2 = ca[3 * s + 2]
                                    let aLo = pointwiseMin(pointwiseMin(a0, a1), a2), aHi = pointwiseMax(pointwiseMax(a0, a1), a2)
                                    for t in Int(b.start)..<Int(b.start + b.count) {
                                        let b0 = cb[3 * t], b1 = cb[3 * t + 1], b2 = cb[3 * t + 2]
                                        // Triangles whose boxes lie apart by the best distance or more cannot improve it
                                        // (long wall triangles make leaf boxes large; this keeps the exact test for near pairs).
                                        let bLo = pointwiseMin(pointwiseMin(b0, b1), b2), bHi = pointwiseMax(pointwiseMax(b0, b1), b2)
                                        let g = pointwiseMax(pointwiseMax(aLo - bHi, bLo - aHi), .zero)
                                        if simdDot(g, g) >= best * best { continue }
                                        let d = TriangleDistance.between(a0, a1, a2, b0, b1, b2)
                                        if d < best { best = d; if best == 0 { return } }
                                    }
                                }
                            } else if b.count > 0 || (a.count == 0 && simdDot(a.hi - a.lo, a.hi - a.lo) >= simdDot(b.hi - b.lo, b.hi - b.lo)) {
                                stack.append((a.start, j)); stack.append((i + 1, j))
                            } else {
                                stack.append((i, b.start)); stack.append((i, j + 1))
                            }
                        }
                    }
                }
            }
        }
        return best
    }
}
