/// An indexed triangle mesh in single precision, as a struct of arrays: positions and normals
/// per vertex, three indices per triangle. Single precision is ample for a part in its own
/// frame; placement transforms stay in double precision until the scene is flattened.
public struct TriangleMesh: Sendable, Equatable {
    public var positions: [SIMD3<Float>]
    public var normals: [SIMD3<Float>]
    public var indices: [UInt32]

    public init(positions: [SIMD3<Float>] = [], normals: [SIMD3<Float>] = [], indices: [UInt32] = []) {
        self.positions = positions
        self.normals = normals
        self.indices = indices
    }

    @inlinable
    public var triangleCount: Int { indices.count / 3 }

    @inlinable
    public var vertexCount: Int { positions.count }

    /// The bounds of the positions that the triangles use.
    public var bounds: BoundingBox {
        var lo = SIMD3<Float>(repeating: .infinity), hi = SIMD3<Float>(repeating: -.infinity)
        positions.withUnsafeBufferPointer { p in
            for v in p {
                lo = pointwiseMin(lo, v)
                hi = pointwiseMax(hi, v)
            }
        }
        if lo.x > hi.x { return .empty }
        return BoundingBox(min: SIMD3<Double>(lo), max: SIMD3<Double>(hi))
    }

    /// Replaces the normals with area-weighted vertex normals of the triangles. Vertices that
    /// are shared across a hard edge get an average; importers that split such vertices keep
    /// their creases.
    public mutating func generateNormals() {
        var accumulated = [SIMD3<Float>](repeating: .zero, count: positions.count)
        positions.withUnsafeBufferPointer { p in
            indices.withUnsafeBufferPointer { idx in
                accumulated.withUnsafeMutableBufferPointer { n in
                    var t = 0
                    while t + 2 < idx.count {
                        let i0 = Int(idx[t]), i1 = Int(idx[t + 1]), i2 = Int(idx[t + 2])
                        let face = simdCross(p[i1] - p[i0], p[i2] - p[i0])
                        n[i0] += face; n[i1] += face; n[i2] += face
                        t += 3
                    }
                }
            }
        }
        normals = accumulated.map { v in
            let l = simdLength(v)
            return l > 0 ? v / l : SIMD3(0, 1, 0)
        }
    }

    /// Drops triangles with a repeated index, an index out of range, a non-finite corner or
    /// zero area, and returns how many were dropped. They draw nothing and break clipping and
    /// distance queries downstream.
    @discardableResult
    public mutating func removeDegenerateTriangles() -> Int {
        let vertexCount = UInt32(positions.count)
        var kept: [UInt32] = []
        kept.reserveCapacity(indices.count)
        var dropped = 0
        positions.withUnsafeBufferPointer { p in
            var t = 0
            while t + 2 < indices.count {
                let a = indices[t], b = indices[t + 1], c = indices[t + 2]
                t += 3
                if a >= vertexCount || b >= vertexCount || c >= vertexCount || a == b || b == c || a == c {
                    dropped += 1
                    continue
                }
                let pa = p[Int(a)], pb = p[Int(b)], pc = p[Int(c)]
                let cross = simdCross(pb - pa, pc - pa)
                let area2 = simdDot(cross, cross)
                if !(area2 > 0) || !area2.isFinite {
                    dropped += 1
                    continue
                }
                kept.append(a); kept.append(b); kept.append(c)
            }
        }
        if dropped > 0 { indices = kept }
        return dropped
    }
}
