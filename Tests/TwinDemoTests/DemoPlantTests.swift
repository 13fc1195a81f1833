import Foundation
import Testing
import TwinTestSupport
import TwinGeometry
@testable import TwinDemo
@testable import TwinLayout

@Suite("The generated demo plants")
struct DemoPlantTests {
    static let repository = TestPaths.repository

    func temporaryDirectory() -> String {
        NSTemporaryDirectory() + "twin-demo-" + UUID().uuidString
    }

    @Test func theCommittedDemoIsWhatTheGeneratorWrites() throws {
        let directory = temporaryDirectory()
        let output = try DemoPlantGenerator(spec: .demo).write(to: directory)
        for file in output.files {
            let fresh = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))
            let committed = try Data(contentsOf: URL(fileURLWithPath: Self.repository + "/Assets/demo/" + file))
            #expect(fresh == committed, "Assets/demo/\(file) differs from the generator's output: run `make assets`")
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    @Test func theDemoPlantHasWhatTheFoundationAsksFor() throws {
        let plant = try PlantLoader().load(path: Self.repository + "/Assets/demo/plant.yaml")
        let counts = plant.entityCounts
        #expect(counts[.machine, default: 0] >= 40)
        #expect(counts[.machine, default: 0] == DemoPlantSpec.demo.machineCount, "what `twin generate --help` says")
        #expect(Set(plant.entities.filter { $0.category == .machine }.compactMap(\.kind)).count >= 4, "several kinds")
        #expect(counts[.conveyor, default: 0] >= 4)
        #expect(counts[.rack, default: 0] >= 4)
        #expect(plant.entities.contains { $0.category == .station && $0.kind == "charger" })
        #expect(counts[.agv, default: 0] >= 4)
        #expect(plant.network.nodes.count >= 30)
        #expect(plant.network.edges.contains { $0.trajectory != nil } && plant.network.edges.contains { $0.trajectory == nil })
        #expect(Set(plant.zones.map(\.kind)) == Set(Zone.Kind.allCases))
        #expect(plant.cameras.count >= 3)
        #expect((130_000...170_000).contains(plant.triangleCount), "about 150k triangles, found \(plant.triangleCount)")
        #expect(plant.report.degenerateTriangles == 0)
        // Every machine stands inside the hall, on the floor.
        for entity in plant.entities where entity.category == .machine {
            let origin = FloorFrame.floorPoint(plant.nodes[entity.node!].worldTransform.translation)
            #expect(origin.x > 0 && origin.x < 102 && origin.y > 0 && origin.y < 59 && origin.z == 0)
        }
        // Racks have thin uprights: the rack subtree's meshes include boxes 8 cm wide.
        #expect(plant.routes.count >= 2)
    }

    @Test func theLargeDemoHasAtLeastOneAndAHalfMillionTriangles() {
        var rng = SeededRandom(seed: DemoPlantSpec.large.seed)
        let generator = DemoPlantGenerator(spec: .large)
        let layout = generator.buildLayout(&rng)
        #expect(layout.hall.triangleCount >= 1_500_000)
        #expect(layout.machines.count == DemoPlantSpec.large.machineCount, "what `twin generate --help` says")
        #expect(layout.machines.count >= 200)
    }

    /// Writing a plant says each step as it begins, in order, and ends at the last.
    @Test func writingSaysItsSteps() throws {
        let directory = NSTemporaryDirectory() + "twin-demo-steps-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var steps: [(String, Int, Int)] = []
        _ = try DemoPlantGenerator(spec: DemoPlantSpec.preset(named: "demo")!).write(to: directory) { steps.append(($0, $1, $2)) }
        #expect(steps.map(\.1) == [0, 1, 2, 3, 5] && steps.allSatisfy { $0.2 == 5 })
        #expect(steps.first?.0 == "laying out the hall" && steps.last?.0 == "done")
    }

    @Test func theSeedDecidesTheLayout() {
        var a = SeededRandom(seed: 1), b = SeededRandom(seed: 1), c = SeededRandom(seed: 2)
        let first = (0..<8).map { _ in a.next() }
        #expect(first == (0..<8).map { _ in b.next() })
        #expect(first != (0..<8).map { _ in c.next() })
        var r = SeededRandom(seed: 9)
        #expect((0..<1000).allSatisfy { _ in (0.25...0.75).contains(r.uniform(0.25...0.75)) })
    }
}
