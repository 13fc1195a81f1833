import TwinJSON
import Foundation
import TwinTestSupport
import GRDB
import Testing
@testable import TwinState
import TwinSync

/// The live path end to end: a real mosquitto broker, `twin serve --broker` as a process, a
/// publisher on libmosquitto, and HTTP requests. Skipped where mosquitto is not installed.
@Suite("twin serve and twin sync, end to end", .enabled(if: MosquittoBroker.executable != nil), .serialized)
struct SyncCommandTests {
    static func publisher(_ broker: MosquittoBroker) throws -> MQTTClient {
        let client = try MQTTClient(clientId: "test-publisher-\(UUID().uuidString.prefix(8))", cleanSession: true)
        try client.connect(host: "127.0.0.1", port: broker.port)
        #expect(client.waitUntilConnected(seconds: 30))
        return client
    }

    /// A broker, `twin serve --broker` on it, and the server's base URL, once the twin has
    /// connected and subscribed (as /health tells).
    static func liveTwin() throws -> (MosquittoBroker, TwinServer, String) {
        let broker = try MosquittoBroker()
        let server = try TwinServer(arguments: ["--broker", "mqtt://127.0.0.1:\(broker.port)"])
        let base = "http://127.0.0.1:\(server.port)"
        _ = try HTTP.poll(base + "/health", token: TwinServer.readToken) { object($0)["mqtt"].map { if case .object(let m) = $0 { return m["connected"] == .bool(true) }; return false } ?? false }
        return (broker, server, base)
    }

    static func object(_ reply: HTTP.Reply) -> JSONObject {
        if case .object(let o)? = try? JSONParser.parse(reply.text) { return o }
        return JSONObject()
    }

