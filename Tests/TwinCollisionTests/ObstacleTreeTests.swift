import Foundation
import Testing
@testable import TwinCollision
import TwinGeometry

@Suite("The broad phase over obstacles")
struct ObstacleTreeTests {
    /// A fixed pseudo-random sequence (no global state), so failures reproduce.
    struct Numbers {
        var state: UInt64
        mutating func next(_ range: ClosedRange<Double>) -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return range.lowerBound + Double(state >> 11) / Double(1 << 53) * (range.upperBound - range.lowerBound)
        }
    }

    static func scene(_ count: Int) -> [Obstacle] {
        var numbers = Numbers(state: 42)
        var obstacles: [Obstacle] = []
        for i in 0..<count {
            let x = numbers.next(-50...50), y = numbers.next(-30...30)
            switch i % 4 {
            case 0, 1:
                obstacles.append(Obstacle(name: "B\(i)", shape: .box(UprightBox(center: SIMD2(x, y), halfSize: SIMD2(numbers.next(0.05...2), numbers.next(0.05...2)),
                                                                                yaw: numbers.next(-3...3), bottom: numbers.next(0...1), top: 2 + numbers.next(0...1)))))
            case 2:
                obstacles.append(Obstacle(name: "C\(i)", shape: .cylinder(UprightCylinder(center: SIMD2(x, y), radius: numbers.next(0.05...1), bottom: 0, top: 2))))
            default:
                obstacles.append(Obstacle(name: "Z\(i)", shape: .zone([SIMD2(x, y), SIMD2(x + 2, y), SIMD2(x + 2, y + 1), SIMD2(x, y + 1)])))
            }
        }
        return obstacles
    }

    /// The scan the tree replaces: every obstacle in order, the first of equal distances kept.
    static func scan(_ obstacles: [Obstacle], _ body: UprightBox, cutoff: Double) -> (Double, Int) {
        let (lo, hi) = body.bounds
        var best = cutoff, which = -1
        for (i, o) in obstacles.enumerated() {
            let d = o.distance(to: body, bodyLo: lo, bodyHi: hi, cutoff: best)
            if d < best { best = d; which = i }
        }
        return (best, which)
    }

    @Test(arguments: [1, 3, 5, 40, 600])
    func theTreeAnswersAsTheScanDoes(count: Int) {
        let obstacles = Self.scene(count)
        let tree = ObstacleTree(obstacles)
        var numbers = Numbers(state: 7)
        let body = AGVBody(length: 1.2, width: 0.8, height: 0.5)
        for _ in 0..<300 {
            let box = body.box(at: Pose2D(x: numbers.next(-60...60), y: numbers.next(-40...40), theta: numbers.next(-3...3)))
            let (lo, hi) = box.bounds
            for cutoff in [Double.infinity, 1.0, 0.05] {
                let expected = Self.scan(obstacles, box, cutoff: cutoff)
                let found = tree.nearest(to: box, bodyLo: lo, bodyHi: hi, cutoff: cutoff, in: obstacles)
                #expect(found.0 == expected.0 && found.1 == expected.1, "\(found) vs \(expected)")
            }
        }
    }

    @Test func equalDistancesGoToTheLowestIndex() {
        // Ten posts at exactly one distance from the body, listed in an order the tree reshuffles.
        let obstacles = (0..<10).reversed().map { k in
            Obstacle(name: "P\(k)", shape: .box(UprightBox(center: SIMD2(Double(k) * 0.3 - 1.35, 0.95), halfSize: SIMD2(0.05, 0.05), yaw: 0, bottom: 0, top: 2)))
        }
        let body = AGVBody(length: 3, width: 0.8, height: 0.5).box(at: Pose2D(x: 0, y: 0, theta: 0))
        let (lo, hi) = body.bounds
        let found = ObstacleTree(obstacles).nearest(to: body, bodyLo: lo, bodyHi: hi, cutoff: .infinity, in: obstacles)
        #expect(found.1 == 0 && abs(found.0 - 0.5) < 1e-12, "\(found)")
    }

    @Test(arguments: [1, 40, 600])
    func collectFindsEveryBoxWithinTheRadius(count: Int) {
        let obstacles = Self.scene(count)
        let tree = ObstacleTree(obstacles)
        var numbers = Numbers(state: 11)
        for _ in 0..<200 {
            let c = SIMD3(numbers.next(-60...60), numbers.next(-40...40), 0.0)
            let lo = c - SIMD3(numbers.next(0...5), numbers.next(0...5), 0), hi = c + SIMD3(numbers.next(0...5), numbers.next(0...5), 1)
            let radius = numbers.next(0...3)
            var collected: [Int32] = []
            tree.collect(near: lo, hi, within: radius, in: obstacles, into: &collected)
            let expected = obstacles.indices.filter { ObstacleTree.gapSquared(obstacles[$0].lo, obstacles[$0].hi, lo, hi) < radius * radius }
            #expect(collected.map(Int.init).sorted() == expected)
        }
    }
}

@Suite("The triangle tree")
struct TriangleTreeTests {
    static func bruteForce(_ triangles: [SIMD3<Double>], _ box: UprightBox) -> Double {
        stride(from: 0, to: triangles.count, by: 3).map { GJK.distance(box, triangles[$0], triangles[$0 + 1], triangles[$0 + 2]) }.min() ?? .infinity
    }

