/// An axis-aligned box in double precision; `empty` until a point is added.
public struct BoundingBox: Hashable, Sendable {
    public var min: SIMD3<Double>
    public var max: SIMD3<Double>

    @inlinable
    public init(min: SIMD3<Double>, max: SIMD3<Double>) {
        self.min = min
        self.max = max
    }

    /// The box that contains nothing; adding a point makes it that point.
    public static let empty = BoundingBox(min: SIMD3(repeating: .infinity), max: SIMD3(repeating: -.infinity))

    @inlinable
    public var isEmpty: Bool { min.x > max.x || min.y > max.y || min.z > max.z }

    @inlinable
    public var size: SIMD3<Double> { isEmpty ? .zero : max - min }

    @inlinable
    public var center: SIMD3<Double> { (min + max) * 0.5 }

    @inlinable
    public mutating func add(_ p: SIMD3<Double>) {
        min = pointwiseMin(min, p)
        max = pointwiseMax(max, p)
    }

    @inlinable
    public mutating func add(_ box: BoundingBox) {
        guard !box.isEmpty else { return }
        min = pointwiseMin(min, box.min)
        max = pointwiseMax(max, box.max)
    }

    /// The box around this one after a transform (its eight corners carried over).
    public func transformed(by m: Matrix4x4) -> BoundingBox {
        guard !isEmpty else { return self }
        var out = BoundingBox.empty
        for i in 0..<8 {
            let corner = SIMD3(i & 1 == 0 ? min.x : max.x, i & 2 == 0 ? min.y : max.y, i & 4 == 0 ? min.z : max.z)
            out.add(m.transformPoint(corner))
        }
        return out
    }
}
