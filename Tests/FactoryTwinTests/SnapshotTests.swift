import TwinJSON
import Foundation
import Testing
import TwinTestSupport
@testable import FactoryTwin

@Suite("Snapshots of the demo plant")
struct SnapshotTests {
    static let repository = TestPaths.repository
    static let twin = try! Twin(contentsOf: repository + "/Assets/demo/plant.yaml")

    func states(_ json: String) throws(StateError) -> EntityStates {
        var state = PlantState(plant: Self.twin.plant)
        try state.restore(try! JSONParser.parse(json), file: "s.json")
        return EntityStates(state)
    }

    @Test func stateDocumentsAreReadAndChecked() throws {
        let s = try states(#"{"time": "2026-05-04T08:15:00Z", "entities": {"M-001": {"status": "fault"}, "AGV-01": {"pose": {"x": 40, "y": 8, "theta": 1.5}}}}"#)
        #expect(s.statuses == ["M-001": .fault])
        #expect(s.poses["AGV-01"] == Pose2D(x: 40, y: 8, theta: 1.5))
        #expect(s.time == "2026-05-04T08:15:00Z")
        let cases: [(String, String)] = [
            (#"{"entities": {"M-999": {"status": "fault"}}}"#, "s.json: entities.M-999: unknown entity 'M-999'"),
            (#"{"entities": {"M-001": {"status": "broken"}}}"#, "s.json: entities.M-001.status: unknown status 'broken' (expected one of: running, idle, blocked, starved, fault, maintenance, setup, offline)"),
            (#"{"entities": {"M-001": {"pose": {"x": 1, "y": 2}}}}"#, "s.json: entities.M-001.pose: machine 'M-001' has no such field"),
            (#"{"entities": {"AGV-01": {"pose": {"x": 1}}}}"#, "s.json: entities.AGV-01.pose: a pose needs x and y (and theta, radians)"),
            (#"{"entities": {"AGV-01": {"pose": {"x": true, "y": 2}}}}"#, "s.json: entities.AGV-01.pose.x: expected a number, found a boolean"),
            (#"{"time": "yesterday", "entities": {}}"#, "s.json: time: expected an ISO 8601 time such as 2026-05-04T08:00:00Z, found 'yesterday'"),
            (#"{"entities": []}"#, "s.json: entities: expected an object, found an array"),
            (#"{"entity": {}}"#, "s.json: entity: unknown field (expected one of: plant, time, calendar, sequence, entities, layout)"),
        ]
        for (json, message) in cases {
            do {
                _ = try states(json)
                Issue.record("accepted \(json)")
            } catch {
                #expect(error.description == message)
            }
        }
    }

    @Test func statesTintMachinesAndMoveAGVs() throws {
        let plant = Self.twin.plant
        let agv = try #require(plant.entities.firstIndex { $0.id == "AGV-01" })
        let start = try #require(plant.entities[agv].pose)
        var scene = PlantScene(plant: plant, agvPoses: ["AGV-01": Pose2D(x: start.x + 10, y: start.y, theta: start.theta)])
        let still = PlantScene(plant: plant)
        let agvItem = try #require(scene.itemEntities.firstIndex { $0 == agv })
        let item = scene.scene.items[agvItem]
        let moved = scene.scene.positions[Int(scene.scene.indices[3 * item.firstTriangle])]
        let before = still.scene.positions[Int(still.scene.indices[3 * item.firstTriangle])]
        #expect(abs(moved.x - before.x - 10) < 1e-3 && abs(moved.z - before.z) < 1e-3)
        let machine = try #require(plant.entities.firstIndex { $0.id == "M-001" })
        scene.tint([machine: MachineStatus.fault.defaultColor])
        let tinted = try #require(scene.itemEntities.firstIndex { $0 == machine })
        #expect(scene.scene.items[tinted].color != scene.modelColors[tinted])
        #expect(scene.scene.items[tinted].color.x > scene.scene.items[tinted].color.y, "red dominates a fault")
    }

    @Test func namedCamerasAndPresetsResolveAndUnknownOnesDoNot() throws {
        let small = SnapshotRequest(camera: .named("plan"), width: 160, height: 90, samples: 1)
        let plan = try Snapshot.render(Self.twin, small)
        #expect(plan.image.width == 160)
        var request = small
        request.camera = .named("docks")
        #expect(try Snapshot.render(Self.twin, request).cameraName == "docks")
        request.camera = .named("attic")
        #expect(throws: TwinError.unknownCamera("attic", known: ["plan", "iso", "overview", "aisle-south", "block-1", "docks", "west-detail"])) {
            try Snapshot.render(Self.twin, request)
        }
    }
}
