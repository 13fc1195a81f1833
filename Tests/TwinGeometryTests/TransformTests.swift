import Foundation
import Testing
@testable import TwinGeometry

@Suite("Transforms and the floor frame")
struct TransformTests {
    func close(_ a: SIMD3<Double>, _ b: SIMD3<Double>, _ tolerance: Double = 1e-12) -> Bool {
        simdLength(a - b) <= tolerance
    }

    @Test func rotationYTurnsCounterclockwiseSeenFromAbove() {
        // +x on the floor turned by 90 degrees is +y on the floor, which is the scene's -Z.
        let r = Matrix4x4.rotationY(.pi / 2)
        #expect(close(r.transformDirection(SIMD3(1, 0, 0)), FloorFrame.scenePoint(x: 0, y: 1)))
    }

    @Test func placementPutsTheOriginAtTheFloorPoint() {
        let m = FloorFrame.placement(x: 12, y: 5, z: 1, theta: 0.3)
        #expect(close(m.transformPoint(.zero), SIMD3(12, 1, -5)))
        #expect(close(FloorFrame.floorPoint(m.transformPoint(.zero)), SIMD3(12, 5, 1)))
    }

    @Test func zUpFilesTurnIntoYUp() {
        // A Z-up file's up axis becomes the scene's +Y, its +y becomes the floor's +y.
        #expect(close(FloorFrame.zUpToScene.transformDirection(SIMD3(0, 0, 1)), SIMD3(0, 1, 0)))
        #expect(close(FloorFrame.floorPoint(FloorFrame.zUpToScene.transformPoint(SIMD3(0, 1, 0))), SIMD3(0, 1, 0)))
    }

    @Test func inverseUndoesATransform() throws {
        let m = FloorFrame.placement(x: 3, y: -7, z: 2, theta: 1.1) * .scale(SIMD3(2, 3, 0.5))
        let inverse = try #require(m.inverse)
        let p = SIMD3<Double>(0.3, -4, 9)
        #expect(close((inverse * m).transformPoint(p), p, 1e-12))
        #expect(Matrix4x4.scale(SIMD3(1, 0, 1)).inverse == nil)
    }

    @Test func rowMajorMatchesAssimpsLayout() {
        // Assimp stores a1..a4 as the first row: the translation sits in a4, b4, c4.
        let m = Matrix4x4(rowMajor: [1, 0, 0, 5, 0, 1, 0, 6, 0, 0, 1, 7, 0, 0, 0, 1])
        #expect(m.translation == SIMD3(5, 6, 7))
        #expect(m[0, 3] == 5)
    }

    @Test func mirroringHasANegativeDeterminant() {
        #expect(Matrix4x4.scale(SIMD3(-1, 1, 1)).linearDeterminant < 0)
        #expect(Matrix4x4.rotationY(2).linearDeterminant > 0)
    }

    @Test func normalMatrixKeepsNormalsPerpendicularUnderNonUniformScale() throws {
        let m = Matrix4x4.scale(SIMD3(4, 1, 1))
        let (c0, c1, c2) = try #require(m.normalMatrix)
        // The plane x = y has normal (1, -1, 0); after scaling x by 4 it is x = 4y, normal (1, -4, 0).
        let n = c0 * 1 + c1 * -1 + c2 * 0
        #expect(abs(simdDot(simdNormalize(n), simdNormalize(SIMD3(1, -4, 0))) - 1) < 1e-12)
    }

    @Test func boxesTransformByTheirCorners() {
        var box = BoundingBox.empty
        #expect(box.isEmpty)
        box.add(SIMD3(0, 0, 0))
        box.add(SIMD3(2, 1, 1))
        let turned = box.transformed(by: .rotationY(.pi / 2))
        #expect(close(turned.min, SIMD3(0, 0, -2), 1e-12))
        #expect(close(turned.max, SIMD3(1, 1, 0), 1e-12))
    }
}
