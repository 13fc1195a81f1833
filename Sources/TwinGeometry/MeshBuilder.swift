#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds triangle meshes from solids (boxes, cylinders, prisms) placed by transforms: the
/// vocabulary of the demo plant generator and of obstacles sketched in a manifest. Faces have
/// their own vertices so that flat faces shade flat; winding is counterclockwise seen from outside.
public struct MeshBuilder: Sendable {
    public private(set) var mesh = TriangleMesh()

    public init() {}

    /// Adds one planar convex polygon (corners counterclockwise seen from its front), fanned into triangles.
    public mutating func addPolygon(_ corners: [SIMD3<Double>], transform: Matrix4x4 = .identity) {
        guard corners.count >= 3 else { return }
        let world = corners.map { transform.transformPoint($0) }
        var normal = SIMD3<Double>.zero
        for i in 0..<world.count {
            normal += simdCross(world[i], world[(i + 1) % world.count])
        }
        let n = SIMD3<Float>(simdNormalize(normal))
        let base = UInt32(mesh.positions.count)
        for p in world {
            mesh.positions.append(SIMD3<Float>(p))
            mesh.normals.append(n)
        }
        for i in 1..<(world.count - 1) {
            mesh.indices.append(contentsOf: [base, base + UInt32(i), base + UInt32(i + 1)])
        }
    }

    /// Adds an axis-aligned box from `min` to `max` in the frame of `transform`.
    public mutating func addBox(min a: SIMD3<Double>, max b: SIMD3<Double>, transform: Matrix4x4 = .identity) {
        let c = (0..<8).map { i in
            SIMD3(i & 1 == 0 ? a.x : b.x, i & 2 == 0 ? a.y : b.y, i & 4 == 0 ? a.z : b.z)
        }
        let faces = [[0, 4, 6, 2], [1, 3, 7, 5], [0, 1, 5, 4], [2, 6, 7, 3], [0, 2, 3, 1], [4, 5, 7, 6]]
        for f in faces { addPolygon(f.map { c[$0] }, transform: transform) }
    }

    /// Adds a box of `size` centered at `center`.
    public mutating func addBox(center: SIMD3<Double>, size: SIMD3<Double>, transform: Matrix4x4 = .identity) {
        addBox(min: center - size / 2, max: center + size / 2, transform: transform)
    }

    /// Adds a closed cylinder along the local +Y axis from `base` up `height`, with `segments`
    /// smooth-shaded sides and flat caps.
    public mutating func addCylinder(base: SIMD3<Double>, radius: Double, height: Double, segments: Int,
                                     transform: Matrix4x4 = .identity) {
        let segments = Swift.max(3, segments)
        let ring = (0..<segments).map { i -> SIMD2<Double> in
            let a = Double(i) / Double(segments) * 2 * Double.pi
            return SIMD2(cos(a), -sin(a))
        }
        let normalTransform = transform.normalMatrix
        let start = UInt32(mesh.positions.count)
        for r in ring {
            for y in [0.0, height] {
                let p = base + SIMD3(r.x * radius, y, r.y * radius)
                mesh.positions.append(SIMD3<Float>(transform.transformPoint(p)))
                var n = SIMD3(r.x, 0, r.y)
                if let (nx, ny, nz) = normalTransform { n = simdNormalize(nx * n.x + ny * n.y + nz * n.z) }
                mesh.normals.append(SIMD3<Float>(n))
            }
        }
        for i in 0..<segments {
            let j = (i + 1) % segments
            let b0 = start + UInt32(2 * i), t0 = b0 + 1
            let b1 = start + UInt32(2 * j), t1 = b1 + 1
            mesh.indices.append(contentsOf: [b0, b1, t1, b0, t1, t0])
        }
        let bottom = ring.map { base + SIMD3($0.x * radius, 0, $0.y * radius) }
        let top = ring.map { base + SIMD3($0.x * radius, height, $0.y * radius) }
        addPolygon(top, transform: transform)
        addPolygon(bottom.reversed(), transform: transform)
    }

    /// Adds a cylinder between two points (for struts, rollers and arm links).
    public mutating func addCylinder(from a: SIMD3<Double>, to b: SIMD3<Double>, radius: Double, segments: Int,
                                     transform: Matrix4x4 = .identity) {
        let axis = b - a
        let length = simdLength(axis)
        guard length > 0 else { return }
        let y = axis / length
        let helper = abs(y.y) < 0.9 ? SIMD3<Double>(0, 1, 0) : SIMD3<Double>(1, 0, 0)
        let x = simdNormalize(simdCross(helper, y))
        let z = simdCross(x, y)
        let frame = Matrix4x4(columns: SIMD4(x.x, x.y, x.z, 0), SIMD4(y.x, y.y, y.z, 0),
                              SIMD4(z.x, z.y, z.z, 0), SIMD4(a.x, a.y, a.z, 1))
        addCylinder(base: .zero, radius: radius, height: length, segments: segments, transform: transform * frame)
    }

    /// Appends another mesh carried by `transform`.
    public mutating func add(_ other: TriangleMesh, transform: Matrix4x4 = .identity) {
        let base = UInt32(mesh.positions.count)
        let normalTransform = transform.normalMatrix
        for (p, n) in zip(other.positions, other.normals) {
            mesh.positions.append(SIMD3<Float>(transform.transformPoint(SIMD3<Double>(p))))
            var nd = SIMD3<Double>(n)
            if let (nx, ny, nz) = normalTransform { nd = simdNormalize(nx * nd.x + ny * nd.y + nz * nd.z) }
            mesh.normals.append(SIMD3<Float>(nd))
        }
        mesh.indices.append(contentsOf: other.indices.map { $0 + base })
    }
}
