import TwinJSON
import Foundation
import Testing
import TwinLayout
import TwinState
import TwinSync

/// Validates JSON against a VDA 5050 schema in ../shared/vda5050 with Python's jsonschema (Debian's
/// python3-jsonschema, which .ci/run installs): nil when it holds, else the validator's message.
enum SchemaCheck {
    static let folder = TwinBinary.repository + "/../shared/vda5050"
    static let python: String? = {
        for candidate in ["/usr/bin/python3", "python3"] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = [candidate, "-c", "import jsonschema"]
            p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
            if (try? p.run()) != nil { p.waitUntilExit(); if p.terminationStatus == 0 { return candidate } }
        }
        return nil
    }()
    static var available: Bool { python != nil && FileManager.default.fileExists(atPath: folder + "/order.schema") }

    static func problems(_ json: String, schema: String) throws -> String? {
        try problems(json, schemaFile: folder + "/" + schema, validator: "jsonschema.Draft202012Validator(schema)")
    }

    /// The verdict of `validator` (a Python expression over `schema`) on `json`.
    static func problems(_ json: String, schemaFile: String, validator: String) throws -> String? {
        let file = NSTemporaryDirectory() + "schema-\(UUID().uuidString).json"
        try json.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1])); doc = json.load(open(sys.argv[2]))
            errors = sorted(\(validator).iter_errors(doc), key=lambda e: list(e.path))
            print("; ".join("/".join(map(str, e.path)) + ": " + e.message for e in errors))
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [python!, "-c", script, schemaFile, file]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        p.waitUntilExit()
        return text.isEmpty ? nil : text
    }
}

@Suite("VDA 5050 as others speak it", .serialized)
struct VDA5050InteropTests {
    static let plant: Plant = try! PlantLoader().load(path: TwinBinary.repository + "/Assets/demo/plant.yaml")

