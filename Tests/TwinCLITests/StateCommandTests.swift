import TwinJSON
import Foundation
import GRDB
import Testing
import TwinLayout
import TwinRender
@testable import TwinState

@Suite("twin apply, twin state, twin render --at, end to end")
struct StateCommandTests {
    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "twin-state-cli-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// `count` updates, one a second from 08:00: machine statuses, signals and counters, AGV poses.
    static func updates(_ count: Int) -> String {
        let statuses = MachineStatus.allCases
        var text = ""
        text.reserveCapacity(count * 120)
        for i in 0..<count {
            let t = Timestamp(iso8601: "2026-05-04T08:00:00Z")!.adding(seconds: Double(i))
            if i % 3 == 0 {
                text += #"{"t":"\#(t)","entity":"AGV-0\#(i % 5 + 1)","set":{"pose":{"x":\#(10 + Double(i % 800) / 10),"y":8,"theta":0},"battery":\#(100 - i % 80)}}"# + "\n"
            } else {
                text += #"{"t":"\#(t)","entity":"M-0\#(String(format: "%02d", i % 44 + 1))","set":{"status":"\#(statuses[i % 7].rawValue)","counters":{"good":\#(i)}}}"# + "\n"
            }
        }
        return text
    }

    /// The README's history step as written, with the updates it ships (Assets/demo/updates.jsonl)
    /// and a history of its own: every line applies, and the state at 08:05 shows them.
    @Test func theReadmeHistoryStepWorksAsWritten() throws {
        let db = Self.temporaryDirectory() + "/demo.history.sqlite"
        let applied = try TwinBinary.run(["apply", "Assets/demo/plant.yaml", "Assets/demo/updates.jsonl", "--db", db])
        #expect(applied.status == 0, "\(applied.stderr)")
        let state = try TwinBinary.run(["state", "Assets/demo/plant.yaml", "--at", "2026-05-04T08:05:00Z", "--json", "--db", db])
        #expect(state.status == 0, "\(state.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(state.stdout.utf8)) as? [String: Any])
        let text = state.stdout
        #expect(text.contains("M-100") && text.contains("PAL-1"), "the added entities")
        #expect(json["time"] as? String == "2026-05-04T08:05:00Z" || text.contains("2026-05-04T08:05:00"), "\(json.keys)")
        let readme = try String(contentsOfFile: TwinBinary.repository + "/README.md", encoding: .utf8)
        #expect(readme.contains("twin apply Assets/demo/plant.yaml Assets/demo/updates.jsonl"))
    }

    /// A missing or unreadable updates file is refused before any history file is made for it.
    @Test func inputsAreCheckedBeforeAHistoryIsCreated() throws {
        let dir = Self.temporaryDirectory()
        for (file, message) in [(dir + "/missing.jsonl", "missing.jsonl: No such file or directory"),
                                (dir, ": is a directory, not a JSON Lines file")] {
            let db = dir + "/new-\(UUID().uuidString).sqlite"
            let result = try TwinBinary.run(["apply", "Assets/demo/plant.yaml", file, "--db", db])
            #expect(result.status == 2)
            #expect(result.stderr.hasPrefix("twin: error: ") && result.stderr.contains(message), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: db), "no history made for a refused input")
        }
    }

    static let plant = try! PlantLoader().load(path: TwinBinary.repository + "/Assets/demo/plant.yaml")

    /// The state after the first `lines` lines of `text`, applied in memory.
    static func replay(_ text: String, lines: Int) throws -> PlantState {
        var state = PlantState(plant: plant)
        for line in text.split(separator: "\n").prefix(lines) { try state.apply(try UpdateParser.parse(line: String(line))) }
        return state
    }

