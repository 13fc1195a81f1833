import Foundation
import Testing
@testable import FactoryTwin

@Suite("The Twin API: updates, history, layout edits, checks")
struct TwinAPITests {
    static let plant = SnapshotTests.twin.plant

    static func temporaryHistory() -> String {
        NSTemporaryDirectory() + "twin-api-\(UUID().uuidString).sqlite"
    }

    @Test func updatesGoIntoTheHistoryAndThePastCanBeAsked() throws {
        let path = Self.temporaryHistory()
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        var twin = try Twin(plant: Self.plant, history: try History(path: path, plant: Self.plant))
        try twin.apply(jsonLine: #"{"t":"2026-05-04T08:00:00Z","entity":"M-012","set":{"status":"fault"}}"#)
        try twin.apply(jsonLine: #"{"t":"2026-05-04T09:00:00Z","entity":"M-012","set":{"status":"running"}}"#)
        #expect(twin.state.entity("M-012")?.state.status == .running)
        #expect(try twin.state(at: Timestamp(iso8601: "2026-05-04T08:30:00Z")!).entity("M-012")?.state.status == .fault)
        #expect(throws: StateError.self) { try twin.apply(jsonLine: #"{"t":"2026-05-04T09:00:00Z","entity":"M-404","set":{"status":"running"}}"#) }
        // A second twin on the same history starts where the first left off.
        let again = try Twin(plant: Self.plant, history: try History(path: path, plant: Self.plant))
        #expect(again.state == twin.state)
        #expect(again.state.sequence == 2)
    }

    @Test func withoutAHistoryOnlyThePresentIsKnown() throws {
        var twin = Twin(plant: Self.plant)
        try twin.apply(jsonLine: #"{"t":"2026-05-04T08:00:00Z","entity":"M-012","set":{"status":"fault"}}"#)
        #expect(try twin.state(at: Timestamp(iso8601: "2026-05-04T08:10:00Z")!).entity("M-012")?.state.status == .fault)
        #expect(throws: StateError.self) { try twin.state(at: Timestamp(iso8601: "2026-05-04T07:00:00Z")!) }
    }

    @Test func layoutEditsMoveRemoveAndAddGeometry() throws {
        var twin = Twin(plant: Self.plant)
        let plant = Self.plant
        let m006 = try #require(plant.entity(id: "M-006")?.node)
        let before = plant.nodes[m006].worldTransform.translation
        try twin.apply(jsonLine: #"{"t":"2026-05-04T08:00:00Z","edit":"move","entity":"M-006","dy":-4}"#)
        try twin.apply(jsonLine: #"{"t":"2026-05-04T08:00:01Z","edit":"remove","entity":"M-007"}"#)
        try twin.apply(jsonLine: #"{"t":"2026-05-04T08:00:02Z","edit":"add","entity":"M-100","like":"M-001","x":30,"y":45,"theta_deg":90}"#)
        try twin.apply(jsonLine: #"{"t":"2026-05-04T08:00:03Z","edit":"add","entity":"PAL-1","category":"object","size":[1.2,0.8,1.0],"x":20,"y":8}"#)
        let layout = twin.layout
        // Moved: 4 m south on the floor is +4 in the scene's Z.
        let after = layout.nodes[m006].worldTransform.translation
        #expect(abs(after.z - before.z - 4) < 1e-9 && abs(after.x - before.x) < 1e-9)
        // Removed: gone from the entities, its nodes draw nothing.
        #expect(layout.entity(id: "M-007") == nil)
        let m007 = try #require(plant.entity(id: "M-007")?.node)
        #expect(layout.subtree(of: m007).allSatisfy { layout.nodes[$0].meshes.isEmpty })
        // Added like M-001: as many triangles as M-001, standing at (30, 45).
        let copy = try #require(layout.entity(id: "M-100")?.node)
        func triangles(_ p: Plant, _ root: Int) -> Int { p.subtree(of: root).reduce(0) { $0 + p.nodes[$1].meshes.reduce(0) { $0 + p.meshes[$1].geometry.triangleCount } } }
        #expect(triangles(layout, copy) == triangles(plant, try #require(plant.entity(id: "M-001")?.node)))
        let origin = FloorFrame.floorPoint(layout.nodes[copy].worldTransform.translation)
        #expect(abs(origin.x - 30) < 1e-9 && abs(origin.y - 45) < 1e-9)
        #expect(layout.entity(id: "PAL-1")?.category == .object)
        // A render of the edited layout shows the added box; the plant itself is unchanged.
        #expect(twin.plant.entity(id: "M-007") != nil)
    }

    @Test func routeChecksSeeTheEditedLayout() throws {
        var twin = Twin(plant: Self.plant)
        let clear = try twin.checkRoutes(["R-LOOP"])
        #expect(clear.count == 1 && !clear[0].isViolation)
        try twin.apply(jsonLine: #"{"t":"2026-05-04T08:00:00Z","edit":"move","entity":"M-006","dy":-4}"#)
        let blocked = try twin.checkRoutes(["R-LOOP"])
        #expect(blocked[0].report.firstContact?.obstacle == "M-006")
        #expect(throws: TwinError.self) { try twin.checkRoutes(["R-NONE"]) }
        // Removing an edge the loop uses leaves it without a way through.
        try twin.apply(jsonLine: #"{"t":"2026-05-04T08:00:01Z","edit":"remove_edge","edge":"S1-M-001-IN-J"}"#)
        #expect(throws: TwinError.missingEdge(route: "R-LOOP", from: "S1", to: "M-001-IN-J")) { try twin.checkRoutes(["R-LOOP"]) }
    }
}

@Suite("The Swift example of docs/swift.md")
struct ReadmeExampleTests {
    @Test func runsAsWritten() throws {
        let path = NSTemporaryDirectory() + "readme-\(UUID().uuidString).sqlite"
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        var twin = try Twin(contentsOf: SnapshotTests.repository + "/Assets/demo/plant.yaml", history: path)
        try twin.apply(jsonLine: #"{"t":"2026-05-04T08:00:00Z","entity":"M-012","set":{"status":"fault"}}"#)
        try twin.apply(Update(time: Timestamp(iso8601: "2026-05-04T08:10:00Z")!,
                              action: .set(entity: "M-012", changes: [.status(.running), .counter("good", 120)])))
        try twin.apply(Update(time: Timestamp(iso8601: "2026-05-04T08:20:00Z")!,
                              action: .edit(.move(entity: "M-006", .init(dy: -4)))))
        #expect(twin.state.entity("M-012")?.state.status == .running)
        #expect(try twin.state(at: Timestamp(iso8601: "2026-05-04T08:05:00Z")!).entity("M-012")?.state.status == .fault)
        let snapshot = try twin.render(SnapshotRequest(camera: .named("plan"), width: 320, height: 180, samples: 1))
        #expect(snapshot.image.width == 320)
        let violations = try twin.checkRoutes().filter(\.isViolation)
        #expect(violations.contains { $0.route.id == "R-LOOP" && $0.report.firstContact?.obstacle == "M-006" })
    }
}
