import Foundation
import Testing
import TwinGeometry
@testable import TwinCollision

@Suite("Analytic collision cases")
struct AnalyticTests {
    let body = AGVBody(length: 1.2, width: 0.8, height: 0.5)
    let straight = AGVPath([.line(from: SIMD2(0, 0), to: SIMD2(10, 0))])

    func box(_ name: String, center: SIMD3<Double>, size: SIMD3<Double>, yaw: Double = 0) -> Obstacle {
        Obstacle(name: name, shape: .box(UprightBox(center: SIMD2(center.x, center.y), halfSize: SIMD2(size.x, size.y) / 2, yaw: yaw,
                                                    bottom: center.z - size.z / 2, top: center.z + size.z / 2)))
    }

    @Test(arguments: [0.05, 0.3, 1.0])
    func aBoxBesideAStraightPathKeepsItsDistance(gap: Double) {
        // The AGV's side is at y = 0.4; the box's near face at 0.4 + gap.
        let obstacle = box("B", center: SIMD3(5, 0.4 + gap + 0.5, 0.5), size: SIMD3(2, 1, 1))
        let report = RouteCheck(body: body, margin: 0.1, obstacles: [obstacle]).check(straight)
        #expect(!report.collides)
        #expect(abs(report.minimumClearance!.distance - gap) < 1e-6)
        #expect(report.withinMargin == (gap < 0.1 ? ["B"] : []))
    }

    @Test func theTravelHeadingFollowsThePathWhateverWayTheBodyPoints() throws {
        // A line east, a turn on the spot, a line north driven sideways, then one with a fixed heading.
        let path = AGVPath([.line(from: SIMD2(0, 0), to: SIMD2(4, 0)), .turn(at: SIMD2(4, 0), from: 0, to: .pi / 2),
                            .line(from: SIMD2(4, 0), to: SIMD2(4, 4)), .line(from: SIMD2(4, 4), to: SIMD2(0, 4))],
                           headings: [.tangent(offset: 0), .tangent(offset: 0), .tangent(offset: .pi / 2), .fixed(1.0)])
        #expect(try #require(path.travelHeading(at: 2)) == 0)
        #expect(path.travelHeading(at: 4 + .pi / 4) == nil, "turning on the spot goes nowhere")
        let north: Double = 4 + .pi / 2 + 2
        #expect(abs(try #require(path.travelHeading(at: north)) - .pi / 2) < 1e-12)
        #expect(abs(path.pose(at: north).theta - .pi) < 1e-12, "the body points west, sideways to its travel")
        let west: Double = 4 + .pi / 2 + 6
        #expect(abs(try #require(path.travelHeading(at: west)) - .pi) < 1e-12)
        #expect(path.pose(at: west).theta == 1.0)
    }

    @Test func aBoxOnThePathIsHitWhereTheFrontReachesIt() {
        let obstacle = box("B", center: SIMD3(6, 0, 0.5), size: SIMD3(1, 1, 1))
        let report = RouteCheck(body: body, margin: 0.1, obstacles: [obstacle]).check(straight)
        // The front (0.6 ahead of the center) meets the face at x = 5.5 when s = 4.9.
        #expect(abs(report.firstContact!.s - 4.9) < 1e-5)
        #expect(report.firstContact!.obstacle == "B")
    }

    @Test func aThinPostThatSamplingEveryQuarterMetreMissesIsFound() {
        // A short AGV (0.2 m long) sampled every 0.25 m covers x in [s - 0.1, s + 0.1] at each
        // sample, leaving 5 cm gaps; a post of 4 cm diameter stands in one of them.
        let short = AGVBody(length: 0.2, width: 0.4, height: 0.3)
        let post = Obstacle(name: "post", shape: .cylinder(UprightCylinder(center: SIMD2(3.125, 0), radius: 0.02, bottom: 0, top: 2)))
        let check = RouteCheck(body: short, margin: 0, obstacles: [post])
        let sampled = (0...40).map { Double($0) * 0.25 }.contains { check.clearance(at: straight.pose(at: $0)).0 <= 0 }
        #expect(!sampled, "sampling every 0.25 m never sees the post")
        let report = check.check(straight)
        #expect(report.collides, "the continuous check does")
        // The front (0.1 ahead) reaches the post's near side at x = 3.105.
        #expect(abs(report.firstContact!.s - 3.005) < 1e-4)
    }

