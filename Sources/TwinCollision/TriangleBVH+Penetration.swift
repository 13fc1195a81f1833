import TwinGeometry

extension TriangleDistance {
    /// Whether segment pq passes through triangle abc with both ends more than `tolerance` off the
    /// triangle's plane, on opposite sides: an edge that crosses a face, not one that ends on it or
    /// runs along it (parts that only touch never do this).
    @inlinable
    public static func segmentPierces(_ p: SIMD3<Double>, _ q: SIMD3<Double>, _ a: SIMD3<Double>, _ b: SIMD3<Double>, _ c: SIMD3<Double>,
                                      tolerance: Double) -> Bool {
        let normal = simdCross(b - a, c - a)
        let area2 = simdLength(normal)
        guard area2 > 1e-300 else { return false }
        let n = normal / area2
        let dp = simdDot(p - a, n), dq = simdDot(q - a, n)
        guard (dp > tolerance && dq < -tolerance) || (dp < -tolerance && dq > tolerance) else { return false }
        // Where the segment meets the plane, and whether that point is in the triangle, its
        // edges included: a face split into triangles is pierced on the edges inside it too.
        let x = p + (q - p) * (dp / (dp - dq))
        let slack = -1e-12 * area2
        return simdDot(simdCross(b - a, x - a), normal) >= slack && simdDot(simdCross(c - b, x - b), normal) >= slack
            && simdDot(simdCross(a - c, x - c), normal) >= slack
    }
}

extension TriangleBVH {
    /// Whether the two meshes cross one another by more than `tolerance`: an edge of one pierces a
    /// face of the other with both its ends more than `tolerance` from that face's plane. Meshes
    /// that only touch (conveyor segments end to end, a column against a wall) do not.
    public func interpenetrates(_ other: TriangleBVH, tolerance: Double) -> Bool {
        guard triangleCount > 0, other.triangleCount > 0 else { return false }
        var stack: [(Int32, Int32)] = [(0, 0)]
        stack.reserveCapacity(128)
        var found = false
        nodes.withUnsafeBufferPointer { na in
            other.nodes.withUnsafeBufferPointer { nb in
                corners.withUnsafeBufferPointer { ca in
                    other.corners.withUnsafeBufferPointer { cb in
                        while let (i, j) = stack.popLast() {
                            let a = na[Int(i)], b = nb[Int(j)]
                            // Boxes that do not overlap by more than the tolerance hold no crossing.
                            if any(a.hi .< b.lo + tolerance) || any(b.hi .< a.lo + tolerance) { continue }
                            if a.count > 0 && b.count > 0 {
                                for s in Int(a.start)..<Int(a.start + a.count) {
                                    let a0 = ca[3 * s], a1 = ca[3 * s + 1], a2 = ca[3 * s + 2]
                                    for t in Int(b.start)..<Int(b.start + b.count) {
                                        let b0 = cb[3 * t], b1 = cb[3 * t + 1], b2 = cb[3 * t + 2]
                                        if TriangleDistance.segmentPierces(a0, a1, b0, b1, b2, tolerance: tolerance)
                                            || TriangleDistance.segmentPierces(a1, a2, b0, b1, b2, tolerance: tolerance)
                                            || TriangleDistance.segmentPierces(a2, a0, b0, b1, b2, tolerance: tolerance)
                                            || TriangleDistance.segmentPierces(b0, b1, a0, a1, a2, tolerance: tolerance)
                                            || TriangleDistance.segmentPierces(b1, b2, a0, a1, a2, tolerance: tolerance)
                                            || TriangleDistance.segmentPierces(b2, b0, a0, a1, a2, tolerance: tolerance) {
                                            found = true
                                            return
                                        }
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
        return found
    }
}
