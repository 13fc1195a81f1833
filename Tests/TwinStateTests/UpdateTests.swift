import TwinJSON
import Testing
import TwinTestSupport
import TwinGeometry
@testable import TwinState

@Suite("Updates: parsing, checking, applying")
struct UpdateTests {
    @Test func machineUpdatesSetStatusSignalsAndCounters() throws {
        var state = Demo.state
        try state.apply(#"{"t":"2026-05-04T08:00:00Z","entity":"M-012","set":{"status":"fault","signals":{"spindle_temp_C":81.5,"program":"P-7","door_open":false,"pressure":{"value":6.2,"unit":"bar"}},"counters":{"good":120}}}"#)
        try state.apply(#"{"t":"2026-05-04T08:00:05Z","entity":"M-012","add":{"counters":{"good":3,"scrap":1}}}"#)
        let m = try #require(state.entity("M-012")).state
        #expect(m.status == .fault)
        #expect(m.statusSince == Timestamp(iso8601: "2026-05-04T08:00:00Z"))
        #expect(m.signals["spindle_temp_C"] == .number(81.5, unit: nil))
        #expect(m.signals["pressure"] == .number(6.2, unit: "bar"))
        #expect(m.signals["program"] == .string("P-7"))
        #expect(m.signals["door_open"] == .bool(false))
        #expect(m.counters == ["good": 123, "scrap": 1])
        #expect(m.updated == Timestamp(iso8601: "2026-05-04T08:00:05Z"))
        #expect(state.sequence == 2)
        #expect(state.time == Timestamp(iso8601: "2026-05-04T08:00:05Z"))
        // The same status again keeps the moment it began.
        try state.apply(#"{"t":"2026-05-04T08:01:00Z","entity":"M-012","set":{"status":"fault"}}"#)
        #expect(state.entity("M-012")?.state.statusSince == Timestamp(iso8601: "2026-05-04T08:00:00Z"))
    }

    @Test func agvUpdatesCarryVDA5050Fields() throws {
        var state = Demo.state
        try state.apply(#"{"t":"2026-05-04T08:00:00Z","entity":"AGV-01","set":{"pose":{"x":40.5,"y":8,"theta":1.57},"velocity":{"vx":1.2},"driving":true,"battery":76.5,"operating_mode":"AUTOMATIC","loads":[{"id":"L-1","type":"EPAL","weight_kg":420}],"errors":[{"type":"obstacle","level":"WARNING"}],"last_node":"N-01","order":"O-77"}}"#)
        let a = try #require(state.entity("AGV-01")).state.agv
        #expect(a.pose == Pose2D(x: 40.5, y: 8, theta: 1.57))
        #expect(a.velocity == SIMD3(1.2, 0, 0))
        #expect(a.driving == true && a.battery == 76.5 && a.operatingMode == .automatic)
        #expect(a.loads == [AGVLoad(id: "L-1", type: "EPAL", weightKilograms: 420)])
        #expect(a.errors == [AGVError(type: "obstacle", level: .warning)])
        #expect(a.lastNode == "N-01" && a.order == "O-77")
        try state.apply(#"{"t":"2026-05-04T08:00:01Z","entity":"AGV-01","set":{"order":null,"errors":[]}}"#)
        #expect(state.entity("AGV-01")?.state.agv.order == nil)
        #expect(state.entity("AGV-01")?.state.agv.errors == [])
    }

    @Test func badUpdatesNameTheField() {
        let cases: [(String, String)] = [
            (#"{"entity":"M-012","set":{"status":"fault"}}"#, "t: missing (the time of the update, ISO 8601)"),
            (#"{"t":"08:00","entity":"M-012","set":{"status":"fault"}}"#, "t: expected an ISO 8601 time such as 2026-05-04T08:00:00Z, found '08:00'"),
            (#"{"t":"2026-05-04T08:00:00Z","entity":"M-999","set":{"status":"fault"}}"#, "entity: unknown entity 'M-999'"),
            (#"{"t":"2026-05-04T08:00:00Z","entity":"M-012","set":{"status":"broken"}}"#, "set.status: unknown status 'broken' (expected one of: running, idle, blocked, starved, fault, maintenance, setup, offline)"),
            (#"{"t":"2026-05-04T08:00:00Z","entity":"M-012","set":{"status":3}}"#, "set.status: unknown status a number (expected one of: running, idle, blocked, starved, fault, maintenance, setup, offline)"),
            (#"{"t":"2026-05-04T08:00:00Z","entity":"M-012","set":{"signals":{"temp":[1]}}}"#, "set.signals.temp: expected a number, string, boolean or {\"value\", \"unit\"}, found an array"),
            (#"{"t":"2026-05-04T08:00:00Z","entity":"M-012","set":{"counters":{"good":1.5}}}"#, "set.counters.good: expected a whole number, found a number"),
            (#"{"t":"2026-05-04T08:00:00Z","entity":"M-012","set":{"pose":{"x":1,"y":2}}}"#, "set.pose: machine 'M-012' has no such field"),
            (#"{"t":"2026-05-04T08:00:00Z","entity":"AGV-01","set":{"status":"fault"}}"#, "set.status: agv 'AGV-01' has no such field"),
            (#"{"t":"2026-05-04T08:00:00Z","entity":"AGV-01","set":{"pose":{"x":"1","y":2}}}"#, "set.pose.x: expected a number, found '1'"),
            (#"{"t":"2026-05-04T08:00:00Z","entity":"AGV-01","set":{"pose":{"x":1}}}"#, "set.pose: a pose needs x and y (and theta, radians)"),
            (#"{"t":"2026-05-04T08:00:00Z","entity":"AGV-01","set":{"battery":120}}"#, "set.battery: a battery charge is a percentage from 0 to 100, found 120"),
            (#"{"t":"2026-05-04T08:00:00Z","entity":"AGV-01","set":{"operating_mode":"auto"}}"#, "set.operating_mode: unknown operating mode 'auto' (expected one of: AUTOMATIC, SEMIAUTOMATIC, MANUAL, SERVICE, TEACHIN, STARTUP, INTERVENED)"),
            (#"{"t":"2026-05-04T08:00:00Z","entity":"AGV-01","set":{"errors":[{"type":"x","level":"BAD"}]}}"#, "set.errors[0].level: expected WARNING, FATAL, URGENT, CRITICAL"),
            (#"{"t":"2026-05-04T08:00:00Z","entity":"AGV-01","set":{"driving":"yes"}}"#, "set.driving: expected true or false, found 'yes'"),
            (#"{"t":"2026-05-04T08:00:00Z","entity":"M-012","set":{"speed":3}}"#, "set.speed: unknown field (expected one of: status, reasons, signals, counters, running, speed_mps, pose, velocity, driving, battery, operating_mode, loads, errors, last_node, order, connection, zone_sets, zone_requests)"),
            (#"{"t":"2026-05-04T08:00:00Z","entity":"AGV-01","set":{"zone_requests":[{"zone_set":"ZS-1","zone":"Z-1","type":"EXIT","status":"GRANTED"}]}}"#, "set.zone_requests[0].type: expected ACCESS or REPLANNING, found 'EXIT'"),
            (#"{"t":"2026-05-04T08:00:00Z","entity":"AGV-01","set":{"zone_sets":[7]}}"#, "set.zone_sets[0]: expected a string, found a number"),
            (#"{"t":"2026-05-04T08:00:00Z","entity":"M-012","set":{"zone_sets":["ZS-1"]}}"#, "set.zone_sets: machine 'M-012' has no such field"),
            (#"{"t":"2026-05-04T08:00:00Z","entity":"M-012"}"#, "set: missing or empty (nothing to update)"),
            (#"{"t":"2026-05-04T08:00:00Z","entity":"M-012","set":{},"extra":1}"#, "extra: unknown field (an update has t, entity and set, or t and edit)"),
            (#"{"t":"2026-05-04T08:00:00Z","edit":"teleport","entity":"M-012"}"#, "edit: unknown edit 'teleport' (expected one of: move, add, remove, add_node, remove_node, add_edge, remove_edge)"),
            (#"{"t":"2026-05-04T08:00:00Z","edit":"move","entity":"M-012"}"#, "a move needs x, y, theta_deg, dx, dy or dtheta_deg"),
            (#"{"t":"2026-05-04T08:00:00Z","edit":"move","entity":"AGV-01","dx":1}"#, "entity: AGV 'AGV-01' moves by its pose (set.pose), not by a layout edit"),
            (#"{"t":"2026-05-04T08:00:00Z","edit":"add","entity":"M-100","x":1,"y":2}"#, "an added entity needs like (an entity whose look it copies) or size [length, width, height]"),
            (#"{"t":"2026-05-04T08:00:00Z","edit":"add","entity":"M-100","size":[1,0,2],"x":1,"y":2}"#, "size[1]: must be greater than zero"),
            (#"{"t":"2026-05-04T08:00:00Z","edit":"add","entity":"M-100","like":"AGV-01","x":1,"y":2}"#, "like: 'AGV-01' is not an entity of the plant file whose look can be copied"),
            (#"{"t":"2026-05-04T08:00:00Z","edit":"add","entity":"M-012","like":"M-001","x":1,"y":2}"#, "entity: 'M-012' is already in the layout"),
            (#"{"t":"2026-05-04T08:00:00Z","edit":"add","entity":"X","category":"robot","size":[1,1,1],"x":1,"y":2}"#, "category: unknown category 'robot' (expected one of: machine, conveyor, rack, station, agv, structure, object)"),
            (#"{"t":"2026-05-04T08:00:00Z","edit":"remove","entity":"AGV-01"}"#, "entity: AGVs are declared in the plant file, not removed by a layout edit"),
            (#"{"t":"2026-05-04T08:00:00Z","edit":"remove_node","node":"N-404"}"#, "node: unknown network node 'N-404'"),
            (#"{"t":"2026-05-04T08:00:00Z","edit":"add_edge","edge":"E-X","from":"N-404","to":"N-405"}"#, "from: unknown network node 'N-404'"),
            (#"{"t":"2026-05-04T08:00:00Z","edit":"remove_edge","edge":"E-404"}"#, "edge: unknown network edge 'E-404'"),
            ("[1,2]", "expected a JSON object, found an array"),
            (#"{"t": "2026-05-04T08:00:00Z", "entity": }"#, "not valid JSON: column 41: unexpected character '}'"),
        ]
        for (line, message) in cases {
            var state = Demo.state
            let before = state
            do {
                try state.apply(line)
                Issue.record("accepted \(line)")
            } catch {
                #expect(error.description == message, "\(line)")
            }
            #expect(state == before, "a rejected update changed the state: \(line)")
        }
    }

    @Test func layoutEditsMoveAddAndRemove() throws {
        var state = Demo.state
        let start = try #require(state.entity("M-012")?.placement)
        try state.apply(#"{"t":"2026-05-04T08:00:00Z","edit":"move","entity":"M-012","dx":1.5,"dtheta_deg":90}"#)
        let moved = try #require(state.entity("M-012")?.placement)
        #expect(abs(moved.x - start.x - 1.5) < 1e-12 && moved.y == start.y && abs(moved.theta - start.theta - .pi / 2) < 1e-12)
        try state.apply(#"{"t":"2026-05-04T08:00:01Z","edit":"add","entity":"M-100","kind":"cnc-mill","like":"M-001","x":10,"y":5,"theta_deg":180}"#)
        try state.apply(#"{"t":"2026-05-04T08:00:02Z","edit":"add","entity":"PAL-1","category":"object","size":[1.2,0.8,1.5],"x":12,"y":5}"#)
        try state.apply(#"{"t":"2026-05-04T08:00:03Z","edit":"remove","entity":"M-001"}"#)
        #expect(state.entity("M-100")?.shape == .like("M-001"))
        #expect(state.entity("M-001")?.removed == true)
        #expect(state.hasLayoutEdits)
        // Updates reach added entities and never removed ones.
        try state.apply(#"{"t":"2026-05-04T08:00:04Z","entity":"M-100","set":{"status":"running"}}"#)
        #expect(throws: StateError.self) { try state.apply(#"{"t":"2026-05-04T08:00:05Z","entity":"M-001","set":{"status":"running"}}"#) }
        // The network: a node, an edge; a node with edges stays until they go.
        let node = try #require(state.nodes.first?.id)
        try state.apply(#"{"t":"2026-05-04T08:00:06Z","edit":"add_node","node":"N-X","x":1,"y":1}"#)
        try state.apply(#"{"t":"2026-05-04T08:00:07Z","edit":"add_edge","edge":"E-X","from":"N-X","to":"\#(node)","bidirectional":true}"#)
        do {
            try state.apply(#"{"t":"2026-05-04T08:00:08Z","edit":"remove_node","node":"N-X"}"#)
            Issue.record("removed a node with edges")
        } catch {
            #expect(error.description == "node: node 'N-X' still has edges E-X; remove them first")
        }
        try state.apply(#"{"t":"2026-05-04T08:00:09Z","edit":"remove_edge","edge":"E-X"}"#)
        try state.apply(#"{"t":"2026-05-04T08:00:10Z","edit":"remove_node","node":"N-X"}"#)
        #expect(state.networkEdited)
    }

    @Test func lateUpdatesArePlacedAtTheirTimeAndLeaveTheClock() throws {
        var state = Demo.state
        try state.apply(#"{"t":"2026-05-04T08:00:10Z","entity":"M-012","set":{"status":"running"}}"#)
        try state.apply(#"{"t":"2026-05-04T08:00:05Z","entity":"M-012","set":{"status":"idle","signals":{"door":"open"}}}"#)
        // The later report stands; the field no later update set takes the late value.
        #expect(state.entity("M-012")?.state.status == .running)
        #expect(state.entity("M-012")?.state.statusSince == Timestamp(iso8601: "2026-05-04T08:00:10Z"))
        #expect(state.entity("M-012")?.state.signals["door"] == .string("open"))
        #expect(state.entity("M-012")?.state.updated == Timestamp(iso8601: "2026-05-04T08:00:10Z"))
        #expect(state.time == Timestamp(iso8601: "2026-05-04T08:00:10Z"))
        #expect(state.lateUpdates == 1)
    }

    @Test func updatesWriteAndReadBackTheSame() throws {
        let lines = [
            #"{"t":"2026-05-04T08:00:00Z","entity":"M-012","set":{"status":"fault","signals":{"a":1.5,"b":{"value":2,"unit":"bar"}},"counters":{"good":3}},"add":{"counters":{"scrap":1}}}"#,
            #"{"t":"2026-05-04T08:00:00.125Z","entity":"AGV-01","set":{"pose":{"x":1,"y":2,"theta":0.5},"driving":false,"last_node":null}}"#,
            #"{"t":"2026-05-04T08:00:00Z","entity":"AGV-01","set":{"connection":"CONNECTION_BROKEN","zone_sets":["ZS-7"],"zone_requests":[{"zone_set":"ZS-7","zone":"Z-3","type":"REPLANNING","status":"GRANTED"}]}}"#,
            #"{"t":"2026-05-04T08:00:00Z","edit":"move","entity":"M-012","x":3,"dtheta_deg":45}"#,
            #"{"t":"2026-05-04T08:00:00Z","edit":"add","entity":"B","category":"object","size":[1,2,3],"x":1,"y":2,"theta_deg":90}"#,
            #"{"t":"2026-05-04T08:00:00Z","edit":"add_edge","edge":"E","from":"A","to":"B","bidirectional":true}"#,
        ]
        for line in lines {
            let update = try UpdateParser.parse(line: line)
            #expect(try UpdateParser.parse(line: update.jsonLine) == update, "\(line)")
        }
    }

    @Test func documentsRestoreTheState() throws {
        var state = Demo.state
        try state.apply(#"{"t":"2026-05-04T08:00:00Z","entity":"M-012","set":{"status":"fault","signals":{"a":1.5,"p":{"value":2,"unit":"bar"}},"counters":{"good":3}}}"#)
        try state.apply(#"{"t":"2026-05-04T08:00:01Z","entity":"AGV-02","set":{"pose":{"x":1,"y":2,"theta":0.5},"loads":[{"id":"L"}],"battery":50}}"#)
        try state.apply(#"{"t":"2026-05-04T08:00:02Z","edit":"move","entity":"M-003","dy":-2}"#)
        try state.apply(#"{"t":"2026-05-04T08:00:03Z","edit":"remove","entity":"M-004"}"#)
        try state.apply(#"{"t":"2026-05-04T08:00:04Z","edit":"add","entity":"M-004","like":"M-001","x":30,"y":20}"#)
        try state.apply(#"{"t":"2026-05-04T08:00:05Z","edit":"add_node","node":"N-X","x":1,"y":1}"#)
        try state.apply(#"{"t":"2026-05-04T08:00:06Z","entity":"C-101","set":{"running":true,"speed_mps":0.4}}"#)
        let text = JSONWriter.string(state.document(), pretty: true)
        var restored = Demo.state
        try restored.restore(try JSONParser.parse(text))
        #expect(difference(restored, state) == "")
    }
}
