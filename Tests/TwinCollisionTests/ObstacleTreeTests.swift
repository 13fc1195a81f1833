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
}