    @Test func aLongAGVSweepsItsCornerThroughAPostOnAnArc() {
        let long = AGVBody(length: 2, width: 0.8, height: 0.6)
        let path = AGVPath([.line(from: SIMD2(0, 0), to: SIMD2(5, 0)),
                            .arc(center: SIMD2(5, 2), radius: 2, start: -.pi / 2, sweep: .pi / 2),
                            .line(from: SIMD2(7, 2), to: SIMD2(7, 8))])
        // A post just outside the arc's outer edge at 45 degrees: the body's centerline passes at
        // radius 2, its outer side at 2.4, but the outer front corner swings out to radius
        // sqrt(2.4^2 + 1^2) = 2.6 on the turn.
        let at45 = SIMD2(5 + 2.5 * cos(-.pi / 4), 2 + 2.5 * sin(-.pi / 4))
        let post = Obstacle(name: "post", shape: .cylinder(UprightCylinder(center: at45, radius: 0.02, bottom: 0, top: 2)))
        let report = RouteCheck(body: long, margin: 0.05, obstacles: [post]).check(path)
        #expect(report.collides)
        #expect(report.firstContact!.s > 5 && report.firstContact!.s < 5 + .pi)
    }

    @Test func anOverhangAboveTheBodyIsClearanceAndOneAtItsHeightIsContact() {
        let above = box("gantry", center: SIMD3(5, 0, 1.0), size: SIMD3(1, 3, 0.4))    // bottom at 0.8
        let low = box("beam", center: SIMD3(5, 0, 0.6), size: SIMD3(1, 3, 0.4))        // bottom at 0.4
        let clear = RouteCheck(body: body, margin: 0.1, obstacles: [above]).check(straight)
        #expect(!clear.collides)
        #expect(abs(clear.minimumClearance!.distance - 0.3) < 1e-6)
        #expect(RouteCheck(body: body, margin: 0.1, obstacles: [low]).check(straight).collides)
    }

    @Test(arguments: [(0.099, true), (0.101, false)])
    func contactsOneMillimetreInsideAndOutsideTheMargin(gap: Double, within: Bool) {
        let obstacle = box("M", center: SIMD3(5, 0.4 + gap + 0.5, 0.5), size: SIMD3(2, 1, 1))
        let report = RouteCheck(body: body, margin: 0.1, obstacles: [obstacle]).check(straight)
        #expect(report.withinMargin == (within ? ["M"] : []))
    }

    @Test func twoAGVsCrossingInTimeConflictAndOutOfTimeDoNot() {
        let a = FleetCheck.Member(name: "A", body: body, path: AGVPath([.line(from: SIMD2(0, 0), to: SIMD2(20, 0))]), speed: 1, start: 0)
        var b = FleetCheck.Member(name: "B", body: body, path: AGVPath([.line(from: SIMD2(10, -10), to: SIMD2(10, 10))]), speed: 1, start: 0)
        let crossing = FleetCheck(members: [a, b]).check()
        #expect(abs(crossing.conflicts.first!.time - 9.0) < 1e-4)
        b.legs[0].start = 4
        let apart = FleetCheck(members: [a, b]).check()
        #expect(apart.conflicts.isEmpty)
        // Both gaps are 1 m at t = 12 (A's rear at 11.4 - 0.6... x gap 1, y gap 1): sqrt(2).
        #expect(abs(apart.minimumSeparation - 2.0.squareRoot()) < 1e-4)
        #expect(abs(apart.minimumSeparationTime - 12) < 1e-2)
    }

    /// A turn on the spot takes its angle over the rotation speed, not one second per radian and
    /// metre per second of driving speed.
    @Test func turnsOnTheSpotTakeTheirAngleAtTheRotationSpeed() {
        let path = AGVPath([.line(from: SIMD2(0, 0), to: SIMD2(10, 0)), .turn(at: SIMD2(10, 0), from: 0, to: .pi / 2),
                            .line(from: SIMD2(10, 0), to: SIMD2(10, 5))])
        let leg = FleetCheck.Member.Leg(body: body, path: path, speed: 1, rotationSpeed: 0.25, start: 2)
        #expect(abs(leg.arrival - (2 + 10 + (Double.pi / 2) / 0.25 + 5)) < 1e-9)
        // Halfway through the turn (pi / 4 at 0.25 rad/s is pi seconds in): heading pi / 4, still at (10, 0).
        let mid = leg.pose(at: 2 + 10 + .pi)
        #expect(abs(mid.theta - .pi / 4) < 1e-9 && abs(mid.x - 10) < 1e-9 && abs(mid.y) < 1e-9, "\(mid)")
        // At 2 rad/s the same turn takes under a second: the whole drive ends 5.5 s sooner.
        let slow = FleetCheck.Member.Leg(body: body, path: path, speed: 1, rotationSpeed: 0.25, start: 0)
        let fast = FleetCheck.Member.Leg(body: body, path: path, speed: 1, rotationSpeed: 2, start: 0)
        #expect(slow.arrival - fast.arrival > 5)
        #expect(abs(fast.pose(at: 10 + .pi / 4).theta - .pi / 2) < 1e-9)
    }

