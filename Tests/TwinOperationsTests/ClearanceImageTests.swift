import Testing
import TwinCollision
import TwinGeometry
import TwinLayout
import TwinTestSupport
@testable import TwinOperations

/// A route-check image frames what the check is about, not only the layout.
@Suite("Route-check images")
struct ClearanceImageTests {
    @Test func aRouteOutsideTheLayoutStaysInThePicture() throws {
        let plant = Demo.plant
        // An order's route that leaves the hall far to the east (the hall ends near x = 102 m).
        let network = AGVNetwork(nodes: [AGVNetwork.Node(id: "A", x: 90, y: 30), AGVNetwork.Node(id: "B", x: 160, y: 30)],
                                 edges: [AGVNetwork.Edge(id: "A-B", start: "A", end: "B")])
        let agv = try #require(plant.entities.first { $0.category == .agv }?.id)
        let results = try PlantCollision(plant: plant).check(routes: [Route(id: "EAST", nodes: ["A", "B"])], plant: plant,
                                                             network: network, agv: agv)
        let framed = ClearanceImage.framing(plant, results: results)
        let far = FloorFrame.scenePoint(x: 160, y: 30, z: 0)
        #expect(framed.max.x >= far.x, "\(framed) does not reach the route's end at x = 160 m")
        #expect(framed.min.x <= plant.bounds.min.x && framed.max.y >= plant.bounds.max.y, "the layout stays framed")
        // Routes inside the layout leave the frame as the plan's.
        let inside = try PlantCollision(plant: plant).check(routes: plant.routes, plant: plant)
        let frame = ClearanceImage.framing(plant, results: inside)
        #expect(abs(frame.max.x - plant.bounds.max.x) < 1 && abs(frame.min.z - plant.bounds.min.z) < 1, "\(frame) vs \(plant.bounds)")
    }

    /// Each route is named on the image, where it sets off (a colored line alone does not say which).
    @Test func everyRouteIsLabelled() throws {
        let plant = Demo.plant
        let results = try PlantCollision(plant: plant).check(routes: plant.routes, plant: plant)
        let overlay = ClearanceImage.overlay(Twin(plant: plant), results: results)
        let texts = Set(overlay.labels.map(\.text))
        #expect(plant.routes.allSatisfy { texts.contains($0.id) }, "\(texts.sorted())")
        #expect(overlay.scaleAndNorth)
    }
}

