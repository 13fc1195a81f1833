import Foundation
import Testing

/// `twin generate orders` and `twin plan` on the demo plant, end to end: the plan is verified, its
/// fleet file passes `twin check --fleet` with the same smallest separation, its VDA 5050 orders
/// validate against the standard's schema, and bad input is one line each.
@Suite("twin plan on the demo")
struct PlanCommandTests {
    static func folder() throws -> String {
        let dir = NSTemporaryDirectory() + "twin-plan-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func anHourIsPlannedVerifiedAndCheckedAgain() throws {
        let dir = try Self.folder()
        let generated = try TwinBinary.run(["generate", "orders", "Assets/demo/plant.yaml", "--shift", "1h", "--seed", "2", "-o", dir + "/shift.jsonl"])
        #expect(generated.status == 0, "\(generated.stderr)")
        let count = try String(contentsOfFile: dir + "/shift.jsonl", encoding: .utf8).split(separator: "\n").count
        #expect(count > 50)
        // The same seed, the same bytes.
        let again = try TwinBinary.run(["generate", "orders", "Assets/demo/plant.yaml", "--shift", "1h", "--seed", "2"])
        #expect(again.stdout == (try String(contentsOfFile: dir + "/shift.jsonl", encoding: .utf8)))

        let result = try TwinBinary.run(["plan", "Assets/demo/plant.yaml", dir + "/shift.jsonl", "--agvs", "8", "--json",
                                         "--fleet-out", dir + "/fleet.yaml", "--orders-out", dir + "/orders", "--report", dir + "/plan.md",
                                         "--image", dir + "/traffic.png"], timeoutSeconds: 600)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["orders"] as? Int == count && json["done"] as? Int == count && json["conflicts"] as? Int == 0)
        let separation = try #require(json["minimum_separation_m"] as? Double)
        #expect(separation >= 0.1)
        #expect((json["agvs"] as? [Any])?.count == 8)
        let md = try String(contentsOfFile: dir + "/plan.md", encoding: .utf8)
        #expect(md.contains("AGV-08") && md.contains("on time"))
        #expect(FileManager.default.fileExists(atPath: dir + "/traffic.png"))

