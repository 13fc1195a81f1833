#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A 4x4 affine or projective transform in double precision, stored by columns,
/// acting on column vectors (`p' = M * p`), as OpenGL and glTF write them.
public struct Matrix4x4: Hashable, Sendable {
    public var c0: SIMD4<Double>
    public var c1: SIMD4<Double>
    public var c2: SIMD4<Double>
    public var c3: SIMD4<Double>

    @inlinable
    public init(columns c0: SIMD4<Double>, _ c1: SIMD4<Double>, _ c2: SIMD4<Double>, _ c3: SIMD4<Double>) {
        self.c0 = c0; self.c1 = c1; self.c2 = c2; self.c3 = c3
    }

    /// Builds a matrix from 16 values in row-major order (a1 a2 a3 a4, b1 ..., as Assimp stores them).
    @inlinable
    public init(rowMajor m: [Double]) {
        precondition(m.count == 16)
        c0 = SIMD4(m[0], m[4], m[8], m[12])
        c1 = SIMD4(m[1], m[5], m[9], m[13])
        c2 = SIMD4(m[2], m[6], m[10], m[14])
        c3 = SIMD4(m[3], m[7], m[11], m[15])
    }

    public static let identity = Matrix4x4(
        columns: SIMD4(1, 0, 0, 0), SIMD4(0, 1, 0, 0), SIMD4(0, 0, 1, 0), SIMD4(0, 0, 0, 1))

    /// The value in row `row`, column `column`.
    @inlinable
    public subscript(row: Int, column: Int) -> Double {
        switch column {
        case 0: return c0[row]
        case 1: return c1[row]
        case 2: return c2[row]
        default: return c3[row]
        }
    }

    /// The 16 values in column-major order, as glTF's `matrix` property holds them.
    public var columnMajor: [Double] {
        [c0.x, c0.y, c0.z, c0.w, c1.x, c1.y, c1.z, c1.w, c2.x, c2.y, c2.z, c2.w, c3.x, c3.y, c3.z, c3.w]
    }

    @inlinable
    public static func translation(_ t: SIMD3<Double>) -> Matrix4x4 {
        Matrix4x4(columns: SIMD4(1, 0, 0, 0), SIMD4(0, 1, 0, 0), SIMD4(0, 0, 1, 0), SIMD4(t.x, t.y, t.z, 1))
    }

    @inlinable
    public static func scale(_ s: SIMD3<Double>) -> Matrix4x4 {
        Matrix4x4(columns: SIMD4(s.x, 0, 0, 0), SIMD4(0, s.y, 0, 0), SIMD4(0, 0, s.z, 0), SIMD4(0, 0, 0, 1))
    }

    /// Rotation by `angle` radians about the scene's +Y axis (up in glTF); seen from above,
    /// a positive angle turns counterclockwise in the floor frame (VDA 5050's theta).
    @inlinable
    public static func rotationY(_ angle: Double) -> Matrix4x4 {
        let c = cos(angle), s = sin(angle)
        return Matrix4x4(columns: SIMD4(c, 0, -s, 0), SIMD4(0, 1, 0, 0), SIMD4(s, 0, c, 0), SIMD4(0, 0, 0, 1))
    }

    /// Rotation by `angle` radians about the scene's +X axis.
    @inlinable
    public static func rotationX(_ angle: Double) -> Matrix4x4 {
        let c = cos(angle), s = sin(angle)
        return Matrix4x4(columns: SIMD4(1, 0, 0, 0), SIMD4(0, c, s, 0), SIMD4(0, -s, c, 0), SIMD4(0, 0, 0, 1))
    }

    /// Rotation by `angle` radians about the scene's +Z axis.
    @inlinable
    public static func rotationZ(_ angle: Double) -> Matrix4x4 {
        let c = cos(angle), s = sin(angle)
        return Matrix4x4(columns: SIMD4(c, s, 0, 0), SIMD4(-s, c, 0, 0), SIMD4(0, 0, 1, 0), SIMD4(0, 0, 0, 1))
    }

    @inlinable
    public static func * (a: Matrix4x4, b: Matrix4x4) -> Matrix4x4 {
        Matrix4x4(columns: a * b.c0, a * b.c1, a * b.c2, a * b.c3)
    }

    @inlinable
    public static func * (m: Matrix4x4, v: SIMD4<Double>) -> SIMD4<Double> {
        m.c0 * v.x + m.c1 * v.y + m.c2 * v.z + m.c3 * v.w
    }

    /// Transforms a point (w = 1), without the projective divide.
    @inlinable
    public func transformPoint(_ p: SIMD3<Double>) -> SIMD3<Double> {
        let r = c0 * p.x + c1 * p.y + c2 * p.z + c3
        return SIMD3(r.x, r.y, r.z)
    }

    /// Transforms a direction (w = 0): translation does not apply.
    @inlinable
    public func transformDirection(_ d: SIMD3<Double>) -> SIMD3<Double> {
        let r = c0 * d.x + c1 * d.y + c2 * d.z
        return SIMD3(r.x, r.y, r.z)
    }

    /// The translation part (the image of the origin).
    @inlinable
    public var translation: SIMD3<Double> { SIMD3(c3.x, c3.y, c3.z) }

    /// The determinant of the upper-left 3x3 block: negative for a mirroring transform,
    /// which flips the winding of every triangle it carries.
    @inlinable
    public var linearDeterminant: Double {
        let a = SIMD3(c0.x, c0.y, c0.z), b = SIMD3(c1.x, c1.y, c1.z), c = SIMD3(c2.x, c2.y, c2.z)
        return simdDot(a, simdCross(b, c))
    }