    /// Two AGVs on parallel lanes 0.15 m apart never touch; within a 0.2 m margin the pair is
    /// reported with its separation, within 0.1 m it is not.
    @Test func aPairWithinItsMarginIsReportedAsRoutesReportObstacles() throws {
        let a = AGVPath([.line(from: SIMD2(0, 0), to: SIMD2(20, 0))])
        let b = AGVPath([.line(from: SIMD2(20, 0.95), to: SIMD2(0, 0.95))])
        func check(_ margin: Double) -> FleetCheck.Report {
            FleetCheck(members: [FleetCheck.Member(name: "A", body: body, path: a, speed: 1, start: 0, margin: margin),
                                 FleetCheck.Member(name: "B", body: body, path: b, speed: 1, start: 0, margin: 0)]).check()
        }
        let near = check(0.2)
        #expect(near.conflicts.isEmpty)
        let pair = try #require(near.withinMargin.first)
        #expect(pair.agvs == ["A", "B"] && abs(pair.separation - 0.15) < 1e-3 && pair.margin == 0.2, "\(pair)")
        #expect(check(0.1).withinMargin.isEmpty)
    }

    @Test func everyLegOfAnAGVCountsAndItStandsBetweenThem() {
        // A drives east along y = 0 (t 0 to 10), stands at (10, 0), then drives north from t = 20.
        let a = FleetCheck.Member(name: "A", legs: [
            .init(body: body, path: AGVPath([.line(from: SIMD2(10, 0), to: SIMD2(10, 10))]), speed: 1, start: 20),
            .init(body: body, path: AGVPath([.line(from: SIMD2(0, 0), to: SIMD2(10, 0))]), speed: 1, start: 0),
        ])
        func firstConflict(_ path: AGVPath, start: Double) -> Double? {
            FleetCheck(members: [a, FleetCheck.Member(name: "B", body: body, path: path, speed: 1, start: start)]).check().conflicts.first?.time
        }
        // Crossing the first leg: the bodies' corners meet at t = 4.
        let first = firstConflict(AGVPath([.line(from: SIMD2(5, -5), to: SIMD2(5, 5))]), start: 0)
        #expect(abs((first ?? 0) - 4) < 1e-4, "\(String(describing: first))")
        // Crossing where A stands between its legs: at t = 16 (A points east, 0.6 m either side of x = 10).
        let standing = firstConflict(AGVPath([.line(from: SIMD2(10, -5), to: SIMD2(10, 5))]), start: 12)
        #expect(abs((standing ?? 0) - 16) < 1e-4, "\(String(describing: standing))")
        // Crossing the second leg, heading west along y = 5: at t = 24.
        let second = firstConflict(AGVPath([.line(from: SIMD2(15, 5), to: SIMD2(0, 5))]), start: 20)
        #expect(abs((second ?? 0) - 24) < 1e-4, "\(String(describing: second))")
        // The same crossing of the second leg 10 s later passes behind A.
        #expect(firstConflict(AGVPath([.line(from: SIMD2(15, 5), to: SIMD2(0, 5))]), start: 30) == nil)
    }

