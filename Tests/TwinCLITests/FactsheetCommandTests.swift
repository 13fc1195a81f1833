import Foundation
import Testing
import TwinTestSupport

/// AGVs described by VDA 5050 factsheets, through the real `twin`.
@Suite("Factsheets through the CLI")
struct FactsheetCommandTests {
    /// The test factsheet is what the standard's schema calls a factsheet.
    @Test(.enabled(if: SchemaCheck.available)) func theFixtureIsAValidFactsheet() throws {
        #expect(try SchemaCheck.problems(FactsheetFixtures.carrier, schema: "factsheet.schema") == nil)
    }

    /// The demo's AGV-01 with its footprint taken from a factsheet instead: `twin check` drives the
    /// factsheet's envelope (0.45 m high, the notch closed) along its route.
    @Test func aRouteIsCheckedWithTheFactsheetsBody() throws {
        let dir = try HostileInputTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let demo = TwinBinary.repository + "/Assets/demo"
        for item in ["hall.glb", "library"] {
            try FileManager.default.createSymbolicLink(atPath: dir + "/" + item, withDestinationPath: demo + "/" + item)
        }
        let yaml = try String(contentsOfFile: demo + "/plant.yaml", encoding: .utf8)
        let changed = yaml.replacingOccurrences(of: "  - id: AGV-01\n    kind: unit-load\n    footprint: {length: 1.2, width: 0.8, height: 0.4}\n    speed_mps: 1.2\n",
                                                with: "  - id: AGV-01\n    kind: unit-load\n    factsheet: carrier.json\n")
        #expect(changed != yaml)
        try changed.write(toFile: dir + "/plant.yaml", atomically: true, encoding: .utf8)
        try FactsheetFixtures.carrier.write(toFile: dir + "/carrier.json", atomically: true, encoding: .utf8)
        let result = try TwinBinary.run(["check", dir + "/plant.yaml", "--route", "R-LOOP", "--json"])
        #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains("\"agv\" : \"AGV-01\"") || result.stdout.contains("\"agv\": \"AGV-01\""), "\(result.stdout.prefix(400))")
        let info = try TwinBinary.run(["info", dir + "/plant.yaml", "--json"])
        #expect(info.status == 0, "\(info.stderr)")
    }
}
