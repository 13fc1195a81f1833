import Foundation
import Testing

@Suite("twin check, end to end")
struct CheckCommandTests {
    @Test func everyRouteOfTheDemoPlantIsCheckedAndClear() throws {
        let image = NSTemporaryDirectory() + "twin-check-\(UUID().uuidString).png"
        let result = try TwinBinary.run(["check", "Assets/demo/plant.yaml", "--json", "--image", image])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let routes = try #require(json["routes"] as? [[String: Any]])
        #expect(routes.map { $0["route"] as? String } == ["R-LOOP", "R-SUPPLY-1", "R-SUPPLY-2"])
        for route in routes {
            #expect(route["collides"] as? Bool == false)
            #expect(route["first_contact"] is NSNull)
            let clearance = try #require(route["min_clearance"] as? [String: Any])
            #expect((clearance["distance_m"] as? Double ?? -1) >= 0.1)
            #expect((route["length_m"] as? Double ?? 0) > 200)
        }
        #expect(FileManager.default.fileExists(atPath: image))
    }

    @Test func aTightMarginMakesViolationsAndExitStatusOne() throws {
        let result = try TwinBinary.run(["check", "Assets/demo/plant.yaml", "--route", "R-SUPPLY-1", "--margin", "0.2"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("within the 0.20 m margin: CS-2"), "\(result.stdout)")
    }

    @Test(arguments: [
        (["--route", "R-NOWHERE"], "unknown route 'R-NOWHERE' (known: R-LOOP, R-SUPPLY-1, R-SUPPLY-2)"),
        (["--agv", "AGV-99"], "unknown AGV 'AGV-99'"),
    ])
    func badInputIsOneLineAndStatusTwo(arguments: [String], message: String) throws {
        let result = try TwinBinary.run(["check", "Assets/demo/plant.yaml"] + arguments)
        #expect(result.status == 2)
        #expect(result.stderr == "twin: error: \(message)\n")
    }

    @Test func aMalformedCaseNamesItsField() throws {
        let file = NSTemporaryDirectory() + "twin-case-\(UUID().uuidString).json"
        try #"{"agv": {"length": -1, "width": 0.8, "height": 0.5}, "path": [{"type": "line", "from": [0, 0], "to": [1, 0]}]}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let result = try TwinBinary.run(["check", "--case", file])
        #expect(result.status == 2)
        #expect(result.stderr == "twin: error: \(file): agv.length: must be greater than zero, found -1.0\n")
    }
}

@Suite("twin check with orders and fleets")
struct CheckOrderFleetTests {
    func write(_ text: String, _ name: String) throws -> String {
        let dir = NSTemporaryDirectory() + "twin-fleet-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        return dir + "/" + name
    }