    /// The README's live-sync walkthrough: its two messages, published as it publishes them, give
    /// the answer it shows for M-012 (and its serve line keeps a history of its own).
    @Test func theReadmeWalkthroughAnswersAsItSays() throws {
        let readme = try String(contentsOfFile: TwinBinary.repository + "/README.md", encoding: .utf8)
        let start = try #require(readme.range(of: "### Live: MQTT in, HTTP out"))
        let section = String(readme[start.upperBound...].prefix(4000))
        #expect(section.contains("--db live.history.sqlite"))
        var messages: [(String, String)] = []
        for line in section.split(separator: "\n") where line.hasPrefix("mosquitto_pub -q 1 -t ") {
            let rest = line.dropFirst("mosquitto_pub -q 1 -t ".count)
            guard let space = rest.firstIndex(of: " "), let open = rest.range(of: "-m '") else { continue }
            messages.append((String(rest[..<space]), String(rest[open.upperBound...].dropLast())))
        }
        #expect(messages.count == 2, "\(messages)")
        let shown = try #require(section.split(separator: "\n").first { $0.hasPrefix("#   {\"id\":\"M-012\"") })
        let expected = String(shown.dropFirst("#   ".count).replacingOccurrences(of: ",...}", with: ""))
        let (broker, server, base) = try Self.liveTwin()
        let publisher = try Self.publisher(broker)
        for (topic, payload) in messages { #expect(publisher.publish(topic: topic, payload: Array(payload.utf8))) }
        let reply = try HTTP.poll(base + "/state/M-012", token: TwinServer.readToken) { $0.text.contains("\"fault\"") }
        #expect(reply.text.hasPrefix(expected), "README shows \(expected)\nthe twin says \(reply.text)")
        let agv = try HTTP.poll(base + "/state/AGV-01", token: TwinServer.readToken) { $0.text.contains("\"last_node\":\"S3\"") }
        #expect(agv.text.contains("\"battery\":76.5"), "\(agv.text)")
        publisher.disconnect()
        #expect(server.stop() == 0)
    }

    /// A broker killed with SIGKILL forgets the twin's persistent session (mosquitto saves its
    /// state every 30 minutes by default): the twin reads CONNACK's session-present flag, says so
    /// in the log and /health with the gap, and is back within seconds.
    @Test func aBrokerThatLostTheSessionIsReported() throws {
        let (broker, server, base) = try Self.liveTwin()
        let before = Self.object(try HTTP.request("GET", base + "/health"))
        guard case .object(let m0)? = before["mqtt"] else { Issue.record("no mqtt in /health: \(before)"); return }
        #expect(m0["sessions_lost"] == .number(0))
        broker.process.crash()
        try broker.process.start()
        let reply = try HTTP.poll(base + "/health", token: TwinServer.readToken) { reply in
            guard case .object(let m)? = Self.object(reply)["mqtt"] else { return false }
            return m["sessions_lost"] == .number(1) && m["connected"] == .bool(true)
        }
        guard case .object(let m)? = Self.object(reply)["mqtt"], case .array(let gaps)? = m["session_gaps"] else { Issue.record("\(reply.text)"); return }
        #expect(m["sessions_lost"] == .number(1), "\(reply.text)")
        #expect(gaps.count == 1)
        if case .object(let gap)? = gaps.first { #expect(gap["from"] != .null && gap["to"] != nil, "\(reply.text)") }
        #expect(server.log.contains("the broker lost this twin's session"), "\(server.log)")
        // A clean restart (SIGTERM: the broker saves its state) keeps the session: no new loss.
        try broker.restart()
        let again = try HTTP.poll(base + "/health", token: TwinServer.readToken) { reply in
            guard case .object(let m)? = Self.object(reply)["mqtt"] else { return false }
            return m["connections"] == .number(3) && m["connected"] == .bool(true)
        }
        guard case .object(let m2)? = Self.object(again)["mqtt"] else { Issue.record("\(again.text)"); return }
        #expect(m2["connections"] == .number(3) && m2["sessions_lost"] == .number(1), "\(again.text)")
        #expect(server.stop() == 0)
    }

    @Test func messagesBecomeStateThatHTTPReturns() throws {
        let (broker, server, base) = try Self.liveTwin()
        let publisher = try Self.publisher(broker)
        publisher.publish(topic: "plant/hall/M-012/status", payload: Array(#"{"state":"FAULT","temp_C":81.5,"parts_ok":120,"ts":"2026-05-04T08:00:00Z"}"#.utf8))
        publisher.publish(topic: "uagv/v2/factorytwin/agv-01/state", payload: Array(#"""
            {"headerId":1,"timestamp":"2026-05-04T08:00:01Z","version":"2.0.0","manufacturer":"factorytwin","serialNumber":"agv-01",
             "orderId":"O-1","orderUpdateId":0,"lastNodeId":"S3","lastNodeSequenceId":2,"driving":true,"operatingMode":"AUTOMATIC",
             "agvPosition":{"x":40.5,"y":8.0,"theta":0.0,"mapId":"hall","positionInitialized":true},"velocity":{"vx":1.2,"vy":0,"omega":0},
             "batteryState":{"batteryCharge":76.5,"charging":false},"loads":[],"errors":[],"nodeStates":[],"edgeStates":[],"actionStates":[],
             "safetyState":{"eStop":"NONE","fieldViolation":false}}
            """#.utf8))
        publisher.publish(topic: "uagv/v2/factorytwin/agv-02/connection", payload: Array(#"{"headerId":1,"timestamp":"2026-05-04T08:00:02Z","version":"2.0.0","manufacturer":"factorytwin","serialNumber":"agv-02","connectionState":"ONLINE"}"#.utf8))
        let m012 = try HTTP.poll(base + "/state/M-012", token: TwinServer.readToken) { Self.object($0)["status"] == .string("fault") }
        #expect(Self.object(m012)["status"] == .string("fault"), "\(m012.text)\n\(server.log)")
        #expect(Self.object(m012)["counters"] == .object(JSONObject([.init(key: "good", value: .number(120))])))
        let agv = try HTTP.poll(base + "/state/AGV-01", token: TwinServer.readToken) { Self.object($0)["driving"] == .bool(true) }
        let o = Self.object(agv)
        #expect(o["pose"] == .object(JSONObject([.init(key: "x", value: .number(40.5)), .init(key: "y", value: .number(8)), .init(key: "theta", value: .number(0))])))
        #expect(o["battery"] == .number(76.5) && o["last_node"] == .string("S3") && o["order"] == .string("O-1"))
        let agv2 = try HTTP.poll(base + "/state/AGV-02", token: TwinServer.readToken) { Self.object($0)["connection"] != nil }
        #expect(Self.object(agv2)["connection"] == .string("ONLINE"))
        // What came over MQTT is in the history once the server stops.
        #expect(server.stop() == 0)
        let history = try History(path: server.history, plant: StateCommandTests.plant)
        #expect(try history.state().entity("M-012")?.state.status == .fault)
        publisher.disconnect()
    }

    @Test func aBrokerRestartMidStreamLosesNothingItAcknowledged() throws {
        let (broker, server, base) = try Self.liveTwin()
        let publisher = try Self.publisher(broker)
        let total = 3000
        for i in 1...total {
            if i == total / 2 {
                // The broker goes away in the middle of the stream and comes back.
                try broker.restart()
                #expect(publisher.waitUntilConnected(seconds: 30))
            }
            let payload = Array(#"{"state":"RUN","parts_ok":\#(i)}"#.utf8)
            while !publisher.publish(topic: "plant/hall/M-0\(String(format: "%02d", i % 40 + 1))/status", payload: payload) { usleep(20_000) }
        }
        // Every message acknowledged by the broker (libmosquitto resends the others after reconnecting).
        let end = Date().addingTimeInterval(60)
        while publisher.acknowledgedCount < total && Date() < end { usleep(20_000) }
        #expect(publisher.acknowledgedCount >= total)
        // Wait until the twin shows every machine's last published count. (Counting applied updates is
        // not enough: QoS 1 redelivers some messages after the restart, and the duplicates reach the
        // total before the last messages have arrived.)
        let lastCount = Dictionary(uniqueKeysWithValues: (total - 39...total).map { ("M-0\(String(format: "%02d", $0 % 40 + 1))", $0) })
        _ = try HTTP.poll(base + "/state", token: TwinServer.readToken, seconds: 60) { reply in
            guard case .object(let entities)? = Self.object(reply)["entities"] else { return false }
            return lastCount.allSatisfy { id, count in
                guard case .object(let e)? = entities[id], case .object(let counters)? = e["counters"] else { return false }
                return counters["good"] == .number(Double(count))
            }
        }
        let health = try HTTP.request("GET", base + "/health", token: TwinServer.readToken)
        // The twin lost its broker too, and came back to the same session.
        guard case .object(let mqtt)? = Self.object(health)["mqtt"], case .number(let connections)? = mqtt["connections"] else {
            Issue.record("no mqtt in \(health.text)"); return
        }
        #expect(connections >= 2, "the twin reconnected after the restart")
        #expect(server.stop() == 0)
        // The history holds every count that was published (QoS 1: some may come twice).
        let queue = try DatabaseQueue(path: server.history)
        let lines = try queue.read { db in try String.fetchAll(db, sql: "SELECT line FROM updates") }
        var seen = Set<Int>()
        for line in lines {
            if case .object(let o) = try JSONParser.parse(line), case .object(let set)? = o["set"], case .object(let counters)? = set["counters"],
               case .number(let n)? = counters["good"] { seen.insert(Int(n)) }
        }
        let missing = (1...total).filter { !seen.contains($0) }
        #expect(missing.isEmpty, "\(missing.count) acknowledged messages lost, first \(missing.prefix(5)); log: \(server.log.suffix(2000))")
        publisher.disconnect()
    }

    @Test func malformedOversizedAndUnknownMessagesAreCountedAndSkipped() throws {
        let (broker, server, base) = try Self.liveTwin()
        let publisher = try Self.publisher(broker)
        publisher.publish(topic: "uagv/v2/factorytwin/agv-01/state", payload: Array("not json at all".utf8))
        publisher.publish(topic: "plant/hall/M-012/status", payload: Array(#"{"state":"EXPLODED"}"#.utf8))
        publisher.publish(topic: "uagv/v2/factorytwin/agv-01/state", payload: [UInt8](repeating: 0x20, count: 100_000))
        publisher.publish(topic: "uagv/v2/acme/unknown-7/state", payload: Array(#"{"driving":true}"#.utf8))
        publisher.publish(topic: "plant/hall/M-999/status", payload: Array(#"{"state":"RUN"}"#.utf8))
        publisher.publish(topic: "plant/hall/M-001/status", payload: Array(#"{"state":"RUN"}"#.utf8))
        let health = try HTTP.poll(base + "/health", token: TwinServer.readToken) { reply in
            guard case .object(let u)? = Self.object(reply)["updates"] else { return false }
            return u["applied"] == .number(1) && u["unknown"] == .number(2)
        }
        guard case .object(let u)? = Self.object(health)["updates"] else { Issue.record("no counters: \(health.text)"); return }
        #expect(u["malformed"] == .number(2) && u["oversized"] == .number(1) && u["unknown"] == .number(2) && u["applied"] == .number(1), "\(health.text)")
        #expect(server.log.contains("malformed message skipped"))
        #expect(server.stop() == 0)
        publisher.disconnect()
    }

    @Test func eventsStreamEveryAppliedUpdate() throws {
        let server = try TwinServer(arguments: [])
        let events = try EventStream(port: server.port, path: "/events", token: TwinServer.readToken)
        #expect(events.read { $0.contains("\r\n\r\n") }, "no response headers: \(events.text)")
        #expect(events.text.hasPrefix("HTTP/1.1 200") && events.text.lowercased().contains("content-type: text/event-stream"), "\(events.text)")
        let lines = Data(#"""
            {"t":"2026-05-04T08:00:00Z","entity":"M-012","set":{"status":"fault"}}
            {"t":"2026-05-04T08:00:01Z","entity":"C-101","set":{"running":true,"speed_mps":0.3}}
            """#.utf8)
        #expect(try HTTP.request("POST", "http://127.0.0.1:\(server.port)/updates", token: TwinServer.writeToken, body: lines).status == 200)
        // Each applied update arrives as one event, in order.
        #expect(events.read { $0.contains(#""entity":"C-101""#) }, "\(events.text)")
        let data = events.text.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("data: ") }
        #expect(data.count == 2 && data[0].contains(#""entity":"M-012""#) && data[0].contains("fault") && data[1].contains(#""speed_mps":0.3"#), "\(data) in \(events.text.debugDescription)")
        // A client that goes away takes its stream with it, at once (not at the next event).
        let base = "http://127.0.0.1:\(server.port)"
        func streams() throws -> JSONValue? { Self.object(try HTTP.request("GET", base + "/health"))["event_streams"] }
        #expect(try streams() == .number(1))
        events.close()
        _ = try HTTP.poll(base + "/health", token: TwinServer.readToken, seconds: 10) { Self.object($0)["event_streams"] == .number(0) }
        #expect(try streams() == .number(0))
        // Without a token the stream does not open.
        let anonymous = try EventStream(port: server.port, path: "/events", token: "nobody-0123456789abcdef")
        #expect(anonymous.read { $0.contains("\r\n\r\n") } && anonymous.text.hasPrefix("HTTP/1.1 401"), "\(anonymous.text)")
        #expect(server.stop() == 0)
    }

    @Test func aBrokerThatCannotStartIsAnErrorNotAHang() throws {
        let folder = NSTemporaryDirectory() + "mosquitto-bad-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        do {
            _ = try MosquittoProcess(folder: folder, settings: ["no_such_setting 1"])
            Issue.record("a broker with a broken configuration started")
        } catch {
            #expect(error.description.contains("exited") && error.description.contains(folder + "/mosquitto.conf"), "\(error)")
        }
    }

    @Test func httpNeedsTokensAndSpeaksProblemDetails() throws {
        let server = try TwinServer(arguments: [])
        let base = "http://127.0.0.1:\(server.port)"
        #expect(try HTTP.request("GET", base + "/health").status == 200)
        let anonymous = try HTTP.request("GET", base + "/state")
        #expect(anonymous.status == 401 && anonymous.contentType == "application/problem+json")
        #expect(Self.object(anonymous)["status"] == .number(401))
        #expect(try HTTP.request("GET", base + "/state", token: "wrong-token-0123456789abcdef").status == 401)
        #expect(try HTTP.request("GET", base + "/state", token: TwinServer.readToken).status == 200)
        let lines = Data(#"""
            {"t":"2026-05-04T08:00:00Z","entity":"M-012","set":{"status":"fault"}}
            {"t":"2026-05-04T08:00:01Z","entity":"M-404","set":{"status":"fault"}}
            """#.utf8)
        #expect(try HTTP.request("POST", base + "/updates", token: TwinServer.readToken, body: lines).status == 403)
        let posted = try HTTP.request("POST", base + "/updates", token: TwinServer.writeToken, body: lines, contentType: "application/x-ndjson")
        #expect(posted.status == 422 && posted.text.contains("unknown entity 'M-404'") && Self.object(posted)["applied"] == .number(1), "\(posted.text)")
        let patched = try HTTP.request("PATCH", base + "/entities/M-013", token: TwinServer.writeToken, body: Data(#"{"status":"blocked"}"#.utf8))
        #expect(patched.status == 200, "\(patched.text)")
        #expect(Self.object(try HTTP.request("GET", base + "/state/M-013", token: TwinServer.readToken))["status"] == .string("blocked"))
        #expect(try HTTP.request("PATCH", base + "/entities/M-013", token: TwinServer.writeToken, body: Data(#"{"status":"melted"}"#.utf8)).status == 422)
        #expect(try HTTP.request("PATCH", base + "/entities/M-404", token: TwinServer.writeToken, body: Data(#"{"status":"idle"}"#.utf8)).status == 404)
        #expect(try HTTP.request("GET", base + "/state/M-404", token: TwinServer.readToken).status == 404)
        #expect(try HTTP.request("GET", base + "/state?at=yesterday", token: TwinServer.readToken).status == 400)
        let tooBig = try HTTP.request("POST", base + "/updates", token: TwinServer.writeToken, body: Data(repeating: 0x20, count: 5 << 20))
        #expect(tooBig.status == 413 && tooBig.contentType == "application/problem+json")
        let nowhere = try HTTP.request("GET", base + "/nowhere", token: TwinServer.readToken)
        #expect(nowhere.status == 404 && nowhere.contentType == "application/problem+json")
        let png = try HTTP.request("GET", base + "/render.png?camera=plan&size=320x180", token: TwinServer.readToken)
        #expect(png.status == 200 && png.contentType == "image/png" && png.body.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(try HTTP.request("GET", base + "/render.png?size=99999x99999", token: TwinServer.readToken).status == 400)
        let check = try HTTP.request("GET", base + "/check", token: TwinServer.readToken)
        #expect(check.status == 200 && check.text.contains("R-LOOP"))
        // The same document as `twin check --json`: the same members, in the same order.
        let cli = try TwinBinary.run(["check", "Assets/demo/plant.yaml", "--json"])
        func shape(_ text: String) throws -> [String] {
            let top = try JSONParser.parse(text).object("")
            let route = try top.required("routes", "routes").array("routes")[0].object("routes[0]")
            let clearance = try route.required("min_clearance", "min_clearance").object("min_clearance")
            return top.keys + route.keys.map { "route." + $0 } + clearance.keys.map { "min_clearance." + $0 }
        }
        #expect(try shape(check.text) == shape(cli.stdout), "\(check.text)")
        let openapi = try HTTP.request("GET", base + "/openapi.json", token: TwinServer.readToken)
        #expect(openapi.status == 200 && (try? JSONParser.parse(openapi.text)) != nil)
        // The past: before the fault, M-012 had no status.
        let past = try HTTP.request("GET", base + "/state?at=2026-05-04T07:00:00Z", token: TwinServer.readToken)
        #expect(past.status == 200 && !past.text.contains("fault"), "\(past.text)")
        // One entity at a moment: before the fault and after it.
        let before = try HTTP.request("GET", base + "/state/M-012?at=2026-05-04T07:00:00Z", token: TwinServer.readToken)
        #expect(before.status == 200 && Self.object(before)["id"] == .string("M-012") && Self.object(before)["status"] == nil, "\(before.text)")
        let after = try HTTP.request("GET", base + "/state/M-012?at=2026-05-04T08:00:01Z", token: TwinServer.readToken)
        #expect(Self.object(after)["status"] == .string("fault"), "\(after.text)")
        #expect(try HTTP.request("GET", base + "/state/M-012?at=soon", token: TwinServer.readToken).status == 400)
        let gone = try HTTP.request("GET", base + "/state/M-404?at=2026-05-04T08:00:01Z", token: TwinServer.readToken)
        #expect(gone.status == 404 && gone.text.contains("no entity 'M-404' at that moment"), "\(gone.text)")
        // The production report over HTTP: M-012 faulted at 08:00, in the early shift.
        let oee = try HTTP.request("GET", base + "/analytics/oee?from=2026-05-04T07:00:00Z&to=2026-05-04T09:00:00Z&line=LINE-2", token: TwinServer.readToken)
        #expect(oee.status == 200, "\(oee.text.prefix(300))")
        guard case .array(let machines)? = Self.object(oee)["machines"], case .object(let first)? = machines.first else { Issue.record("no machines: \(oee.text.prefix(300))"); return }
        #expect(first["entity"] == .string("M-012") && Self.object(oee)["bottlenecks"] == nil)
        guard case .object(let times)? = first["time_in_s"] else { Issue.record("no time_in_s"); return }
        #expect(times["fault"] == .number(3600), "\(first)")
        let bottlenecks = try HTTP.request("GET", base + "/analytics/bottlenecks?from=2026-05-04T07:00:00Z&to=2026-05-04T09:00:00Z", token: TwinServer.readToken)
        #expect(bottlenecks.status == 200 && bottlenecks.text.contains(#""line":"LINE-2""#) && Self.object(bottlenecks)["machines"] == nil, "\(bottlenecks.text.prefix(300))")
        for (query, message) in [("from=yesterday", "the query parameter from is not an ISO 8601 time"),
                                 ("from=2026-05-04T09:00:00Z&to=2026-05-04T07:00:00Z", "must lie before to"),
                                 ("from=2026-01-01T00:00:00Z&to=2026-05-04T07:00:00Z", "a report covers at most 31 days"),
                                 ("line=LINE-9", "no line 'LINE-9' in the plant")] {
            let bad = try HTTP.request("GET", base + "/analytics/oee?" + query, token: TwinServer.readToken)
            #expect(bad.status == 400 && bad.text.contains(message), "\(query): \(bad.status) \(bad.text.prefix(200))")
        }
        #expect(try HTTP.request("GET", base + "/analytics/oee").status == 401)
        // A known path with another method: 405 and the methods it takes.
        let delete = try HTTP.request("DELETE", base + "/state", token: TwinServer.writeToken)
        #expect(delete.status == 405 && delete.allow == "GET" && delete.contentType == "application/problem+json", "\(delete.text)")
        let getUpdates = try HTTP.request("GET", base + "/updates", token: TwinServer.readToken)
        #expect(getUpdates.status == 405 && getUpdates.allow == "POST", "\(getUpdates.text)")
        #expect(try HTTP.request("PUT", base + "/entities/M-013", token: TwinServer.writeToken).allow == "PATCH")
        // Every operation the OpenAPI document describes is served (the event stream aside: it
        // never ends; eventsStreamEveryAppliedUpdate reads it).
        guard case .object(let paths)? = Self.object(openapi)["paths"] else { Issue.record("no paths in /openapi.json"); return }
        #expect(paths.members.count == 11)
        for member in paths.members where member.key != "/events" {
            guard case .object(let operations) = member.value else { continue }
            for method in operations.keys {
                let reply = try HTTP.request(method.uppercased(), base + member.key.replacingOccurrences(of: "{id}", with: "M-012"), token: TwinServer.writeToken)
                #expect(reply.status != 404 && reply.status != 405, "\(method) \(member.key): \(reply.status) \(reply.text.prefix(200))")
            }
        }
        #expect(server.stop() == 0)
    }
}
