import TwinJSON
import Foundation
import TwinTestSupport
import Testing
@testable import TwinState
import TwinSync

/// Late updates through the CLI and through MQTT: placed at their time, too-late ones refused.
@Suite("Late updates: twin apply, twin serve over MQTT", .serialized)
struct LateUpdateCommandTests {
    static let start = Timestamp(iso8601: "2026-05-04T06:00:00Z")!

    static func status(at t: Timestamp, _ id: String, _ status: String) -> String {
        #"{"t":"\#(t)","entity":"\#(id)","set":{"status":"\#(status)"}}"#
    }

    @Test func applyPlacesLateLinesAndRefusesTooLateOnes() throws {
        let directory = StateCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/gateway.jsonl"
        let lines = [Self.status(at: Self.start, "M-012", "running"),
                     Self.status(at: Self.start.adding(seconds: 1800), "M-012", "running"),
                     Self.status(at: Self.start.adding(seconds: 600), "M-012", "fault"),      // 20 min late
                     Self.status(at: Self.start.adding(seconds: -7200), "M-013", "fault")]    // 2.5 h late
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let db = directory + "/h.sqlite"
        let applied = try TwinBinary.run(["apply", "Assets/demo/plant.yaml", file, "--db", db, "--max-lateness", "30m"])
        #expect(applied.status == 2, "\(applied.stderr)")
        #expect(applied.stdout.contains("applied 3 of 4 lines, rejected 1, 1 arrived late (placed at their time), 1 too late (refused, --max-lateness)"), "\(applied.stdout)")
        #expect(applied.stderr.contains("gateway.jsonl:4: t: 2026-05-04T04:00:00Z lies 2 h 30 min before the plant clock (2026-05-04T06:30:00Z); updates more than 30 min late are refused (--max-lateness)"), "\(applied.stderr)")
        let at = try TwinBinary.run(["state", "Assets/demo/plant.yaml", "--db", db, "--at", "2026-05-04T06:15:00Z", "--json"])
        #expect(at.status == 0, "\(at.stderr)")
        #expect(at.stdout.contains(#""status": "fault""#) && at.stdout.contains(#""status_since": "2026-05-04T06:10:00Z""#), "\(at.stdout)")
        let bad = try TwinBinary.run(["apply", "Assets/demo/plant.yaml", file, "--db", db, "--max-lateness", "soon"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--max-lateness: expected a duration such as 30m, 1h or 600s (at most 7 days), found 'soon'"), "\(bad.stderr)")
    }

    /// A machine whose gateway went offline reads as "no data" in `twin state`, its last status
    /// only as what was last known.
    @Test func stateSaysNoDataForAnOfflineMachine() throws {
        let directory = StateCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/u.jsonl"
        try ([Self.status(at: Self.start, "M-012", "fault"),
              #"{"t":"2026-05-04T06:05:00Z","entity":"M-012","set":{"connection":"OFFLINE"}}"#].joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let db = directory + "/h.sqlite"
        #expect(try TwinBinary.run(["apply", "Assets/demo/plant.yaml", file, "--db", db]).status == 0)
        let text = try TwinBinary.run(["state", "Assets/demo/plant.yaml", "--db", db, "--entity", "M-012"])
        #expect(text.stdout.contains("no data since 2026-05-04T06:05:00Z (offline); last known:  fault since 2026-05-04T06:00:00Z"), "\(text.stdout)")
        let json = try TwinBinary.run(["state", "Assets/demo/plant.yaml", "--db", db, "--json"])
        #expect(json.stdout.contains(#""data": "no data since 2026-05-04T06:05:00Z (offline)""#), "\(json.stdout)")
        let before = try TwinBinary.run(["state", "Assets/demo/plant.yaml", "--db", db, "--at", "2026-05-04T06:04:00Z", "--entity", "M-012"])
        #expect(!before.stdout.contains("no data") && before.stdout.contains("fault since"), "\(before.stdout)")
    }

    /// A gateway that loses its link buffers M-002's messages and resends them after the others:
    /// the twin's history answers every moment as if they had come in time.
    @Test(.enabled(if: MosquittoBroker.executable != nil))
    func aGatewayReplayingAfterAnOutageRepairsTheHistory() throws {
        let codes = ["RUN", "RUN", "IDLE", "FAULT", "RUN", "STARVED", "RUN"]
        var inTime: [(topic: String, payload: String, line: String)] = []
        for i in 0..<60 {
            let t = Self.start.adding(seconds: Double(i) * 10)
            let id = "M-00\(i % 3 + 1)"
            let code = codes[(i * 5 + i / 3) % codes.count]
            let status = ["RUN": "running", "IDLE": "idle", "FAULT": "fault", "STARVED": "starved"][code]!
            inTime.append(("plant/hall/\(id)/status", #"{"state":"\#(code)","parts_ok":\#(i),"ts":"\#(t)"}"#,
                           #"{"t":"\#(t)","entity":"\#(id)","set":{"status":"\#(status)","counters":{"good":\#(i)}}}"#))
        }
        // Messages 15..44 of M-002 are held back by its gateway and come after everything else.
        let outage = inTime.enumerated().filter { (15..<45).contains($0.offset) && $0.element.topic.contains("M-002") }.map(\.offset)
        let arrival = inTime.indices.filter { !outage.contains($0) } + outage
        #expect(outage.count == 10)

        let (broker, server, base) = try SyncCommandTests.liveTwin()
        let publisher = try SyncCommandTests.publisher(broker)
        for k in arrival { #expect(publisher.publish(topic: inTime[k].topic, payload: Array(inTime[k].payload.utf8))) }
        let last = inTime.count
        _ = try HTTP.poll(base + "/health", token: TwinServer.readToken) { reply in
            guard case .object(let o)? = try? JSONParser.parse(reply.text), case .object(let u)? = o["updates"] else { return false }
            return u["applied"] == .number(Double(last))
        }
        // The reference: the same updates in time order, in memory.
        let directory = StateCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for probe in stride(from: 5.0, to: 600, by: 25) {
            let t = Self.start.adding(seconds: probe)
            var expected = Demo.state
            for item in inTime { let u = try UpdateParser.parse(line: item.line); if u.time <= t { try expected.apply(u) } }
            for id in ["M-001", "M-002", "M-003"] {
                let reply = try HTTP.request("GET", base + "/state/\(id)?at=\(t)", token: TwinServer.readToken)
                guard case .object(let o)? = try? JSONParser.parse(reply.text) else { Issue.record("\(reply.text)"); continue }
                let want = expected.entity(id)?.state
                #expect(o["status"] == want?.status.map { .string($0.rawValue) } ?? nil, "\(id) at \(t): \(reply.text)")
                #expect(o["status_since"] == want?.statusSince.map { .string($0.description) } ?? nil, "\(id) at \(t): \(reply.text)")
            }
        }
        publisher.disconnect()
        #expect(server.stop() == 0)
    }
}
