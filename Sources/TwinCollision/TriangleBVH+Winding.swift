#if canImport(Glibc)
import Glibc
#endif

extension TriangleBVH {
    /// The generalized winding number of the triangles around `point` (Jacobson et al., 2013):
    /// the signed solid angle they subtend over 4π. About ±1 inside a closed mesh (the sign
    /// follows the triangles' orientation), 0 outside it; in between for open meshes, so half
    /// is the usual threshold. The point must lie off the surface. Costs one pass over the
    /// triangles: for the rare question whether a part stands inside another.
    public func windingNumber(at point: SIMD3<Double>) -> Double {
        var total = 0.0
        var k = 0
        while k + 2 < corners.count {
            let a = corners[k] - point, b = corners[k + 1] - point, c = corners[k + 2] - point
            k += 3
            let la = (a * a).sum().squareRoot(), lb = (b * b).sum().squareRoot(), lc = (c * c).sum().squareRoot()
            // Van Oosterom and Strackee: tan(Ω/2) = a·(b×c) / (|a||b||c| + (a·b)|c| + (b·c)|a| + (c·a)|b|).
            let cross = SIMD3(b.y * c.z - b.z * c.y, b.z * c.x - b.x * c.z, b.x * c.y - b.y * c.x)
            let numerator = (a * cross).sum()
            let denominator = la * lb * lc + (a * b).sum() * lc + (b * c).sum() * la + (c * a).sum() * lb
            total += 2 * atan2(numerator, denominator)
        }
        return total / (4 * .pi)
    }
}
