// Small vector helpers over the standard library's SIMD types, named so that they do not
// collide with Foundation's or simd's on other platforms.

/// The dot product of two 3-vectors.
@inlinable
public func simdDot<T: BinaryFloatingPoint & SIMDScalar>(_ a: SIMD3<T>, _ b: SIMD3<T>) -> T {
    a.x * b.x + a.y * b.y + a.z * b.z
}

/// The dot product of two 2-vectors.
@inlinable
public func simdDot<T: BinaryFloatingPoint & SIMDScalar>(_ a: SIMD2<T>, _ b: SIMD2<T>) -> T {
    a.x * b.x + a.y * b.y
}

/// The cross product of two 3-vectors (right-handed).
@inlinable
public func simdCross<T: BinaryFloatingPoint & SIMDScalar>(_ a: SIMD3<T>, _ b: SIMD3<T>) -> SIMD3<T> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

/// The Euclidean length of a 3-vector.
@inlinable
public func simdLength<T: BinaryFloatingPoint & SIMDScalar>(_ a: SIMD3<T>) -> T {
    simdDot(a, a).squareRoot()
}

/// The length of a vector on the floor.
@inlinable
public func simdLength<T: BinaryFloatingPoint & SIMDScalar>(_ a: SIMD2<T>) -> T {
    simdDot(a, a).squareRoot()
}

/// The vector scaled to unit length, or zero for a zero vector.
@inlinable
public func simdNormalize<T: BinaryFloatingPoint & SIMDScalar>(_ a: SIMD3<T>) -> SIMD3<T> {
    let l = simdLength(a)
    return l > 0 ? a / l : .zero
}

extension SIMD3 where Scalar: BinaryFloatingPoint {
    /// True when all three components are finite.
    @inlinable
    public var isFinite: Bool { x.isFinite && y.isFinite && z.isFinite }
}

extension SIMD2 where Scalar: BinaryFloatingPoint {
    /// True when both components are finite.
    @inlinable
    public var isFinite: Bool { x.isFinite && y.isFinite }
}
