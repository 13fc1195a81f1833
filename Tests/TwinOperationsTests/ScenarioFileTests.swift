import Foundation
import TwinTestSupport
import Testing
import TwinLayout
import TwinOperations
import TwinState

@Suite("Scenario files")
struct ScenarioTests {
    static func load(_ body: String) throws(TwinError) -> Scenario {
        let directory = Demo.temporaryDirectory()
        let path = directory + "/s.yaml"
        try! ("plant: \(Demo.repository)/Assets/demo/plant.yaml\nstart: 2026-05-04T06:00:00Z\n" + body).write(toFile: path, atomically: true, encoding: .utf8)
        return try Scenario.load(path: path) { _ throws(LayoutError) in Demo.plant }
    }

    @Test func theShippedScenariosLoad() throws {
        for name in ["shift-start", "machine-fault", "layout-change"] {
            let s = try Scenario.load(path: Demo.repository + "/Assets/scenarios/\(name).yaml") { _ throws(LayoutError) in Demo.plant }
            #expect(!s.events.isEmpty, "\(name)")
            #expect(s.events.flatMap(\.actions).contains { if case .assert = $0 { return true }; return false }, "\(name) asserts something")
        }
    }

    @Test func timesOffsetsAndRepeats() throws {
        let s = try Self.load("""
            timeline:
              - at: "+90s"
                set: {M-001: {status: running, signals: {temp: 21.5, label: "07"}}}
              - at: "06:30"
                assert: M-001.status == running
              - every: 10m
                from: "06:00"
                until: "06:20"
                render: {camera: plan, file: "f-{time}.png", size: 320x200}
              - at: 2026-05-04T07:00:00Z
                edit: [{edit: move, entity: M-001, dx: 1}]
            """)
        let times = s.events.map(\.time.description)
        #expect(times == ["2026-05-04T06:00:00Z", "2026-05-04T06:01:30Z", "2026-05-04T06:10:00Z", "2026-05-04T06:20:00Z",
                          "2026-05-04T06:30:00Z", "2026-05-04T07:00:00Z"])
        guard case .update(let u) = s.events[1].actions[0], case .set(_, let changes) = u.action else { Issue.record("no update"); return }
        // Plain YAML numbers become numbers; quoted text stays text.
        #expect(changes.contains(.signal("temp", .number(21.5, unit: nil))))
        #expect(changes.contains(.signal("label", .string("07"))))
        guard case .render(let r) = s.events[0].actions[0] else { Issue.record("no render"); return }
        #expect(r.width == 320 && r.height == 200 && r.camera == "plan")
    }

    @Test func badScenariosNameTheLineAndField() {
        let cases: [(String, String)] = [
            ("timeline:\n  - at: tomorrow\n    assert: no AGV conflicts\n", "timeline[0].at: expected a time: HH:MM[:SS] on the start's date, +DURATION (such as +5m) or ISO 8601, found 'tomorrow'"),
            ("timeline:\n  - at: \"05:00\"\n    assert: no AGV conflicts\n", "timeline[0].at: lies before the scenario's start 2026-05-04T06:00:00Z"),
            ("timeline:\n  - at: \"06:00\"\n", "timeline[0]: nothing happens here (give set, updates, edit, drive, render, check or assert)"),
            ("timeline:\n  - at: \"06:00\"\n    set: {M-001: {status: broken}}\n", "timeline[0].set.M-001: status: unknown status 'broken' (expected one of: running, idle, blocked, starved, fault, maintenance, setup, offline)"),
            ("timeline:\n  - at: \"06:00\"\n    drive: {agv: AGV-09, route: R-LOOP, speed_mps: 1}\n", "timeline[0].drive.agv: unknown AGV 'AGV-09'"),
            ("timeline:\n  - at: \"06:00\"\n    drive: {agv: AGV-01, route: R-NONE, speed_mps: 1}\n", "timeline[0].drive.route: unknown route 'R-NONE' (known: R-LOOP, R-SUPPLY-1, R-SUPPLY-2)"),
            ("timeline:\n  - at: \"06:00\"\n    drive: {agv: AGV-01, route: R-LOOP, speed_mps: 0}\n", "timeline[0].drive.speed_mps: must be greater than zero, found 0.0"),
            ("timeline:\n  - at: \"06:00\"\n    render: {camera: attic, file: a.png}\n", "timeline[0].render.camera: unknown camera 'attic' (known: plan, iso, overview, aisle-south, block-1, docks, west-detail)"),
            ("timeline:\n  - at: \"06:00\"\n    render: {file: ../a.png}\n", "timeline[0].render.file: a frame goes inside the output folder: give a relative path without '..'"),
            ("timeline:\n  - at: \"06:00\"\n    render: {file: a.png, size: 10x10}\n", "timeline[0].render.size: image size 10x10 is out of range (WIDTHxHEIGHT, each side 16 to 16384, at most 67108864 pixels in all)"),
            // The same size limit as the command line and HTTP: checked before any arithmetic.
            ("timeline:\n  - at: \"06:00\"\n    render: {file: a.png, size: 3037000500x3037000500}\n", "timeline[0].render.size: expected WIDTHxHEIGHT, each side 16 to 16384, at most 67108864 pixels in all, such as 1920x1080; found '3037000500x3037000500'"),
            ("timeline:\n  - at: \"06:00\"\n    render: {file: a.png, size: 16384x16384}\n", "timeline[0].render.size: image size 16384x16384 is 268435456 pixels, more than the 67108864 allowed here"),
            // Assertions that could never fail (or never hold) are refused when the scenario loads.
            ("timeline:\n  - at: \"06:00\"\n    assert: M-001.status != runing\n", "timeline[0].assert: unknown status 'runing' (expected one of: running, idle, blocked, starved, fault, maintenance, setup, offline, none)"),
            ("timeline:\n  - at: \"06:00\"\n    assert: AGV-01.battery >= abc\n", "timeline[0].assert: battery is a number, found 'abc'"),
            ("timeline:\n  - at: \"06:00\"\n    assert: M-001.battery > 20\n", "timeline[0].assert: machine 'M-001' has no field 'battery' (only AGVs do)"),
            ("timeline:\n  - at: \"06:00\"\n    assert: AGV-01.status == running\n", "timeline[0].assert: agv 'AGV-01' has no field 'status' (only machines, conveyors, racks and stations do)"),
            ("timeline:\n  - at: \"06:00\"\n    assert: AGV-01.driving == yes\n", "timeline[0].assert: driving is true or false (or none), found 'yes'"),
            ("timeline:\n  - at: \"06:00\"\n    assert: AGV-01.operating_mode == AUTO\n", "timeline[0].assert: unknown operating mode 'AUTO' (expected one of: AUTOMATIC, SEMIAUTOMATIC, MANUAL, SERVICE, TEACHIN, STARTUP, INTERVENED, none)"),
            ("timeline:\n  - at: \"06:00\"\n    assert: M-001.status < running\n", "timeline[0].assert: a status is compared with == or !=, not <"),
            ("timeline:\n  - at: \"06:00\"\n    assert: M-001.signals.temp > warm\n", "timeline[0].assert: > compares numbers, found 'warm'"),
            ("timeline:\n  - at: \"06:00\"\n    assert: M-001.counters.good == many\n", "timeline[0].assert: counters.good is a number, found 'many'"),
            ("timeline:\n  - at: \"06:00\"\n    assert: M-001.counters.good > none\n", "timeline[0].assert: 'none' (not reported) cannot be compared with >; use == or !="),
            ("timeline:\n  - at: \"06:00\"\n    assert: M-001.colour == red\n", "timeline[0].assert: unknown field 'colour' (expected one of: status, running, speed_mps, battery, driving, operating_mode, last_node, order, x, y, theta, signals.NAME, counters.NAME)"),
            ("timeline:\n  - at: \"06:00\"\n    assert: everything is fine\n", "timeline[0].assert: cannot read 'everything is fine' (expected ENTITY.FIELD OP VALUE with OP one of == != < <= > >=, 'no AGV conflicts', 'no route collisions', 'route ID is free' or 'route ID is blocked')"),
            ("timeline:\n  - at: \"06:00\"\n    assert: M-404.status == running\n", "timeline[0].assert: unknown entity 'M-404'"),
            ("timeline:\n  - at: \"06:00\"\n    edit: [{edit: move, entity: M-001}]\n", "timeline[0].edit[0]: a move needs x, y, theta_deg, dx, dy or dtheta_deg"),
            ("timeline:\n  - every: 0s\n    until: \"07:00\"\n    assert: no AGV conflicts\n", "timeline[0].every: must be a positive duration such as 30s, 5m or 1h"),
            ("timeline:\n  - every: 1m\n    assert: no AGV conflicts\n", "timeline[0]: 'every' needs 'until' (or the scenario's 'end')"),
            ("timeline:\n  - at: \"06:00\"\n    check: everything\n", "timeline[0].check: expected 'routes', a list of route ids, or {routes, image}"),
            ("timeline:\n  - at: \"06:00\"\n    sing: la\n", "timeline[0].sing: unknown field (expected one of: at, every, from, until, set, updates, edit, drive, render, check, assert)"),
            ("end: 2026-05-04T05:00:00Z\ntimeline: []\n", "end: the end lies before the start"),
        ]
        for (body, message) in cases {
            do {
                _ = try Self.load(body)
                Issue.record("accepted: \(body)")
            } catch {
                guard case let .scenarioFile(_, line, field, text) = error else { Issue.record("\(error)"); continue }
                #expect(line != nil, "\(error)")
                #expect("\(field): \(text)" == message, "\(body)")
            }
        }
        // A missing plant file names the scenario line that refers to it.
        let directory = Demo.temporaryDirectory()
        try! "plant: nowhere.yaml\nstart: 2026-05-04T06:00:00Z\ntimeline: []\n".write(toFile: directory + "/s.yaml", atomically: true, encoding: .utf8)
        #expect(throws: TwinError.scenarioFile(file: directory + "/s.yaml", line: 1, field: "", message: "file not found: " + directory + "/nowhere.yaml")) { try Scenario.load(path: directory + "/s.yaml") }
    }

    @Test func conditionsEvaluateAgainstTheState() throws {
        var state = Demo.state
        try state.apply(#"{"t":"2026-05-04T08:00:00Z","entity":"M-012","set":{"status":"fault","signals":{"temp":{"value":81.5,"unit":"C"}},"counters":{"good":7}}}"#)
        try state.apply(#"{"t":"2026-05-04T08:00:00Z","entity":"AGV-01","set":{"battery":40,"driving":true}}"#)
        let cases: [(String, Bool)] = [
            ("M-012.status == fault", true), ("M-012.status != fault", false), ("M-012.signals.temp > 80", true),
            ("M-012.signals.temp <= 80", false), ("M-012.counters.good == 7", true), ("AGV-01.battery < 50", true),
            ("AGV-01.driving == true", true), ("M-001.status == none", true), ("M-001.status == running", false),
            ("M-012.status < 3", false),
        ]
        for (text, expected) in cases {
            guard case .success(let condition) = Condition.parse(text) else { Issue.record("cannot parse \(text)"); continue }
            #expect(condition.evaluate(in: state).holds == expected, "\(text)")
        }
        #expect(Condition.parse("no AGV conflicts").map { $0 == .noAGVConflicts } == .success(true))
        #expect(Condition.parse("route R-LOOP is blocked").map { $0 == .routeBlocked("R-LOOP") } == .success(true))
    }
}