    /// A VDA 5050 2.1 order for a route of the demo network, as a fleet control would build it
    /// from the manifest: node positions with their theta, NURBS trajectories on curved edges.
    static func order(for route: Route) -> String {
        let network = plant.network
        func n(_ v: Double) -> String { String(v) }
        var nodes: [String] = [], edges: [String] = []
        for (i, id) in route.nodes.enumerated() {
            let node = network.node(id: id)!
            let theta = node.theta.map { #", "theta": \#(n($0))"# } ?? ""
            nodes.append(#"{"nodeId": "\#(id)", "sequenceId": \#(2 * i), "released": true, "actions": [], "nodePosition": {"x": \#(n(node.x)), "y": \#(n(node.y))\#(theta), "mapId": "hall"}}"#)
            if i + 1 < route.nodes.count {
                let next = route.nodes[i + 1]
                let edge = network.edges.first { ($0.start == id && $0.end == next) || ($0.bidirectional && $0.start == next && $0.end == id) }!
                var trajectory = ""
                if let t = edge.trajectory, edge.start == id {
                    let points = t.controlPoints.map { #"{"x": \#(n($0.x)), "y": \#(n($0.y)), "weight": \#(n($0.weight))}"# }.joined(separator: ", ")
                    trajectory = #", "trajectory": {"degree": \#(t.degree), "knotVector": [\#(t.knots.map(n).joined(separator: ", "))], "controlPoints": [\#(points)]}"#
                }
                edges.append(#"{"edgeId": "\#(edge.id)", "sequenceId": \#(2 * i + 1), "released": true, "startNodeId": "\#(id)", "endNodeId": "\#(next)", "actions": []\#(trajectory)}"#)
            }
        }
        return #"{"headerId": 1, "timestamp": "2026-05-04T08:00:00Z", "version": "2.1.0", "manufacturer": "factorytwin", "serialNumber": "agv-01", "orderId": "\#(route.id)", "orderUpdateId": 0, "nodes": [\#(nodes.joined(separator: ", "))], "edges": [\#(edges.joined(separator: ", "))]}"#
    }

    /// Every order built from the demo's routes (and the orders the tests drive) validates against
    /// the 2.1 schema: node theta stays inside [-π, π] (π was written 3.141593, above the schema's
    /// maximum 3.14159265359).
    @Test(.enabled(if: SchemaCheck.available, "needs python3-jsonschema and ../shared/vda5050"))
    func ordersFromTheDemoValidateAgainstTheSchema() throws {
        #expect(!Self.plant.routes.isEmpty)
        for route in Self.plant.routes {
            let order = Self.order(for: route)
            #expect(try SchemaCheck.problems(order, schema: "order.schema") == nil, "\(route.id)")
            // And the twin drives it.
            let file = NSTemporaryDirectory() + "order-\(route.id).json"
            try order.write(toFile: file, atomically: true, encoding: .utf8)
            let result = try TwinBinary.run(["check", "Assets/demo/plant.yaml", "--order", file, "--agv", route.agv ?? "AGV-01", "--json"])
            #expect(result.status == 0 || result.status == 1, "\(route.id): \(result.stderr)")
        }
        #expect(try SchemaCheck.problems(CheckOrderFleetTests.order, schema: "order.schema") == nil)
        // The demo's own start poses (state.json) keep theta in range too.
        let state = try String(contentsOfFile: TwinBinary.repository + "/Assets/demo/state.json", encoding: .utf8)
        #expect(!state.contains("3.141593"))
    }

    /// Angles outside [-π, π] and other out-of-range fields are refused with the field named, in
    /// orders and in the manifest's network.
    @Test func outOfRangeAnglesAreRefused() throws {
        let dir = NSTemporaryDirectory() + "vda-range-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cases: [(String, String, String)] = [
            (#"{"x": 78.857, "y": 8, "mapId""#, #"{"x": 78.857, "y": 8, "theta": 3.141593, "mapId""#, "nodes[0].nodePosition.theta: must be within -π and π radians (±3.14159265359), found 3.141593"),
            (#""sequenceId": 2,"#, #""sequenceId": -2,"#, "nodes[1].sequenceId: must be a whole number from 0 to 2147483647, found -2"),
            (#""sequenceId": 1, "released": true"#, #""sequenceId": 1.5, "released": true"#, "edges[0].sequenceId: must be a whole number from 0 to 2147483647, found 1.5"),
            (#""endNodeId": "S8", "actions": []"#, #""endNodeId": "S8", "actions": [], "orientation": 4"#, "edges[0].orientation: must be within -π and π radians (±3.14159265359), found 4"),
            (#""endNodeId": "S8", "actions": []"#, #""endNodeId": "S8", "actions": [], "maxSpeed": -1"#, "edges[0].maxSpeed: must be 0 or more (m/s), found -1"),
        ]
        for (old, new, message) in cases {
            let text = CheckOrderFleetTests.order.replacingOccurrences(of: old, with: new)
            #expect(text != CheckOrderFleetTests.order, "\(old)")
            try text.write(toFile: dir + "/order.json", atomically: true, encoding: .utf8)
            let result = try TwinBinary.run(["check", "Assets/demo/plant.yaml", "--order", dir + "/order.json"])
            #expect(result.status == 2, "\(message): \(result.stderr)")
            #expect(result.stderr == "twin: error: \(dir)/order.json: \(message)\n", "\(result.stderr)")
        }
        let manifest = try String(contentsOfFile: TwinBinary.repository + "/Assets/demo/plant.yaml", encoding: .utf8)
            .replacingOccurrences(of: "{id: N1, x: 90, y: 52, theta: 3.141592}", with: "{id: N1, x: 90, y: 52, theta: 3.15}")
        try manifest.write(toFile: TwinBinary.repository + "/Assets/demo/range-test.yaml", atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: TwinBinary.repository + "/Assets/demo/range-test.yaml") }
        let result = try TwinBinary.run(["info", "Assets/demo/range-test.yaml"])
        #expect(result.status == 2)
        let line = try #require(manifest.components(separatedBy: "\n").firstIndex { $0.contains("{id: N1, x: 90, y: 52, theta: 3.15}") }) + 1
        #expect(result.stderr.contains("range-test.yaml:\(line): network.nodes[35].theta: must lie within -π and π radians (VDA 5050: ±3.14159265359), found 3.15"), "\(result.stderr)")
    }

    /// An order is held against the plant's network: a node without nodePosition (optional in VDA
    /// 5050) takes the network's; a node elsewhere than the network's, or one the network lacks, is
    /// said on stderr (and checked where the order puts it); a node with neither is refused.
    @Test func ordersAreHeldAgainstThePlantsNetwork() throws {
        let dir = NSTemporaryDirectory() + "vda-network-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func check(_ text: String) throws -> TwinBinary.Result {
            try text.write(toFile: dir + "/order.json", atomically: true, encoding: .utf8)
            return try TwinBinary.run(["check", "Assets/demo/plant.yaml", "--order", dir + "/order.json", "--json"])
        }
        let plain = try check(CheckOrderFleetTests.order)
        #expect(plain.status == 0 && plain.stderr.isEmpty, "\(plain.stderr)")
        // S8 without its position: the network's is taken; the same answer, nothing said.
        let withoutPosition = try check(CheckOrderFleetTests.order.replacingOccurrences(of: #", "nodePosition": {"x": 90, "y": 8, "mapId": "hall"}"#, with: ""))
        #expect(withoutPosition.status == 0 && withoutPosition.stderr.isEmpty, "\(withoutPosition.stderr)")
        #expect(withoutPosition.stdout.replacingOccurrences(of: "order-7", with: "") == plain.stdout.replacingOccurrences(of: "order-7", with: ""))
        // S7 half a metre off the network's S7: said.
        let moved = try check(CheckOrderFleetTests.order.replacingOccurrences(of: #"{"x": 78.857, "y": 8, "mapId""#, with: #"{"x": 78.857, "y": 8.5, "mapId""#))
        #expect(moved.stderr.contains("twin: note: \(dir)/order.json: nodes[0]: node 'S7' lies at (78.857, 8.500), 0.500 m from the network's node of that id at (78.857, 8.000); checked where the order puts it"), "\(moved.stderr)")
        // A node the network lacks: said; without a position as well: refused.
        let unknown = CheckOrderFleetTests.order.replacingOccurrences(of: "\"S7\"", with: "\"Q7\"")
        let unknownChecked = try check(unknown)
        #expect(unknownChecked.stderr.contains("nodes[0]: node 'Q7' is not in the plant's network; checked where the order puts it"), "\(unknownChecked.stderr)")
        let refused = try check(unknown.replacingOccurrences(of: #", "nodePosition": {"x": 78.857, "y": 8, "mapId": "hall"}"#, with: ""))
        #expect(refused.status == 2)
        #expect(refused.stderr == "twin: error: \(dir)/order.json: nodes[0].nodePosition: missing, and the plant's network has no node 'Q7' to take it from\n", "\(refused.stderr)")
    }

    /// VDA 5050 3.0 vehicles publish on uagv/v3/...: the twin follows them (mobileRobotPosition,
    /// powerSupply, CONNECTION_BROKEN); positions a vehicle says are not localized are counted
    /// per AGV in /health; a last will is stamped with the time it arrived, not its connect time.
    @Test(.enabled(if: MosquittoBroker.executable != nil))
    func version3TrafficIgnoredPosesAndStaleWills() throws {
        let (broker, server, base) = try SyncCommandTests.liveTwin()
        let publisher = try SyncCommandTests.publisher(broker)
        let state3 = #"""
            {"headerId":7,"timestamp":"2026-05-04T08:00:01.00Z","version":"3.0.0","manufacturer":"factorytwin","serialNumber":"agv-01",
             "orderId":"O-3","orderUpdateId":0,"lastNodeId":"S3","lastNodeSequenceId":2,"driving":true,"operatingMode":"STARTUP","paused":false,
             "mobileRobotPosition":{"x":41.5,"y":8.0,"theta":0.5,"mapId":"hall","localized":true},"velocity":{"vx":1.0,"vy":0,"omega":0},
             "powerSupply":{"stateOfCharge":64.0,"charging":false},"loads":[],"errors":[{"errorType":"bumper","errorLevel":"URGENT"}],
             "nodeStates":[],"edgeStates":[],"actionStates":[],"instantActionStates":[],"zoneActionStates":[],
             "zoneSets":[{"zoneSetId":"ZS-7","mapId":"hall","zoneSetStatus":"ENABLED"},{"zoneSetId":"ZS-6","mapId":"hall","zoneSetStatus":"DISABLED"}],
             "zoneRequests":[{"requestId":"r-1","requestType":"ACCESS","zoneId":"Z-3","zoneSetId":"ZS-7","requestStatus":"REQUESTED"}],
             "safetyState":{"activeEmergencyStop":"NONE","fieldViolation":false}}
            """#
        let lost3 = #"""
            {"headerId":8,"timestamp":"2026-05-04T08:00:02.00Z","version":"3.0.0","manufacturer":"factorytwin","serialNumber":"agv-01",
             "orderId":"O-3","orderUpdateId":0,"lastNodeId":"S3","lastNodeSequenceId":2,"driving":false,"operatingMode":"AUTOMATIC","paused":false,
             "mobileRobotPosition":{"x":0,"y":0,"theta":0,"mapId":"hall","localized":false},
             "powerSupply":{"stateOfCharge":63.0,"charging":false},"errors":[],
             "nodeStates":[],"edgeStates":[],"actionStates":[],"instantActionStates":[],"zoneActionStates":[],
             "safetyState":{"activeEmergencyStop":"NONE","fieldViolation":false}}
            """#
        let will3 = #"{"headerId":1,"timestamp":"2020-01-01T00:00:00.00Z","version":"3.0.0","manufacturer":"factorytwin","serialNumber":"agv-02","connectionState":"CONNECTION_BROKEN"}"#
        if SchemaCheck.available {
            #expect(try SchemaCheck.problems(state3, schema: "3.0/state.schema") == nil)
            #expect(try SchemaCheck.problems(lost3, schema: "3.0/state.schema") == nil)
            #expect(try SchemaCheck.problems(will3, schema: "3.0/connection.schema") == nil)
        }
        let before = Date()
        publisher.publish(topic: "uagv/v3/factorytwin/agv-01/state", payload: Array(state3.utf8))
        publisher.publish(topic: "uagv/v3/factorytwin/agv-01/state", payload: Array(lost3.utf8))
        publisher.publish(topic: "uagv/v3/factorytwin/agv-02/connection", payload: Array(will3.utf8))
        let agv = try HTTP.poll(base + "/state/AGV-01", token: TwinServer.readToken) { SyncCommandTests.object($0)["battery"] == .number(63) }
        let o = SyncCommandTests.object(agv)
        // The pose is the localized one; the second message's (not localized) was left out.
        #expect(o["pose"] == .object(JSONObject([.init(key: "x", value: .number(41.5)), .init(key: "y", value: .number(8)), .init(key: "theta", value: .number(0.5))])), "\(agv.text)")
        #expect(o["order"] == .string("O-3") && o["last_node"] == .string("S3") && o["operating_mode"] == .string("AUTOMATIC"), "\(agv.text)")
        // 3.0's zone state: the enabled zone set and the zone requests.
        #expect(o["zone_sets"] == .array([.string("ZS-7")]), "\(agv.text)")
        #expect(o["zone_requests"] == .array([.object(JSONObject([.init(key: "zone_set", value: .string("ZS-7")), .init(key: "zone", value: .string("Z-3")),
                                                                  .init(key: "type", value: .string("ACCESS")), .init(key: "status", value: .string("REQUESTED"))]))]), "\(agv.text)")
        let agv2 = try HTTP.poll(base + "/state/AGV-02", token: TwinServer.readToken) { SyncCommandTests.object($0)["connection"] != nil }
        let o2 = SyncCommandTests.object(agv2)
        #expect(o2["connection"] == .string("CONNECTION_BROKEN"), "\(agv2.text)")
        // Stamped when it arrived (now), not 2020.
        if case .string(let updated)? = o2["updated"], let t = Timestamp(iso8601: updated) {
            #expect(t.milliseconds >= Timestamp(before).milliseconds - 5000, "\(updated)")
        } else {
            Issue.record("no updated time: \(agv2.text)")
        }
        let health = SyncCommandTests.object(try HTTP.request("GET", base + "/health"))
        guard case .object(let mqtt)? = health["mqtt"], case .object(let agvs)? = mqtt["agvs"], case .object(let one)? = agvs["AGV-01"] else {
            Issue.record("no mqtt.agvs in /health: \(health)"); return
        }
        #expect(one["ignored_poses"] == .number(1), "\(one)")
        if case .number(let age)? = one["last_message_age_s"] { #expect(age >= 0 && age < 60) } else { Issue.record("no age: \(one)") }
        if case .object(let three)? = agvs["AGV-03"] { #expect(three["last_message_age_s"] == .null) }
        #expect(server.log.contains("AGV-01: position not used: the vehicle says it is not localized"), "\(server.log)")
        #expect(server.stop() == 0)
        publisher.disconnect()
    }
}
