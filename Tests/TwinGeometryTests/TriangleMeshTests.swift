import Testing
@testable import TwinGeometry

@Suite("Triangle meshes and the mesh builder")
struct TriangleMeshTests {
    /// The enclosed volume by the divergence theorem: exact for a closed, outward-wound mesh.
    func volume(_ mesh: TriangleMesh) -> Double {
        var sum = 0.0
        for t in stride(from: 0, to: mesh.indices.count, by: 3) {
            let a = SIMD3<Double>(mesh.positions[Int(mesh.indices[t])])
            let b = SIMD3<Double>(mesh.positions[Int(mesh.indices[t + 1])])
            let c = SIMD3<Double>(mesh.positions[Int(mesh.indices[t + 2])])
            sum += simdDot(a, simdCross(b, c))
        }
        return sum / 6
    }

    @Test func degenerateTrianglesAreDroppedAndCounted() {
        var mesh = TriangleMesh(
            positions: [SIMD3(0, 0, 0), SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(2, 0, 0), SIMD3(.nan, 0, 0)],
            indices: [0, 1, 2,   // good
                      0, 0, 1,   // repeated corner
                      0, 1, 3,   // collinear: zero area
                      0, 1, 4,   // not finite
                      0, 1, 9])  // index out of range
        #expect(mesh.removeDegenerateTriangles() == 4)
        #expect(mesh.indices == [0, 1, 2])
    }

    @Test func generatedNormalsFollowTheWinding() {
        var mesh = TriangleMesh(positions: [SIMD3(0, 0, 0), SIMD3(1, 0, 0), SIMD3(0, 0, -1)], indices: [0, 1, 2])
        mesh.generateNormals()
        #expect(mesh.normals.allSatisfy { $0 == SIMD3(0, 1, 0) })
    }

    @Test func boxesAreClosedAndWoundOutward() {
        var builder = MeshBuilder()
        builder.addBox(min: SIMD3(-1, 0, -2), max: SIMD3(2, 1, 2))
        #expect(builder.mesh.triangleCount == 12)
        #expect(abs(volume(builder.mesh) - 12) < 1e-5)
        #expect(builder.mesh.bounds == BoundingBox(min: SIMD3(-1, 0, -2), max: SIMD3(2, 1, 2)))
    }

    @Test func cylindersApproachTheirVolumeAndStayOutward() {
        var builder = MeshBuilder()
        builder.addCylinder(from: SIMD3(0, 0, 0), to: SIMD3(3, 0, 4), radius: 0.5, segments: 64)
        let exact = Double.pi * 0.25 * 5
        let v = volume(builder.mesh)
        #expect(v > 0 && v < exact && v > exact * 0.99)
        // Side normals point away from the axis.
        let p = SIMD3<Double>(builder.mesh.positions[0]), n = SIMD3<Double>(builder.mesh.normals[0])
        let axis = simdNormalize(SIMD3<Double>(3, 0, 4))
        let radial = p - axis * simdDot(p, axis)
        #expect(simdDot(radial, n) > 0)
    }
}
