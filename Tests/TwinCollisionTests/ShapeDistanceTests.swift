import Foundation
import Testing
@testable import TwinCollision
import TwinGeometry

/// The rectangle-to-rectangle distance without arrays answers as the general convex-polygon one.
struct RectangleDistanceTests {
    @Test func matchesThePolygonDistance() {
        var state: UInt64 = 12345
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var touching = 0, apart = 0
        for _ in 0..<5000 {
            func box() -> UprightBox {
                UprightBox(center: SIMD2(uniform() * 6 - 3, uniform() * 6 - 3), halfSize: SIMD2(0.1 + uniform(), 0.1 + uniform()),
                           yaw: uniform() * 7 - 3.5, bottom: 0, top: 1)
            }
            let a = box(), b = box()
            let fast = Planar.rectangleDistance(a, b), general = Planar.distance(a.corners, b.corners)
            #expect(abs(fast - general) < 1e-12, "\(a) \(b): \(fast) against \(general)")
            if general == 0 { touching += 1 } else { apart += 1 }
        }
        // Both branches were exercised.
        #expect(touching > 500 && apart > 500)
    }

    @Test func parallelNeighboursAreTheirGapApart() {
        let a = UprightBox(center: SIMD2(0, 0), halfSize: SIMD2(1, 0.5), yaw: 0, bottom: 0, top: 1)
        let b = UprightBox(center: SIMD2(0, 1.43), halfSize: SIMD2(1, 0.5), yaw: .pi, bottom: 0, top: 1)
        #expect(abs(Planar.rectangleDistance(a, b) - 0.43) < 1e-12)
        let c = UprightBox(center: SIMD2(0.5, 0.5), halfSize: SIMD2(1, 0.5), yaw: 0.3, bottom: 0, top: 1)
        #expect(Planar.rectangleDistance(a, c) == 0)
    }
}