    /// True when every entry is finite.
    public var isFinite: Bool {
        for v in [c0, c1, c2, c3] where !(v.x.isFinite && v.y.isFinite && v.z.isFinite && v.w.isFinite) {
            return false
        }
        return true
    }

    /// The inverse transpose of the upper-left 3x3 block, for carrying normals;
    /// nil for a singular matrix.
    public var normalMatrix: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)? {
        let a = SIMD3(c0.x, c0.y, c0.z), b = SIMD3(c1.x, c1.y, c1.z), c = SIMD3(c2.x, c2.y, c2.z)
        let det = simdDot(a, simdCross(b, c))
        guard det != 0, det.isFinite else { return nil }
        // Columns of the inverse transpose are the cross products of the original columns / det.
        return (simdCross(b, c) / det, simdCross(c, a) / det, simdCross(a, b) / det)
    }

    /// The general inverse (Cramer's rule on 2x2 minors); nil when singular.
    public var inverse: Matrix4x4? {
        let m = [c0.x, c0.y, c0.z, c0.w, c1.x, c1.y, c1.z, c1.w, c2.x, c2.y, c2.z, c2.w, c3.x, c3.y, c3.z, c3.w]
        var inv = [Double](repeating: 0, count: 16)
        inv[0] = m[5]*m[10]*m[15] - m[5]*m[11]*m[14] - m[9]*m[6]*m[15] + m[9]*m[7]*m[14] + m[13]*m[6]*m[11] - m[13]*m[7]*m[10]
        inv[4] = -m[4]*m[10]*m[15] + m[4]*m[11]*m[14] + m[8]*m[6]*m[15] - m[8]*m[7]*m[14] - m[12]*m[6]*m[11] + m[12]*m[7]*m[10]
        inv[8] = m[4]*m[9]*m[15] - m[4]*m[11]*m[13] - m[8]*m[5]*m[15] + m[8]*m[7]*m[13] + m[12]*m[5]*m[11] - m[12]*m[7]*m[9]
        inv[12] = -m[4]*m[9]*m[14] + m[4]*m[10]*m[13] + m[8]*m[5]*m[14] - m[8]*m[6]*m[13] - m[12]*m[5]*m[10] + m[12]*m[6]*m[9]
        inv[1] = -m[1]*m[10]*m[15] + m[1]*m[11]*m[14] + m[9]*m[2]*m[15] - m[9]*m[3]*m[14] - m[13]*m[2]*m[11] + m[13]*m[3]*m[10]
        inv[5] = m[0]*m[10]*m[15] - m[0]*m[11]*m[14] - m[8]*m[2]*m[15] + m[8]*m[3]*m[14] + m[12]*m[2]*m[11] - m[12]*m[3]*m[10]
        inv[9] = -m[0]*m[9]*m[15] + m[0]*m[11]*m[13] + m[8]*m[1]*m[15] - m[8]*m[3]*m[13] - m[12]*m[1]*m[11] + m[12]*m[3]*m[9]
        inv[13] = m[0]*m[9]*m[14] - m[0]*m[10]*m[13] - m[8]*m[1]*m[14] + m[8]*m[2]*m[13] + m[12]*m[1]*m[10] - m[12]*m[2]*m[9]
        inv[2] = m[1]*m[6]*m[15] - m[1]*m[7]*m[14] - m[5]*m[2]*m[15] + m[5]*m[3]*m[14] + m[13]*m[2]*m[7] - m[13]*m[3]*m[6]
        inv[6] = -m[0]*m[6]*m[15] + m[0]*m[7]*m[14] + m[4]*m[2]*m[15] - m[4]*m[3]*m[14] - m[12]*m[2]*m[7] + m[12]*m[3]*m[6]
        inv[10] = m[0]*m[5]*m[15] - m[0]*m[7]*m[13] - m[4]*m[1]*m[15] + m[4]*m[3]*m[13] + m[12]*m[1]*m[7] - m[12]*m[3]*m[5]
        inv[14] = -m[0]*m[5]*m[14] + m[0]*m[6]*m[13] + m[4]*m[1]*m[14] - m[4]*m[2]*m[13] - m[12]*m[1]*m[6] + m[12]*m[2]*m[5]
        inv[3] = -m[1]*m[6]*m[11] + m[1]*m[7]*m[10] + m[5]*m[2]*m[11] - m[5]*m[3]*m[10] - m[9]*m[2]*m[7] + m[9]*m[3]*m[6]
        inv[7] = m[0]*m[6]*m[11] - m[0]*m[7]*m[10] - m[4]*m[2]*m[11] + m[4]*m[3]*m[10] + m[8]*m[2]*m[7] - m[8]*m[3]*m[6]
        inv[11] = -m[0]*m[5]*m[11] + m[0]*m[7]*m[9] + m[4]*m[1]*m[11] - m[4]*m[3]*m[9] - m[8]*m[1]*m[7] + m[8]*m[3]*m[5]
        inv[15] = m[0]*m[5]*m[10] - m[0]*m[6]*m[9] - m[4]*m[1]*m[10] + m[4]*m[2]*m[9] + m[8]*m[1]*m[6] - m[8]*m[2]*m[5]
        let det = m[0] * inv[0] + m[1] * inv[4] + m[2] * inv[8] + m[3] * inv[12]
        guard det != 0, det.isFinite else { return nil }
        let r = inv.map { $0 / det }
        return Matrix4x4(columns: SIMD4(r[0], r[1], r[2], r[3]), SIMD4(r[4], r[5], r[6], r[7]),
                         SIMD4(r[8], r[9], r[10], r[11]), SIMD4(r[12], r[13], r[14], r[15]))
    }
}
