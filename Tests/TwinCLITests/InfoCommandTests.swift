import Foundation
import Testing

@Suite("twin info, end to end")
struct InfoCommandTests {
    @Test func describesTheDemoPlantAsJSON() throws {
        let result = try TwinBinary.run(["info", "Assets/demo/plant.yaml", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["name"] as? String == "Demo Assembly Hall")
        #expect((json["triangles"] as? Int ?? 0) > 130_000)
        #expect((json["meshes"] as? Int ?? 0) > 100)
        #expect((json["nodes"] as? Int ?? 0) > 50)
        let bounds = try #require(json["bounds"] as? [String: Any])
        let min = try #require(bounds["min"] as? [Double]), max = try #require(bounds["max"] as? [Double])
        #expect(min.count == 3 && max.count == 3 && max[0] - min[0] > 100)
        let entities = try #require(json["entities"] as? [String: Int])
        #expect(entities["machine"] == 44)
        #expect(entities["agv"] == 5)
        let network = try #require(json["network"] as? [String: Int])
        #expect((network["nodes"] ?? 0) >= 30 && (network["edges"] ?? 0) >= 30)
        let timings = try #require(json["timings"] as? [String: Double])
        #expect((timings["parse_s"] ?? -1) > 0 && (timings["process_s"] ?? -1) > 0)
        // The dock doors the demo declares; neither is an exit.
        let doors = try #require(json["doors"] as? [[String: Any]])
        #expect(doors.map { $0["id"] as? String } == ["DOCK-1", "DOCK-2"] && doors.allSatisfy { $0["exit"] as? Bool == false })
        #expect(json["service_areas"] as? Int == 0 && json["links"] as? Int == 0 && (json["cranes"] as? [String]) == [])
    }

    @Test func describesTheDemoPlantAsText() throws {
        let result = try TwinBinary.run(["info", "Assets/demo/plant.yaml"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Demo Assembly Hall"))
        #expect(result.stdout.contains("44 machines"))
        #expect(result.stdout.contains("Assimp parse"))
        #expect(result.stdout.contains("doors      DOCK-1, DOCK-2 (no exit)"))
    }

    @Test func nodePathsWithJSONAreOneDocument() throws {
        let result = try TwinBinary.run(["info", "Assets/demo/plant.yaml", "--json", "--nodes"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout.prefix(200))")
        let paths = try #require(json["node_paths"] as? [[String: Any]])
        #expect(paths.contains { $0["path"] as? String == "hall/Machines/M-001" && ($0["triangles"] as? Int ?? 0) > 0 })
        #expect(paths.count == json["nodes"] as? Int)
    }

    @Test func listsNodePaths() throws {
        let result = try TwinBinary.run(["info", "Assets/demo/plant.yaml", "--nodes"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("\nhall/Machines/M-001  ("))
        #expect(result.stdout.contains("\nagv:AGV-01  ("))
    }

    @Test func aMissingFileIsBadInput() throws {
        let result = try TwinBinary.run(["info", "no/such/plant.yaml"])
        #expect(result.status == 2)
        #expect(result.stderr == "twin: error: no/such/plant.yaml: file not found\n")
    }

    @Test func aBrokenManifestNamesItsLine() throws {
        let path = NSTemporaryDirectory() + "twin-cli-\(UUID().uuidString).yaml"
        try "name: Broken\nmodels:\n  - id: hall\n    file: nowhere.glb\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try TwinBinary.run(["info", path])
        #expect(result.status == 2)
        #expect(result.stderr == "twin: error: \(path):4: models[0].file: file not found: nowhere.glb\n")
    }

    @Test func aUsageErrorIsBadInput() throws {
        let result = try TwinBinary.run(["info", "--no-such-flag", "Assets/demo/plant.yaml"])
        #expect(result.status == 2)
        #expect(result.stderr == "twin: error: Unknown option '--no-such-flag' (see 'twin info --help')\n")
    }

    @Test func aHangingImportIsStoppedAtItsTimeLimit() throws {
        // A FIFO that nobody writes to: Assimp blocks reading it forever.
        let path = NSTemporaryDirectory() + "twin-fifo-\(UUID().uuidString).obj"
        #expect(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        let result = try TwinBinary.run(["info", path, "--import-timeout", "1"], timeoutSeconds: 30)
        #expect(result.status == 2)
        #expect(result.stderr == "twin: error: \(path): import aborted: Assimp did not finish within 1 s (time limit)\n")
        #expect(result.seconds < 10)
    }

    @Test func theImportMemoryLimitHolds() throws {
        let result = try TwinBinary.run(["info", "Assets/demo/plant.yaml", "--import-memory", "64"], timeoutSeconds: 60)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("twin: error: "))
        #expect(result.stderr.contains("memory"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }
}