    static let order = #"""
        {"headerId": 1, "timestamp": "2026-05-04T08:00:00Z", "version": "2.1.0", "manufacturer": "factorytwin", "serialNumber": "agv-01",
         "orderId": "order-7", "orderUpdateId": 0,
         "nodes": [{"nodeId": "S7", "sequenceId": 0, "released": true, "actions": [], "nodePosition": {"x": 78.857, "y": 8, "mapId": "hall"}},
                   {"nodeId": "S8", "sequenceId": 2, "released": true, "actions": [], "nodePosition": {"x": 90, "y": 8, "mapId": "hall"}},
                   {"nodeId": "E1", "sequenceId": 4, "released": true, "actions": [], "nodePosition": {"x": 94, "y": 12, "mapId": "hall"}}],
         "edges": [{"edgeId": "S7-S8", "sequenceId": 1, "released": true, "startNodeId": "S7", "endNodeId": "S8", "actions": []},
                   {"edgeId": "S8-E1", "sequenceId": 3, "released": true, "startNodeId": "S8", "endNodeId": "E1", "actions": [],
                    "trajectory": {"degree": 2, "knotVector": [0, 0, 0, 1, 1, 1],
                                   "controlPoints": [{"x": 90, "y": 8}, {"x": 94, "y": 8, "weight": 0.7071067811865476}, {"x": 94, "y": 12}]}}]}
        """#

    @Test func aVDA5050OrderIsDrivenByTheAGVItNames() throws {
        let file = try write(Self.order, "order.json")
        let result = try TwinBinary.run(["check", "Assets/demo/plant.yaml", "--order", file, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let route = try #require((json["routes"] as? [[String: Any]])?.first)
        #expect(route["agv"] as? String == "AGV-01")
        // 11.143 m straight, then a quarter circle of radius 4 m.
        #expect(abs((route["length_m"] as? Double ?? 0) - (11.143 + 2 * .pi)) < 1e-3)
    }

    @Test(arguments: [
        ("\"endNodeId\": \"S8\", \"actions\": []}", "\"endNodeId\": \"S9\", \"actions\": []}", "edges[0].endNodeId: unknown node 'S9'"),
        ("\"knotVector\": [0, 0, 0, 1, 1, 1]", "\"knotVector\": [0, 0, 1, 1, 1]", "edges[1].trajectory: malformed NURBS: knot vector has 5 knots; control points + degree + 1 = 6"),
        ("{\"x\": 90, \"y\": 8, \"mapId\"", "{\"x\": \"ninety\", \"y\": 8, \"mapId\"", "nodes[1].nodePosition.x: expected a finite number"),
        ("{\"x\": 90, \"y\": 8, \"mapId\"", "{\"x\": ninety, \"y\": 8, \"mapId\"", "not valid JSON: line "),
    ])
    func badOrdersNameTheirField(old: String, new: String, message: String) throws {
        let text = Self.order.replacingOccurrences(of: old, with: new)
        #expect(text != Self.order)
        let file = try write(text, "order.json")
        let result = try TwinBinary.run(["check", "Assets/demo/plant.yaml", "--order", file])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("twin: error: \(file): \(message)") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }

    @Test func aFleetThatSharesTheLoopAtOnceConflictsAndStaggeredDoesNot() throws {
        let together = try write("agvs:\n  - {agv: AGV-02, route: R-SUPPLY-1, start_s: 0, speed_mps: 1.0}\n  - {agv: AGV-03, route: R-SUPPLY-2, start_s: 0, speed_mps: 1.0}\n", "fleet.yaml")
        let conflict = try TwinBinary.run(["check", "Assets/demo/plant.yaml", "--fleet", together, "--json"])
        #expect(conflict.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(conflict.stdout.utf8)) as? [String: Any])
        #expect(((json["conflicts"] as? [[String: Any]])?.first?["agvs"] as? [String]) == ["AGV-02", "AGV-03"])
        // AGV-03 waits on its charger spur until AGV-02 is back on its own (222 m at 1 m/s).
        let alone = try write("agvs:\n  - {agv: AGV-02, route: R-SUPPLY-1, start_s: 0, speed_mps: 1.0}\n  - {agv: AGV-03, route: R-SUPPLY-2, start_s: 300, speed_mps: 1.0}\n", "fleet.yaml")
        let clear = try TwinBinary.run(["check", "Assets/demo/plant.yaml", "--fleet", alone])
        #expect(clear.status == 0, "\(clear.stdout)\(clear.stderr)")
    }

    /// The margin holds between AGVs too: two AGVs that pass without touching but nearer than
    /// their margin make the check fail, with the pair named; a rotation speed on the spot is read.
    @Test func aFleetPairWithinTheMarginFailsTheCheck() throws {
        let file = try write("agvs:\n  - {agv: AGV-02, route: R-SUPPLY-1, start_s: 0, speed_mps: 1.0, rotation_speed_radps: 0.8}\n  - {agv: AGV-03, route: R-SUPPLY-2, start_s: 300, speed_mps: 1.0}\n", "fleet.yaml")
        let wide = try TwinBinary.run(["check", "Assets/demo/plant.yaml", "--fleet", file, "--margin", "30", "--json"])
        #expect(wide.status == 1, "\(wide.stdout)\(wide.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(wide.stdout.utf8)) as? [String: Any])
        #expect((json["conflicts"] as? [Any])?.isEmpty == true)
        let near = try #require((json["within_margin"] as? [[String: Any]])?.first)
        #expect(near["agvs"] as? [String] == ["AGV-02", "AGV-03"] && near["margin_m"] as? Double == 30)
        #expect((near["separation_m"] as? Double).map { $0 > 0 && $0 < 30 } == true)
        let text = try TwinBinary.run(["check", "Assets/demo/plant.yaml", "--fleet", file, "--margin", "30"])
        #expect(text.stdout.contains("WITHIN MARGIN at t = ") && text.stdout.contains("AGV-02 and AGV-03"), "\(text.stdout)")
        let bad = try write("agvs:\n  - {agv: AGV-02, route: R-SUPPLY-1, speed_mps: 1.0, rotation_speed_radps: 0}\n", "fleet.yaml")
        let refused = try TwinBinary.run(["check", "Assets/demo/plant.yaml", "--fleet", bad])
        #expect(refused.status == 2 && refused.stderr.contains("agvs[0].rotation_speed_radps"), "\(refused.stderr)")
    }

    @Test func aBadFleetFileNamesItsLine() throws {
        let file = try write("agvs:\n  - {agv: AGV-02, route: R-SUPPLY-1, speed_mps: 1.0}\n  - {agv: AGV-77, route: R-LOOP, speed_mps: 1.0}\n", "fleet.yaml")
        let result = try TwinBinary.run(["check", "Assets/demo/plant.yaml", "--fleet", file])
        #expect(result.status == 2)
        #expect(result.stderr == "twin: error: \(file):3: agvs[1].agv: unknown AGV 'AGV-77' (an AGV the plant does not have needs 'like: AGV' to take a body)\n")
    }
}

@Suite("twin check --timings")
struct CheckTimingsTests {
    /// Where a route check spent its time: one JSON line on stderr, every phase of every route.
    @Test func timingsSayWhereTheTimeWent() throws {
        let result = try TwinBinary.run(["check", "Assets/demo/plant.yaml", "--timings", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: Any])
        for key in ["load_s", "setup_s", "check_s"] { #expect((object[key] as? Double).map { $0 >= 0 } == true, "\(key)") }
        let routes = try #require(object["routes"] as? [[String: Any]])
        #expect(routes.map { $0["route"] as? String } == ["R-LOOP", "R-SUPPLY-1", "R-SUPPLY-2"])
        for route in routes {
            for key in ["contact_pass_s", "clearance_s", "margin_search_s"] { #expect((route[key] as? Double).map { $0 >= 0 } == true, "\(key)") }
            let perPhase = ["contact_pass_queries", "clearance_queries", "margin_search_queries"].compactMap { route[$0] as? Double }
            #expect(perPhase.count == 3 && perPhase.reduce(0, +) == route["queries"] as? Double, "\(route)")
            #expect((route["queries"] as? Int).map { $0 > 0 } == true)
        }
        // stdout stays the report alone.
        #expect((try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) != nil)
    }
}