    /// Triangle soups a surface-area split handles badly: random, many copies of one triangle
    /// (equal centroids), and triangles at exponentially growing distances (lopsided splits).
    static func soup(_ kind: Int) -> [SIMD3<Double>] {
        var numbers = ObstacleTreeTests.Numbers(state: 5)
        var triangles: [SIMD3<Double>] = []
        for k in 0..<600 {
            switch kind {
            case 0:
                let c = SIMD3(numbers.next(-20...20), numbers.next(-20...20), numbers.next(0...3))
                for _ in 0..<3 { triangles.append(c + SIMD3(numbers.next(-1...1), numbers.next(-1...1), numbers.next(-1...1))) }
            case 1:
                triangles += [SIMD3(1, 1, 0), SIMD3(2, 1, 1), SIMD3(1, 2, 2)]
            default:
                let x = pow(1.05, Double(k)) - 1
                triangles += [SIMD3(x, 0, 0), SIMD3(x, 0.1, 1), SIMD3(x + 0.01, 0, 2)]
            }
        }
        return triangles
    }

    @Test(arguments: [0, 1, 2])
    func distancesMatchEveryTriangleMeasured(kind: Int) {
        let triangles = Self.soup(kind)
        let tree = TriangleBVH(triangles: triangles)
        #expect(tree.triangleCount == triangles.count / 3)
        #expect(Set(tree.corners.map { "\($0)" }) == Set(triangles.map { "\($0)" }))
        var numbers = ObstacleTreeTests.Numbers(state: 9)
        let body = AGVBody(length: 1.2, width: 0.8, height: 0.5)
        for _ in 0..<100 {
            let box = body.box(at: Pose2D(x: numbers.next(-25...25), y: numbers.next(-25...25), theta: numbers.next(-3...3)))
            #expect(tree.distance(to: box) == Self.bruteForce(triangles, box))
        }
    }
}

@Suite("Radial ranges")
struct RadialRangeTests {
    /// The nearest and farthest any point of a shape lies from a centre, against its outline
    /// sampled densely (and 0 inside).
    @Test func rangesMatchTheOutlineSampled() {
        var numbers = ObstacleTreeTests.Numbers(state: 3)
        for _ in 0..<200 {
            let box = UprightBox(center: SIMD2(numbers.next(-5...5), numbers.next(-5...5)), halfSize: SIMD2(numbers.next(0.1...2), numbers.next(0.1...2)),
                                 yaw: numbers.next(-3...3), bottom: 0, top: 1)
            let c = SIMD2(numbers.next(-8...8), numbers.next(-8...8))
            let (inner, outer) = Obstacle(name: "B", shape: .box(box)).radialRange(from: c)
            let corners = box.corners
            var near = Double.infinity, far = 0.0
            for k in 0..<4 {
                let a = corners[k], b = corners[(k + 1) % 4]
                for t in stride(from: 0.0, through: 1.0, by: 0.001) {
                    let p = a + (b - a) * t, d = ((p - c) * (p - c)).sum().squareRoot()
                    near = min(near, d); far = max(far, d)
                }
            }
            if Planar.contains(corners, c) { near = 0 }
            #expect(inner <= near + 1e-9 && inner >= near - 1e-2, "inner \(inner) vs \(near)")
            #expect(abs(outer - far) < 1e-9, "outer \(outer) vs \(far)")
        }
    }
}

/// Meshes that cross one another, against meshes that only touch.
@Suite("Interpenetration")
struct InterpenetrationTests {
    static func box(_ lo: SIMD3<Double>, _ hi: SIMD3<Double>) -> TriangleBVH {
        var builder = MeshBuilder()
        builder.addBox(min: lo, max: hi)
        return TriangleBVH(triangles: builder.mesh.indices.map { SIMD3<Double>(builder.mesh.positions[Int($0)]) })
    }

    @Test func touchingIsNotCrossing() {
        let a = Self.box(SIMD3(0, 0, 0), SIMD3(1, 1, 1))
        // Face to face, end to end (conveyor segments), and edge on face.
        #expect(!a.interpenetrates(Self.box(SIMD3(1, 0, 0), SIMD3(2, 1, 1)), tolerance: 0.001))
        #expect(!a.interpenetrates(Self.box(SIMD3(1, 0.25, 0.25), SIMD3(2, 0.75, 0.75)), tolerance: 0.001))
        // Apart.
        #expect(!a.interpenetrates(Self.box(SIMD3(1.5, 0, 0), SIMD3(2, 1, 1)), tolerance: 0.001))
        // Overlapping by less than the tolerance: a touch as far as a layout goes.
        #expect(!a.interpenetrates(Self.box(SIMD3(0.9995, 0.2, 0.2), SIMD3(2, 0.8, 0.8)), tolerance: 0.001))
    }

    @Test func crossingIsFoundWhateverTheShape() {
        let a = Self.box(SIMD3(0, 0, 0), SIMD3(1, 1, 1))
        // Overlapping by 2 mm and by half.
        #expect(a.interpenetrates(Self.box(SIMD3(0.998, 0.2, 0.2), SIMD3(2, 0.8, 0.8)), tolerance: 0.001))
        #expect(a.interpenetrates(Self.box(SIMD3(0.5, 0.5, 0.5), SIMD3(1.5, 1.5, 1.5)), tolerance: 0.001))
        // A thin post through a slab (a rack upright through a wall), the other way round too.
        let slab = Self.box(SIMD3(-2, 0, 0.4), SIMD3(3, 3, 0.6))
        let post = Self.box(SIMD3(0.4, 0, 0), SIMD3(0.5, 2, 1))
        #expect(slab.interpenetrates(post, tolerance: 0.001) && post.interpenetrates(slab, tolerance: 0.001))
        // One wholly inside the other crosses no face: that is the inside test's to find.
        #expect(!a.interpenetrates(Self.box(SIMD3(0.2, 0.2, 0.2), SIMD3(0.8, 0.8, 0.8)), tolerance: 0.001))
    }
}
