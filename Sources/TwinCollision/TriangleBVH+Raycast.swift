import TwinGeometry

extension TriangleBVH {
    /// How far a ray along the floor runs from `origin` in `direction` (unit, floor x and y) before
    /// it meets a triangle that reaches into the height band `heights`, seen from above; nil when
    /// nothing lies within `maximum`. A point inside a triangle's outline is at distance 0.
    public func floorRay(from origin: SIMD2<Double>, direction: SIMD2<Double>, maximum: Double,
                         heights: ClosedRange<Double>) -> Double? {
        guard triangleCount > 0 else { return nil }
        var best = maximum
        var hit = false
        let end = origin + direction * maximum
        let segLo = pointwiseMin(origin, end), segHi = pointwiseMax(origin, end)
        var stack: [Int32] = [0]
        stack.reserveCapacity(64)
        nodes.withUnsafeBufferPointer { nodes in
            corners.withUnsafeBufferPointer { corners in
                while let i = stack.popLast() {
                    let node = nodes[Int(i)]
                    if node.hi.z < heights.lowerBound || node.lo.z > heights.upperBound { continue }
                    if node.lo.x > segHi.x || node.hi.x < segLo.x || node.lo.y > segHi.y || node.hi.y < segLo.y { continue }
                    if node.count == 0 {
                        stack.append(node.start); stack.append(i + 1)
                        continue
                    }
                    for t in Int(node.start)..<Int(node.start + node.count) {
                        let a = corners[3 * t], b = corners[3 * t + 1], c = corners[3 * t + 2]
                        if max(a.z, b.z, c.z) < heights.lowerBound || min(a.z, b.z, c.z) > heights.upperBound { continue }
                        let p = SIMD2(a.x, a.y), q = SIMD2(b.x, b.y), r = SIMD2(c.x, c.y)
                        if Self.contains(origin, p, q, r) { best = 0; hit = true; return }
                        if let d = Self.rayHits(origin, direction, p, q), d < best { best = d; hit = true }
                        if let d = Self.rayHits(origin, direction, q, r), d < best { best = d; hit = true }
                        if let d = Self.rayHits(origin, direction, r, p), d < best { best = d; hit = true }
                    }
                }
            }
        }
        return hit ? best : nil
    }

    @inline(__always)
    static func cross(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double { a.x * b.y - a.y * b.x }

    /// Whether p lies inside triangle pqr (either winding; a degenerate triangle contains nothing).
    @inline(__always)
    static func contains(_ o: SIMD2<Double>, _ p: SIMD2<Double>, _ q: SIMD2<Double>, _ r: SIMD2<Double>) -> Bool {
        let area = cross(q - p, r - p)
        guard abs(area) > 1e-12 else { return false }
        let s = area > 0 ? 1.0 : -1.0
        return s * cross(q - p, o - p) > 0 && s * cross(r - q, o - q) > 0 && s * cross(p - r, o - r) > 0
    }

    /// Where the ray from o along d meets segment uv, as a distance; nil if it does not.
    @inline(__always)
    static func rayHits(_ o: SIMD2<Double>, _ d: SIMD2<Double>, _ u: SIMD2<Double>, _ v: SIMD2<Double>) -> Double? {
        let e = v - u
        let denom = cross(d, e)
        guard abs(denom) > 1e-15 else { return nil }
        let w = u - o
        let t = cross(w, e) / denom
        let s = cross(w, d) / denom
        guard t >= 0, s >= 0, s <= 1 else { return nil }
        return t
    }
}