        // The fleet file goes back through the exact check: no conflict, the same separation (to the printed mm).
        let check = try TwinBinary.run(["check", "Assets/demo/plant.yaml", "--fleet", dir + "/fleet.yaml"], timeoutSeconds: 600)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains(String(format: "smallest separation %.3f m", separation)), "\(check.stdout)")

        // Every VDA 5050 order validates against the 2.1 schema and names the plan's nodes.
        let agvs = try FileManager.default.contentsOfDirectory(atPath: dir + "/orders").sorted()
        #expect(agvs.first == "AGV-01" && agvs.count == 8)
        var files: [String] = []
        for agv in agvs { files += try FileManager.default.contentsOfDirectory(atPath: dir + "/orders/" + agv).map { dir + "/orders/" + agv + "/" + $0 } }
        #expect(files.count == count, "one order per transport order")
        guard SchemaCheck.available else { return }
        for file in files.sorted().prefix(12) {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(try SchemaCheck.problems(text, schema: "order.schema") == nil, "\(file)")
            // And the twin reads it back as an order of its network.
            let read = try TwinBinary.run(["check", "Assets/demo/plant.yaml", "--order", file, "--json"])
            #expect(read.status == 0 || read.status == 1, "\(file): \(read.stderr)")
        }
    }

    @Test func badOrdersAreOneLineEachAndTheRestIsPlanned() throws {
        let dir = try Self.folder()
        try """
            {"id":"T-1","from":"R-01","to":"M-001","release_s":0,"due_s":900}
            {"id":"T-2","from":"R-01","to":"M-404","release_s":0,"due_s":900}
            {"id":"T-3","from":"M-002","to":"R-02","release_s":100,"due_s":50}
            {"id":"../../escape","from":"M-003","to":"R-03","release_s":10,"due_s":900}
            """.write(toFile: dir + "/orders.jsonl", atomically: true, encoding: .utf8)
        let result = try TwinBinary.run(["plan", "Assets/demo/plant.yaml", dir + "/orders.jsonl", "--orders-out", dir + "/out"])
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n").filter { $0.contains("order T-") }
        #expect(lines == ["twin: \(dir)/orders.jsonl:2: order T-2: to: unknown place 'M-404' (neither an entity nor a network node)",
                          "twin: \(dir)/orders.jsonl:3: order T-3: due_s 50 lies before release_s 100"], "\(result.stderr)")
        #expect(result.stdout.contains("orders      4 read, 2 rejected, 2 of 2 done"), "\(result.stdout)")
        // An order id never leaves the folder it is written to.
        let written = FileManager.default.enumerator(atPath: dir + "/out")?.allObjects as? [String] ?? []
        #expect(written.contains { $0.hasSuffix("_.._escape.json") } && !FileManager.default.fileExists(atPath: dir + "/escape.json"), "\(written)")
    }

    @Test func badCommandLinesAndFilesAreOneError() throws {
        let dir = try Self.folder()
        try "".write(toFile: dir + "/empty.jsonl", atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["plan", "Assets/demo/plant.yaml", dir + "/missing.jsonl"], "twin: error: \(dir)/missing.jsonl: cannot read the file"),
            (["plan", "Assets/demo/plant.yaml", dir + "/empty.jsonl"], "twin: error: \(dir)/empty.jsonl: the order file is empty"),
            (["plan", "Assets/demo/plant.yaml", dir + "/empty.jsonl", "--agvs", "0"], "twin: error: --agvs must lie within 1 and 10000, found 0"),
            (["plan", "Assets/demo/plant.yaml", "Assets/demo/updates.jsonl", "--agvs", "40"],
             "twin: error: Assets/demo/plant.yaml: 40 AGVs need 35 more free parking places to start at; the network has 19 (network: parking:)"),
            (["generate", "orders", "Assets/demo/plant.yaml", "--shift", "forever"], "twin: error: --shift"),
        ]
        for (arguments, message) in cases {
            let result = try TwinBinary.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix(message) && result.stderr.split(separator: "\n").last?.hasPrefix("twin: error:") == true,
                    "\(arguments): \(result.stderr)")
        }
    }

    @Test func badFleetFileEntriesNameTheirLine() throws {
        let dir = try Self.folder()
        let cases: [(String, String)] = [
            ("  - {agv: AGV-01, nodes: [S1, NOWHERE], speed_mps: 1}\n", "agvs[0].nodes[1]: unknown node 'NOWHERE'"),
            ("  - {agv: AGV-01, nodes: [S2, S1], speed_mps: 1}\n", "agvs[0].nodes[1]: no edge from S2 to S1"),
            ("  - {agv: AGV-01, nodes: [], speed_mps: 1}\n", "agvs[0].nodes: give at least one node"),
            ("  - {agv: AGV-01, nodes: [S1], route: R-LOOP, speed_mps: 1}\n", "agvs[0]: give exactly one of 'route', 'order' or 'nodes'"),
            ("  - {agv: AGV-99, nodes: [S1], speed_mps: 1}\n", "agvs[0].agv: unknown AGV 'AGV-99' (an AGV the plant does not have needs 'like: AGV' to take a body)"),
            ("  - {agv: AGV-99, like: M-001, nodes: [S1], speed_mps: 1}\n", "agvs[0].like: unknown AGV 'M-001'"),
            ("  - {agv: AGV-02, like: AGV-01, nodes: [S1], speed_mps: 1}\n", "agvs[0].like: 'AGV-02' is in the plant and has its own body"),
            ("  - {agv: AGV-01, nodes: [S1], speed_mps: 1, start_heading_rad: east}\n", "agvs[0].start_heading_rad"),
        ]
        for (entry, message) in cases {
            try ("agvs:\n" + entry).write(toFile: dir + "/fleet.yaml", atomically: true, encoding: .utf8)
            let result = try TwinBinary.run(["check", "Assets/demo/plant.yaml", "--fleet", dir + "/fleet.yaml"])
            #expect(result.status == 2, "\(entry): \(result.stderr)")
            #expect(result.stderr.hasPrefix("twin: error: \(dir)/fleet.yaml:2: \(message)") && result.stderr.split(separator: "\n").count == 1,
                    "\(entry): \(result.stderr)")
        }
        // An AGV's entries must follow one another: from where the last one left it, once it has arrived.
        let sequences: [(String, String)] = [
            ("  - {agv: AGV-01, nodes: [S1, M-001-IN-J], start_s: 0, speed_mps: 1, start_heading_rad: 0}\n  - {agv: AGV-01, nodes: [S2, M-002-OUT-J], start_s: 60, speed_mps: 1}\n",
             "AGV-01 sets off at (23.14, 8.00), 8.34 m from where its entry on line 2 leaves it at (14.80, 8.00)"),
            ("  - {agv: AGV-01, nodes: [S1, M-001-IN-J], start_s: 0, speed_mps: 1, start_heading_rad: 0}\n  - {agv: AGV-01, nodes: [M-001-IN-J, M-001-OUT-J], start_s: 1, speed_mps: 1}\n",
             "AGV-01 sets off at 1.000 s, before its entry on line 2 arrives at 2.800 s"),
            ("  - {agv: AGV-01, nodes: [P-01], speed_mps: 1}\n  - {agv: AGV-01, nodes: [S1, M-001-IN-J], start_s: 60, speed_mps: 1}\n",
             "AGV-01 stands at P-01: give start_heading_rad"),
        ]
        for (entries, message) in sequences {
            try ("agvs:\n" + entries).write(toFile: dir + "/fleet.yaml", atomically: true, encoding: .utf8)
            let result = try TwinBinary.run(["check", "Assets/demo/plant.yaml", "--fleet", dir + "/fleet.yaml"])
            #expect(result.status == 2 && result.stderr.contains(message) && result.stderr.split(separator: "\n").count == 1, "\(entries): \(result.stderr)")
        }
        // Two entries of one AGV drive one after another; one node stands; an added AGV has a plant AGV's body.
        try """
            agvs:
              - {agv: AGV-01, nodes: [S1, M-001-IN-J, M-001-OUT-J], start_s: 0, speed_mps: 1, start_heading_rad: 0}
              - {agv: AGV-01, nodes: [M-001-OUT-J, M-002-IN-J, S2], start_s: 30, speed_mps: 1}
              - {agv: AGV-77, like: AGV-01, nodes: [S2], speed_mps: 1, start_heading_rad: 0}
            """.write(toFile: dir + "/fleet.yaml", atomically: true, encoding: .utf8)
        let meets = try TwinBinary.run(["check", "Assets/demo/plant.yaml", "--fleet", dir + "/fleet.yaml", "--json"])
        #expect(meets.status == 1, "AGV-01 drives into AGV-77 standing at S2: \(meets.stdout)\(meets.stderr)")
        #expect(meets.stdout.contains("AGV-77"))
    }
}
