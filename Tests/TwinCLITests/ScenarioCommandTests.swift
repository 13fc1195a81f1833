import TwinJSON
import Foundation
import Testing
import TwinRender
@testable import TwinState

@Suite("twin run: the shipped scenarios, end to end")
struct ScenarioCommandTests {
    static func output() -> String { NSTemporaryDirectory() + "twin-run-\(UUID().uuidString)" }

    static func report(_ folder: String) throws -> JSONObject {
        let text = try String(contentsOfFile: folder + "/report.json", encoding: .utf8)
        guard case .object(let o) = try JSONParser.parse(text) else { throw CocoaError(.fileReadCorruptFile) }
        return o
    }

    /// Ctrl-C during a run: the play stops after its step, the report of what was played is
    /// written (marked interrupted), one line says where everything is, and the exit status is 130.
    @Test func anInterruptedRunWritesWhatItPlayedAndSaysSo() throws {
        let dir = NSTemporaryDirectory() + "twin-interrupt-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // An AGV crawling the loop in tenth-of-a-second steps: minutes of work, far longer than the test waits.
        let scenario = """
            name: Slow loop
            plant: \(TwinBinary.repository)/Assets/demo/plant.yaml
            start: 2026-05-04T06:00:00Z
            step_s: 0.1
            timeline:
              - at: "06:00"
                drive:
                  - {agv: AGV-01, route: R-LOOP, speed_mps: 0.05}
            """
        try scenario.write(toFile: dir + "/slow.yaml", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TwinBinary.path)
        process.arguments = ["run", dir + "/slow.yaml", "-o", dir + "/out"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Once the run's history exists the play is under way.
        let started = Date()
        while !FileManager.default.fileExists(atPath: dir + "/out/history.sqlite") && Date().timeIntervalSince(started) < 120 { usleep(20_000) }
        usleep(500_000)
        #expect(process.isRunning, "the run ended before it was interrupted")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 130, "\(stderr)")
        #expect(stderr.hasPrefix("twin: interrupted at 2026-05-04T06:") && stderr.contains("report.md"), "\(stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/out/report.json"))) as? [String: Any])
        #expect(report["interrupted"] as? Bool == true)
        let markdown = try String(contentsOfFile: dir + "/out/report.md", encoding: .utf8)
        #expect(markdown.contains("**INTERRUPTED** at 2026-05-04T06:"))
    }

    @Test func shiftStartPlaysAndEveryAssertionHolds() throws {
        let out = Self.output()
        let result = try TwinBinary.run(["run", "Assets/scenarios/shift-start.yaml", "-o", out])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("PASS 2026-05-04T06:05:00Z no AGV conflicts"))
        let report = try Self.report(out)
        #expect(report["passed"] == .bool(true))
        #expect(report["end"] == .string("2026-05-04T06:06:00Z"))
        for frame in ["shift-start-055500-plan.png", "shift-start-060230-iso.png", "shift-start-060230-plan.png"] {
            #expect(try PNGDecoder.read(path: out + "/" + frame).width == 1280, "\(frame)")
        }
        #expect(try String(contentsOfFile: out + "/report.md", encoding: .utf8).contains("**PASSED**: 7 of 7 assertions held."))
        // The run's history answers for any moment of it: AGV-02 was on its way at 06:01.
        let state = try TwinBinary.run(["state", "Assets/demo/plant.yaml", "--db", out + "/history.sqlite", "--at", "2026-05-04T06:01:00Z", "--entity", "AGV-02"])
        #expect(state.status == 0)
        #expect(state.stdout.contains("driving"), "\(state.stdout)")
    }