    /// A rack aisle: 120 uprights at exactly one clearance along a 160 m straight, a late one a
    /// little nearer, and far obstacles. The smallest clearance is found to within a millimetre,
    /// and the plateau of equal minima costs swept queries, not a refinement to millimetre steps
    /// (before the swept bound: 126,744 queries for 150 uprights along 200 m).
    @Test(arguments: [nil, 0.15] as [Double?])
    func aPlateauOfEqualMinimaIsCertifiedWithoutRefiningIt(nearer: Double?) {
        let aisle = AGVPath([.line(from: SIMD2(0, 0), to: SIMD2(160, 0))])
        var obstacles = (0..<120).map { i in box("U-\(i)", center: SIMD3(5 + Double(i) * 1.25, 0.4 + 0.2 + 0.05, 1), size: SIMD3(0.1, 0.1, 2)) }
        obstacles += (0..<200).map { i in box("X-\(i)", center: SIMD3(Double(i) * 0.8, i % 2 == 0 ? 12 : -12, 1), size: SIMD3(1, 1, 2)) }
        if let nearer { obstacles.append(box("NEAR", center: SIMD3(150.3, 0.4 + nearer + 0.05, 1), size: SIMD3(0.1, 0.1, 2))) }
        let report = RouteCheck(body: body, margin: 0.1, obstacles: obstacles).check(aisle)
        let clearance = try! #require(report.minimumClearance)
        #expect(abs(clearance.distance - (nearer ?? 0.2)) < 1e-3, "\(clearance)")
        if nearer != nil { #expect(clearance.obstacle == "NEAR") }
        #expect(report.queries < 6000, "\(report.queries) distance queries")
    }

    /// Posts at one radius outside a 170-degree arc: turning with the path, the body's outer
    /// corner passes each of them at the same clearance, the radius of the posts' inner faces less
    /// the corner's radius. The ring the body stays in certifies the plateau with a handful of
    /// queries (one per half radian) instead of one per stretch of the contact pass.
    @Test func aPlateauOnAnArcIsCertifiedByTheRing() {
        let arc = AGVPath([.arc(center: SIMD2(0, 0), radius: 30, start: 0, sweep: 170 * .pi / 180)])
        let posts = (0..<120).map { i in
            let a = Double(i) * 1.4 * .pi / 180, r = 30.65
            return Obstacle(name: "C-\(i)", shape: .cylinder(UprightCylinder(center: SIMD2(r * cos(a), r * sin(a)), radius: 0.05, bottom: 0, top: 2)))
        }
        let report = RouteCheck(body: body, margin: 0.1, obstacles: posts).check(arc)
        let corner = ((30.4 * 30.4) + 0.6 * 0.6).squareRoot()
        let clearance = try! #require(report.minimumClearance)
        #expect(abs(clearance.distance - (30.6 - corner)) < 1e-3, "\(clearance)")
        #expect(report.queriesPerPhase.clearance < 30, "\(report.queriesPerPhase)")
        #expect(report.withinMargin.isEmpty)
    }

    /// The swept bound holds where the body does not point along the line (an edge's fixed
    /// orientation): the box then also holds the turned footprint, and the answer stays exact.
    @Test func aFixedHeadingAcrossTheLineKeepsTheAnswerExact() {
        let crab = AGVPath([.line(from: SIMD2(0, 0), to: SIMD2(20, 0))], headings: [.fixed(.pi / 2)])
        // Turned across the line, the body reaches 0.6 m to each side: the post's face at 0.75.
        let report = RouteCheck(body: body, margin: 0.1, obstacles: [box("P", center: SIMD3(12, 0.8, 1), size: SIMD3(0.1, 0.1, 2))]).check(crab)
        #expect(abs(report.minimumClearance!.distance - 0.15) < 1e-3, "\(report.minimumClearance!)")
    }

    /// On arcs the swept box is a bound, never an answer: the smallest clearance the check reports
    /// lies within its 0.9 mm of the minimum of poses 1 mm apart (which is at most 0.5 mm times
    /// the motion rate above the true minimum), for bodies that turn with the path, turn about an
    /// offset point, or keep a fixed heading, along posts and boxes on both sides.
    @Test(arguments: [0, 1, 2])
    func theSmallestClearanceOnArcsMatchesDenseSampling(variant: Int) {
        let body = variant == 1 ? AGVBody(length: 1.4, width: 0.7, height: 0.5, centerOffset: SIMD2(0.3, 0.05)) : self.body
        let arc = AGVPath.Segment.arc(center: SIMD2(0, 0), radius: 12, start: 0.2, sweep: 1.3)
        let path = variant == 2 ? AGVPath([arc], headings: [.fixed(0.4)]) : AGVPath([arc])
        var obstacles: [Obstacle] = []
        for k in 0..<40 {
            let angle = 0.2 + 1.3 * Double(k) / 40, side: Double = k % 2 == 0 ? 1 : -1
            let r = 12 + side * ((variant == 2 ? 1.1 : 0.75) + 0.05 * Double(k % 5))
            if k % 3 == 0 {
                obstacles.append(Obstacle(name: "C\(k)", shape: .cylinder(UprightCylinder(center: SIMD2(r * cos(angle), r * sin(angle)), radius: 0.06, bottom: 0, top: 2))))
            } else {
                obstacles.append(box("B\(k)", center: SIMD3(r * cos(angle), r * sin(angle), 1), size: SIMD3(0.12, 0.2, 2), yaw: angle))
            }
        }
        let check = RouteCheck(body: body, margin: 0.05, obstacles: obstacles)
        let report = check.check(path)
        var sampled = Double.infinity
        var s = 0.0
        while s <= path.length { sampled = min(sampled, check.clearance(at: path.pose(at: s)).0); s += 0.001 }
        let clearance = try! #require(report.minimumClearance).distance
        #expect(!report.collides, "\(report.firstContact!)")
        #expect(clearance <= sampled + 9e-4 && clearance >= sampled - 2e-3, "reported \(clearance), sampled \(sampled)")
    }

    @Test func meshObstaclesMeasureLikeTheirBoxes() {
        var builder = MeshBuilder()
        builder.addBox(min: SIMD3(4, 0, -2), max: SIMD3(6, 1, -1))   // scene: x 4..6, height 0..1, floor y 1..2
        let triangles = builder.mesh.indices.map { FloorFrame.floorPoint(SIMD3<Double>(builder.mesh.positions[Int($0)])) }
        let mesh = Obstacle(name: "mesh", shape: .mesh(TriangleBVH(triangles: triangles)))
        let report = RouteCheck(body: body, margin: 0.1, obstacles: [mesh]).check(straight)
        #expect(abs(report.minimumClearance!.distance - 0.6) < 1e-6)
    }
}

@Suite("AGV bodies")
struct AGVBodyTests {
    @Test func theTurningPointNeedNotBeTheCenter() {
        // A tugger turning about its rear axle: the footprint's center 0.4 m ahead of it.
        let body = AGVBody(length: 1.2, width: 0.8, height: 0.5, centerOffset: SIMD2(0.4, 0))
        let box = body.box(at: Pose2D(x: 2, y: 3, theta: .pi / 2))
        #expect(abs(box.center.x - 2) < 1e-12 && abs(box.center.y - 3.4) < 1e-12)
        // The farthest corner: 1.0 ahead and 0.4 aside.
        #expect(abs(body.halfDiagonal - (1.0 * 1.0 + 0.4 * 0.4).squareRoot()) < 1e-12)
    }
}

@Suite("Polygon footprints")
struct PolygonFootprintTests {
    let straight = AGVPath([.line(from: SIMD2(0, 0), to: SIMD2(10, 0))])
    let wall = Obstacle(name: "B", shape: .box(UprightBox(center: SIMD2(6, 0), halfSize: SIMD2(0.5, 0.5), yaw: 0, bottom: 0, top: 1)))

