import TwinJSON
import Foundation
import TwinTestSupport
import Testing

/// `twin report` on the demo plant: a shift of its calendar, a period, JSON and Markdown, and
/// each kind of bad request as one line with exit status 2. Also `twin state` with reasons,
/// resets and the calendar.
@Suite("twin report and production data in twin state", .serialized)
struct ReportCommandTests {
    static let lines = [
        #"{"t":"2026-05-04T06:00:00Z","entity":"M-012","set":{"status":"running","counters":{"good":0,"scrap":0}}}"#,
        #"{"t":"2026-05-04T06:00:00Z","entity":"M-013","set":{"status":"running"}}"#,
        #"{"t":"2026-05-04T07:00:00Z","entity":"M-012","set":{"status":"fault","reasons":["starved","E-7"]}}"#,
        #"{"t":"2026-05-04T07:30:00Z","entity":"M-012","set":{"status":"running","counters":{"good":60,"scrap":1}}}"#,
        #"{"t":"2026-05-04T08:00:00Z","entity":"M-012","set":{"counters":{"good":2}}}"#,
        #"{"t":"2026-05-04T09:05:00Z","entity":"M-013","set":{"status":"idle","reasons":["break"]}}"#,
        #"{"t":"2026-05-04T13:59:00Z","entity":"M-012","set":{"counters":{"good":100,"scrap":3}}}"#,
    ]

    static func history() throws -> (directory: String, db: String) {
        let directory = StateCommandTests.temporaryDirectory()
        let file = directory + "/u.jsonl"
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let db = directory + "/h.sqlite"
        let applied = try TwinBinary.run(["apply", "Assets/demo/plant.yaml", file, "--db", db])
        #expect(applied.status == 0, "\(applied.stderr)")
        return (directory, db)
    }

    /// The early shift of 2026-05-04 (06:00-14:00, breaks 09:00-09:15 and 11:30-12:00: 7 h 15
    /// min planned busy). M-012 runs all of it but 07:00-07:30 (a fault): 6 h 45 min running of
    /// 7 h 15 min; parts: 60 good and 1 scrap, a reset, then 100 good and 3 scrap: 160 good, 3
    /// scrap; ideal cycle 45 s (press).
    @Test func aShiftOfTheCalendar() throws {
        let (directory, db) = try Self.history()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try TwinBinary.run(["report", "Assets/demo/plant.yaml", "--db", db, "--shift", "early", "--date", "2026-05-04", "--json", "--md", directory + "/r.md"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONParser.parse(result.stdout)
        guard case .object(let top) = json, case .array(let machines)? = top["machines"],
              case .object(let m)? = machines.first(where: { if case .object(let o) = $0, o["entity"] == .string("M-012") { return true }; return false }) else {
            Issue.record("no M-012 in \(result.stdout.prefix(300))"); return
        }
        #expect(top["period"] == .string("shift early on 2026-05-04"))
        #expect(m["calendar_busy_s"] == .number(7.25 * 3600))
        #expect(m["planned_busy_s"] == .number(7.25 * 3600))
        #expect(m["good"] == .number(160) && m["scrap"] == .number(3) && m["counter_resets"] == .number(1))
        guard case .number(let a)? = m["availability"], case .number(let p)? = m["performance"], case .number(let q)? = m["quality"], case .number(let oee)? = m["oee"] else {
            Issue.record("figures missing: \(m)"); return
        }
        #expect(abs(a - 6.75 / 7.25) < 1e-6 && abs(p - 163.0 * 45 / (6.75 * 3600)) < 1e-6 && abs(q - 160.0 / 163) < 1e-6)
        #expect(abs(oee - a * p * q) < 1e-5)
        // M-013 reported a break at 09:05 (a planned stop) and nothing after: planned until the end.
        let markdown = try String(contentsOfFile: directory + "/r.md", encoding: .utf8)
        #expect(markdown.contains("| M-012 | 7 h 15 min | 6 h 45 min | 0 min | 93.1 % |"), "\(markdown.prefix(600))")
        #expect(markdown.contains("## Bottleneck of LINE-"))
        let text = try TwinBinary.run(["report", "Assets/demo/plant.yaml", "--db", db, "--from", "2026-05-04T06:00:00Z", "--to", "2026-05-04T07:00:00Z"])
        #expect(text.status == 0 && text.stdout.hasPrefix("Demo Assembly Hall, 2026-05-04T06:00:00Z to 2026-05-04T07:00:00Z"), "\(text.stdout.prefix(200)) \(text.stderr)")
    }

    @Test func stateShowsReasonsResetsAndTheCalendar() throws {
        let (directory, db) = try Self.history()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let at = try TwinBinary.run(["state", "Assets/demo/plant.yaml", "--db", db, "--at", "2026-05-04T09:10:00Z", "--entity", "M-012", "--entity", "M-013"])
        #expect(at.status == 0, "\(at.stderr)")
        #expect(at.stdout.contains("calendar: break in shift early (06:00-14:00)"), "\(at.stdout)")
        #expect(at.stdout.contains("good=2 (total 62 across 1 reset)"), "\(at.stdout)")
        #expect(at.stdout.contains("idle (break) since 2026-05-04T09:05:00Z [planned stop]"), "\(at.stdout)")
        let fault = try TwinBinary.run(["state", "Assets/demo/plant.yaml", "--db", db, "--at", "2026-05-04T07:10:00Z", "--entity", "M-012", "--json"])
        #expect(fault.stdout.contains(#""reasons": ["#) && fault.stdout.contains(#""stop": "unplanned""#), "\(fault.stdout)")
    }

    @Test(arguments: [
        (["--shift", "late", "--from", "2026-05-04T06:00:00Z"], "give --shift or --from/--to, not both"),
        (["--shift", "lunch"], "--shift: no shift 'lunch' in the calendar (shifts: early, late, night)"),
        (["--shift", "early", "--date", "2026-05-09"], "--shift: shift 'early' does not run on 2026-05-09"),
        (["--shift", "early", "--date", "May 4"], "--date: expected YYYY-MM-DD such as 2026-05-04, found 'May 4'"),
        (["--date", "2026-05-04"], "--date goes with --shift"),
        (["--from", "2026-05-04T08:00:00Z", "--to", "2026-05-04T07:00:00Z"], "--to must lie after --from"),
        (["--from", "yesterday"], "expected an ISO 8601 time"),
        (["--line", "LINE-9"], "--line: no line 'LINE-9' in the manifest (lines: LINE-1, LINE-2, LINE-3, LINE-4)"),
    ])
    func badRequestsAreOneLine(arguments: [String], message: String) throws {
        let (directory, db) = try Self.history()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try TwinBinary.run(["report", "Assets/demo/plant.yaml", "--db", db] + arguments)
        #expect(result.status == 2, "\(result.stdout)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func withoutAHistoryItSaysHowToGetOne() throws {
        let directory = StateCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try TwinBinary.run(["report", "Assets/demo/plant.yaml", "--db", directory + "/none.sqlite"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("none.sqlite: no history there (twin apply writes one)"), "\(result.stderr)")
    }
}
