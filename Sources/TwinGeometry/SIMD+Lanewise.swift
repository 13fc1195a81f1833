/// Lane-wise minimum and maximum that compile to vector compares and blends. The standard
/// library's `pointwiseMin`/`pointwiseMax` go lane by lane with a branch each (they order NaNs),
/// which costs several times more in the tight loops of tree builds and box-gap tests. A NaN in
/// `b` leaves `a`'s lane as it is.
@inlinable @inline(__always)
public func lanewiseMin<V: SIMD>(_ a: V, _ b: V) -> V where V.Scalar: FloatingPoint {
    a.replacing(with: b, where: b .< a)
}

@inlinable @inline(__always)
public func lanewiseMax<V: SIMD>(_ a: V, _ b: V) -> V where V.Scalar: FloatingPoint {
    a.replacing(with: b, where: b .> a)
}