    @Test func aRectangleAsAPolygonAnswersLikeTheRectangle() {
        let rectangle = AGVBody(length: 1.2, width: 0.8, height: 0.5)
        let polygon = AGVBody(polygon: [SIMD2(-0.6, -0.4), SIMD2(0.6, -0.4), SIMD2(0.6, 0.4), SIMD2(-0.6, 0.4)], height: 0.5)
        let side = Obstacle(name: "S", shape: .box(UprightBox(center: SIMD2(5, 1.2), halfSize: SIMD2(1, 0.5), yaw: 0.3, bottom: 0, top: 1)))
        for obstacles in [[wall], [side]] {
            let a = RouteCheck(body: rectangle, margin: 0.1, obstacles: obstacles).check(straight)
            let b = RouteCheck(body: polygon, margin: 0.1, obstacles: obstacles).check(straight)
            #expect(a.collides == b.collides)
            #expect(abs((a.firstContact?.s ?? -1) - (b.firstContact?.s ?? -1)) < 1e-5)
            #expect(abs((a.minimumClearance?.distance ?? -1) - (b.minimumClearance?.distance ?? -1)) < 1e-5)
        }
    }

    @Test func aPointedNoseTouchesFirst() {
        // The rectangle with a nose 0.3 m further ahead: it meets the face at x = 5.5 when s = 4.6.
        let nose = AGVBody(polygon: [SIMD2(-0.6, -0.4), SIMD2(0.6, -0.4), SIMD2(0.9, 0), SIMD2(0.6, 0.4), SIMD2(-0.6, 0.4)], height: 0.5)
        let report = RouteCheck(body: nose, margin: 0.1, obstacles: [wall]).check(straight)
        #expect(abs(report.firstContact!.s - 4.6) < 1e-4)
        #expect(abs(nose.halfDiagonal - 0.9) < 1e-12)
    }

    @Test func hullsAreConvexAndCounterclockwise() {
        let hull = ConvexHull.of([SIMD2(0, 0), SIMD2(2, 0), SIMD2(1, 0.5), SIMD2(2, 2), SIMD2(0, 2), SIMD2(1, 1)])
        #expect(hull == [SIMD2(0, 0), SIMD2(2, 0), SIMD2(2, 2), SIMD2(0, 2)])
    }
}