    @Test func aMachineFaultStarvesTheLine() throws {
        let out = Self.output()
        let result = try TwinBinary.run(["run", "Assets/scenarios/machine-fault.yaml", "-o", out, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Self.report(out)
        guard case .array(let assertions)? = report["assertions"] else { Issue.record("no assertions"); return }
        #expect(assertions.count == 7)
        #expect(result.stdout.contains(#""actual": "83.4 °C""#))
        // The fault frame shows M-012 in the fault color; the frame after the repair does not.
        let fault = try PNGDecoder.read(path: out + "/fault-080500-block.png")
        let fixed = try PNGDecoder.read(path: out + "/fault-083000-block.png")
        #expect(fault.pixels != fixed.pixels)
    }

    @Test func aLayoutChangeThatBlocksARouteFailsTheRun() throws {
        let out = Self.output()
        let result = try TwinBinary.run(["run", "Assets/scenarios/layout-change.yaml", "-o", out])
        #expect(result.status == 1, "a failed assertion gates the pipeline")
        #expect(result.stderr == "twin: 1 assertion failed\n")
        #expect(result.stdout.contains("PASS 2026-05-04T10:02:00Z route R-LOOP is blocked  (R-LOOP collides with M-006"))
        #expect(result.stdout.contains("FAIL 2026-05-04T10:02:00Z no route collisions"))
        let md = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        #expect(md.contains("**FAILED**: 2 of 3 assertions held."))
        #expect(md.contains("| 2026-05-04T10:02:00Z | R-LOOP | AGV-05 | **collides** with M-006"))
        #expect(FileManager.default.fileExists(atPath: out + "/layout-change-100200-check.png"))
    }

    @Test func noAGVConflictsSeesEveryDriveOfAnAGVNotOnlyItsLatest() throws {
        // AGV-01 catches up with AGV-02 on the south aisle in their first drives; AGV-02 then
        // drives on, away from it. The assertion afterwards still finds the meeting.
        let dir = Self.output()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try """
            plant: \(TwinBinary.repository)/Assets/demo/plant.yaml
            start: 2026-05-04T06:00:00Z
            timeline:
              - at: "06:00"
                drive:
                  - {agv: AGV-01, nodes: [S1, M-001-IN-J, M-001-OUT-J, M-002-IN-J, S2, M-002-OUT-J, M-003-IN-J, M-003-OUT-J, S3], speed_mps: 1.0}
                  - {agv: AGV-02, nodes: [S2, M-002-OUT-J, M-003-IN-J, M-003-OUT-J, S3, M-004-IN-J, M-004-OUT-J, M-005-IN-J, S4], speed_mps: 0.5}
              - at: "06:02"
                drive:
                  - {agv: AGV-02, nodes: [S4, M-006-IN-J, M-006-OUT-J, S5], speed_mps: 1.0}
              - at: "06:03"
                assert: no AGV conflicts
            """.write(toFile: dir + "/catch-up.yaml", atomically: true, encoding: .utf8)
        let result = try TwinBinary.run(["run", dir + "/catch-up.yaml", "-o", dir + "/out"])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("FAIL 2026-05-04T06:03:00Z no AGV conflicts  (AGV-01 and AGV-02 meet at"), "\(result.stdout)")
    }

    @Test func badScenariosAreBadInput() throws {
        let dir = Self.output()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "plant: ../nowhere.yaml\nstart: 2026-05-04T06:00:00Z\ntimeline: []\n".write(toFile: dir + "/a.yaml", atomically: true, encoding: .utf8)
        try "plant: \(TwinBinary.repository)/Assets/demo/plant.yaml\nstart: 2026-05-04T06:00:00Z\ntimeline:\n  - at: \"06:00\"\n    edit: [{edit: remove, entity: M-001}, {edit: remove, entity: M-001}]\n".write(toFile: dir + "/b.yaml", atomically: true, encoding: .utf8)
        let a = try TwinBinary.run(["run", dir + "/a.yaml", "-o", dir + "/out"])
        #expect(a.status == 2)
        #expect(a.stderr.contains("a.yaml:1: file not found"), "\(a.stderr)")
        let b = try TwinBinary.run(["run", dir + "/b.yaml", "-o", dir + "/out"])
        #expect(b.status == 2)
        #expect(b.stderr.contains("b.yaml:4: the twin rejected an update: entity: 'M-001' was removed already"), "\(b.stderr)")
        let c = try TwinBinary.run(["run", dir + "/missing.yaml"])
        #expect(c.status == 2 && c.stderr.contains("missing.yaml"))
    }
}
