import Foundation
import Testing
import TwinGeometry
@testable import TwinCollision

/// The search for every obstacle within the margin descends over stretches of the path with lower
/// bounds (swept boxes, grown boxes) and measured poses. These tests hold it to a brute force:
/// the distance to every obstacle at poses 4 mm apart, on paths of every kind of piece.
@Suite("Obstacles within the margin")
struct MarginSearchTests {
    typealias Numbers = ObstacleTreeTests.Numbers

    /// Lines, an arc, a turn on the spot, a NURBS curve and a fixed-heading line, in one path.
    static func mixedPath() throws -> AGVPath {
        let curve = try NURBSCurve(degree: 2, knots: [0, 0, 0, 1, 1, 1],
                                   controlPoints: [.init(x: 26, y: 10), .init(x: 32, y: 10), .init(x: 32, y: 16)])
        return AGVPath([
            .line(from: SIMD2(0, 0), to: SIMD2(20, 0)),
            .arc(center: SIMD2(20, 5), radius: 5, start: -.pi / 2, sweep: .pi / 2),
            .line(from: SIMD2(25, 5), to: SIMD2(25, 8)),
            .turn(at: SIMD2(25, 8), from: .pi / 2, to: 0),
            .line(from: SIMD2(25, 8), to: SIMD2(26, 10)),
            .curve(curve),
            .line(from: SIMD2(32, 16), to: SIMD2(32, 26)),
        ], headings: [.tangent(offset: 0), .tangent(offset: 0), .tangent(offset: 0), .tangent(offset: 0), .fixed(0), .tangent(offset: 0), .fixed(0.3)])
    }

    /// Obstacles scattered around the path at distances around the margin.
    static func scene(seed: UInt64, near path: AGVPath, count: Int) -> [Obstacle] {
        var numbers = Numbers(state: seed)
        var obstacles: [Obstacle] = []
        for i in 0..<count {
            let pose = path.pose(at: numbers.next(0...path.length))
            let side = numbers.next(0...1) < 0.5 ? -1.0 : 1.0
            let off = side * numbers.next(0.55...1.6)
            let x = pose.x - sin(pose.theta) * off, y = pose.y + cos(pose.theta) * off
            switch i % 3 {
            case 0:
                obstacles.append(Obstacle(name: "B\(i)", shape: .box(UprightBox(center: SIMD2(x, y), halfSize: SIMD2(numbers.next(0.03...0.3), numbers.next(0.03...0.3)),
                                                                                yaw: numbers.next(-3...3), bottom: 0, top: 2))))
            case 1:
                obstacles.append(Obstacle(name: "C\(i)", shape: .cylinder(UprightCylinder(center: SIMD2(x, y), radius: numbers.next(0.03...0.3), bottom: 0, top: 2))))
            default:
                var builder = MeshBuilder()
                let h = numbers.next(0.05...0.25)
                builder.addBox(min: SIMD3(x - h, 0.2, -y - h), max: SIMD3(x + h, 1.5, -y + h))
                let triangles = builder.mesh.indices.map { FloorFrame.floorPoint(SIMD3<Double>(builder.mesh.positions[Int($0)])) }
                obstacles.append(Obstacle(name: "M\(i)", shape: .mesh(TriangleBVH(triangles: triangles))))
            }
        }
        return obstacles
    }

    @Test(arguments: [(1, 0.3), (2, 0.5), (3, 0.05)] as [(UInt64, Double)])
    func theSetMatchesPosesFourMillimetresApart(seed: UInt64, margin: Double) throws {
        let path = try Self.mixedPath()
        let obstacles = Self.scene(seed: seed, near: path, count: 60)
        let bodies = [AGVBody(length: 1.2, width: 0.8, height: 0.5, centerOffset: SIMD2(0.2, 0.05)),
                      AGVBody(polygon: [SIMD2(-0.5, -0.4), SIMD2(0.5, -0.4), SIMD2(0.8, 0), SIMD2(0.5, 0.4), SIMD2(-0.5, 0.4)], height: 0.5)]
        for body in bodies {
            let check = RouteCheck(body: body, margin: margin, obstacles: obstacles)
            let found = Set(check.check(path).withinMargin)
            // The smallest sampled distance per obstacle: at most rate * 2 mm above the true one.
            var sampled = [Double](repeating: .infinity, count: obstacles.count)
            let step = 0.004
            var s = 0.0
            while s <= path.length + step / 2 {
                let box = body.box(at: path.pose(at: min(s, path.length)))
                let (lo, hi) = box.bounds
                for (i, o) in obstacles.enumerated() {
                    sampled[i] = min(sampled[i], o.distance(to: box, bodyLo: lo, bodyHi: hi, cutoff: margin + 0.5))
                }
                s += step
            }
            let slack = (1 + body.halfDiagonal * path.maximumCurvature) * step / 2
            var decided = 0
            for (i, o) in obstacles.enumerated() {
                if sampled[i] < margin - 1e-4 {
                    #expect(found.contains(o.name), "\(o.name) at \(sampled[i]) with margin \(margin) is missing")
                    decided += 1
                } else if sampled[i] - slack >= margin {
                    #expect(!found.contains(o.name), "\(o.name) at \(sampled[i]) with margin \(margin) is reported")
                    decided += 1
                }
            }
            // Most obstacles are decided by the sampling; the test has teeth both ways.
            #expect(decided >= obstacles.count - 3)
            #expect(found.count > 3 && found.count < obstacles.count - 3, "\(found.count) of \(obstacles.count)")
        }
    }

    /// A wall at one clearance beside 150 m of straight is decided by a handful of queries, not
    /// one per pose.
    @Test func aLongWallBesideTheRouteCostsAFewQueries() {
        let body = AGVBody(length: 1.2, width: 0.8, height: 0.5)
        let path = AGVPath([.line(from: SIMD2(0, 0), to: SIMD2(150, 0))])
        let wall = Obstacle(name: "WALL", shape: .box(UprightBox(center: SIMD2(75, 0.4 + 0.3 + 0.1), halfSize: SIMD2(80, 0.1), yaw: 0, bottom: 0, top: 3)))
        let posts = (0..<100).map { k in
            Obstacle(name: "P\(k)", shape: .box(UprightBox(center: SIMD2(1.5 * Double(k), -0.4 - 0.25 - 0.05), halfSize: SIMD2(0.05, 0.05), yaw: 0, bottom: 0, top: 2)))
        }
        let clear = RouteCheck(body: body, margin: 0.2, obstacles: [wall] + posts).check(path)
        #expect(clear.withinMargin.isEmpty)
        let near = RouteCheck(body: body, margin: 0.3 + 1e-3, obstacles: [wall] + posts).check(path)
        #expect(near.withinMargin == (["WALL"] + (0..<100).map { "P\($0)" }).sorted())
        // Per pose 0.25 m apart (the search before this one) the wall alone took 600.
        #expect(clear.queriesPerPhase.marginSearch < 150, "\(clear.queriesPerPhase.marginSearch) queries")
    }
}