    @Test func applyThenAskTheStateAtAnyMomentAndDrawIt() throws {
        let dir = Self.temporaryDirectory()
        let updates = dir + "/updates.jsonl", db = dir + "/h.sqlite"
        try (#"""
            {"t":"2026-05-04T08:00:00Z","entity":"M-012","set":{"status":"fault","signals":{"spindle_temp_C":81.5}}}
            {"t":"2026-05-04T08:10:00Z","entity":"M-012","set":{"status":"running"}}
            {"t":"2026-05-04T08:11:00Z","entity":"M-404","set":{"status":"running"}}
            {"t":"2026-05-04T08:12:00Z","edit":"move","entity":"M-006","dy":-4}
            """# + "\n").write(toFile: updates, atomically: true, encoding: .utf8)
        let apply = try TwinBinary.run(["apply", "Assets/demo/plant.yaml", updates, "--db", db])
        #expect(apply.status == 2, "a rejected line makes the exit status 2")
        #expect(apply.stderr.contains("updates.jsonl:3: entity: unknown entity 'M-404'"))
        #expect(apply.stdout.contains("applied 3 of 4 lines, rejected 1"))
        let now = try TwinBinary.run(["state", "Assets/demo/plant.yaml", "--db", db])
        #expect(now.status == 0)
        #expect(now.stdout.contains("M-012      machine   running since 2026-05-04T08:10:00Z"))
        #expect(now.stdout.contains("layout: moved M-006"))
        let past = try TwinBinary.run(["state", "Assets/demo/plant.yaml", "--db", db, "--at", "2026-05-04T08:05:00Z", "--json"])
        #expect(past.status == 0)
        let document = try JSONParser.parse(past.stdout)
        guard case .object(let top) = document, case .object(let entities)? = top["entities"], case .object(let m012)? = entities["M-012"] else {
            Issue.record("no M-012 in \(past.stdout)"); return
        }
        #expect(m012["status"] == .string("fault"))
        #expect(top["time"] == .string("2026-05-04T08:05:00Z"))
        // The document is what render --state reads; --at draws the same moment.
        let docPath = dir + "/state.json"
        try past.stdout.write(toFile: docPath, atomically: true, encoding: .utf8)
        let a = try TwinBinary.run(["render", "Assets/demo/plant.yaml", "--state", docPath, "--camera", "plan", "--size", "320x180", "-o", dir + "/a.png"])
        let b = try TwinBinary.run(["render", "Assets/demo/plant.yaml", "--db", db, "--at", "2026-05-04T08:05:00Z", "--camera", "plan", "--size", "320x180", "-o", dir + "/b.png"])
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/a.png")) == (try Data(contentsOf: URL(fileURLWithPath: dir + "/b.png"))))
        // After the move the plan differs from before it.
        let c = try TwinBinary.run(["render", "Assets/demo/plant.yaml", "--db", db, "--camera", "plan", "--size", "320x180", "-o", dir + "/c.png"])
        #expect(c.status == 0)
        #expect(try PNGDecoder.read(path: dir + "/c.png").pixels != (try PNGDecoder.read(path: dir + "/b.png").pixels))
    }

    @Test func badInputGetsOneLineAndStatusTwo() throws {
        let dir = Self.temporaryDirectory()
        try "not json\n".write(toFile: dir + "/bad.jsonl", atomically: true, encoding: .utf8)
        try Data([0x00, 0x01, 0xFF, 0x0A]).write(to: URL(fileURLWithPath: dir + "/binary.jsonl"))
        try "plain text, not a database at all, long enough to be looked at".write(toFile: dir + "/text.sqlite", atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["apply", "Assets/demo/plant.yaml", dir + "/missing.jsonl", "--db", dir + "/h.sqlite"], "missing.jsonl: No such file or directory"),
            (["apply", "Assets/demo/plant.yaml", dir + "/bad.jsonl", "--db", dir + "/h.sqlite", "--strict"], "bad.jsonl:1: not valid JSON: column 1: unknown literal (expected true, false or null)"),
            (["apply", "Assets/demo/plant.yaml", dir, "--db", dir + "/h.sqlite"], "is a directory, not a JSON Lines file"),
            (["state", "Assets/demo/plant.yaml", "--db", dir + "/text.sqlite"], "not a FactoryTwin history (not an SQLite database)"),
            (["state", "Assets/demo/plant.yaml", "--db", dir + "/none.sqlite"], "none.sqlite: no history there (twin apply writes one)"),
            (["state", "Assets/demo/plant.yaml", "--at", "yesterday"], "twin: error: The value 'yesterday' is invalid for '--at <at>': expected an ISO 8601 time such as 2026-05-04T08:15:00Z (or with an offset, +02:00) (see 'twin state --help')"),
            (["apply", "Assets/demo/plant.yaml", dir + "/binary.jsonl", "--db", dir + "/h.sqlite", "--strict"], "binary.jsonl:1: not valid JSON: column 1: unexpected byte 0x00"),
            (["state", "Assets/demo/plant.yaml", "--entity", "M-404"], "unknown entity 'M-404'"),
            (["render", "Assets/demo/plant.yaml", "--at", "2026-05-04T08:00:00Z", "--db", dir + "/none.sqlite", "-o", dir + "/x.png"], "no history there"),
            (["render", "Assets/demo/plant.yaml", "--state", dir + "/bad.jsonl", "-o", dir + "/x.png"], "bad.jsonl: not valid JSON"),
        ]
        for (arguments, message) in cases {
            let result = try TwinBinary.run(arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").filter { $0.hasPrefix("twin: error:") }.count == 1, "\(arguments): \(result.stderr)")
        }
    }

    /// The issue's durability promise, with a real kill: the history holds exactly the batches
    /// committed before the kill, consistent, and the next run goes on from there.
    @Test func aKillNineLeavesTheLastCommittedBatchAndTheNextRunGoesOn() throws {
        let dir = Self.temporaryDirectory()
        let updates = dir + "/updates.jsonl", db = dir + "/h.sqlite"
        let total = 150_000, batch = 500
        let text = Self.updates(total)
        try text.write(toFile: updates, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: TwinBinary.path)
        process.arguments = ["apply", "Assets/demo/plant.yaml", updates, "--db", db, "--batch", "\(batch)"]
        process.currentDirectoryURL = URL(fileURLWithPath: TwinBinary.repository)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until a few batches are in, reading as another process would, then kill -9.
        var config = Configuration()
        config.readonly = true
        var seen: Int64 = 0
        let start = Date()
        while seen < Int64(4 * batch) && Date().timeIntervalSince(start) < 120 && process.isRunning {
            usleep(20_000)
            if FileManager.default.fileExists(atPath: db),
               let reader = try? DatabaseQueue(path: db, configuration: config) {
                seen = (try? reader.read { db in try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM updates") ?? 0 }) ?? 0
                try? reader.close()
            }
        }
        #expect(process.isRunning, "the apply finished before it could be killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)

        let history = try History(path: db, plant: Self.plant)
        let (stored, _) = try history.counts()
        #expect(stored >= Int64(4 * batch) && stored < Int64(total), "stored \(stored)")
        #expect(stored % Int64(batch) == 0, "the history ends at a batch boundary, not in the middle of one: \(stored)")
        #expect(try history.lastSequence() == stored, "sequence numbers run 1...\(stored) without a gap")
        let progress = try #require(try history.progress(ofSource: URL(fileURLWithPath: updates).standardizedFileURL.path))
        #expect(progress.lines == stored, "the file's progress was committed with the updates")
        let integrity = try history.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        #expect(integrity == "ok")
        #expect(try history.state() == (try Self.replay(text, lines: Int(stored))))

        // The next run goes on after the last committed line and ends where a whole run would.
        let again = try TwinBinary.run(["apply", "Assets/demo/plant.yaml", updates, "--db", db, "--batch", "\(batch)"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("applied \(Int64(total) - stored) of \(total) lines (lines 1-\(stored) were applied before)"), "\(again.stdout)")
        let resumed = try History(path: db, plant: Self.plant)
        #expect(try resumed.counts().updates == Int64(total))
        #expect(try resumed.state() == (try Self.replay(text, lines: total)))
    }
}
