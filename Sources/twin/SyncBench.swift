import ArgumentParser
import Foundation
import TwinTestSupport
import Hummingbird
import TwinCollision
import TwinGeometry
import TwinJSON
import TwinLayout
import TwinOperations
import TwinRender
import TwinState
import TwinSync

struct SyncBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Measure live sync against a local mosquitto: ingest rate next to the broker's own, and publish-to-HTTP latency.",
        discussion: """
            Starts mosquitto on a free loopback port. (1) The broker alone: a plain QoS 1 subscriber receives what a \
            publisher sends as fast as it can. (2) The twin: the same messages applied and committed to a history, \
            for 200-byte machine messages and 1.5 KB VDA 5050 states. (1) and (2) take turns for --rounds rounds \
            and the medians are compared, since a shared machine's speed drifts from one run to the next. (3) At a \
            steady 5,000 messages per second, the time from publishing a message to its update arriving on the HTTP \
            server's /events stream.

            Examples:
              twin bench sync
            """)

    @Option(help: "Rounds of broker-alone and twin runs, taking turns (medians reported).")
    var rounds = 3

    @Option(help: "Messages per rate measurement.")
    var messages = 100_000

    @Option(help: "Seconds of the latency measurement.")
    var seconds = 10.0

    func validate() throws {
        guard rounds >= 1 && rounds <= 20 else { throw ValidationError("--rounds must be 1 to 20") }
        guard messages >= 1000 else { throw ValidationError("--messages must be at least 1000") }
        guard seconds > 0 && seconds <= 600 else { throw ValidationError("--seconds must be above 0 and at most 600") }
    }

    func run() throws {
        let plant: Plant
        do { plant = try PlantLoader().load(path: "Assets/demo/plant.yaml") } catch { throw CLIFailure.badInput(error.description) }
        let folder = NSTemporaryDirectory() + "twin-bench-sync-\(getpid())"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let broker: MosquittoProcess
        do { broker = try MosquittoProcess(folder: folder, settings: ["log_dest none"]) } catch { throw CLIFailure.badInput(error.description) }
        defer { broker.stop() }
        print("twin bench sync: mosquitto on 127.0.0.1:\(broker.port), \(grouped(messages)) QoS 1 messages a run, \(plant.name)")

        let machines = plant.entities.filter { $0.category == .machine }.map(\.id)
        let machinePayloads: [(String, [UInt8])] = (0..<messages).map { i in
            var text = #"{"state":"RUN","temp_C":\#(20 + Double(i % 700) / 10),"program":"P-\#(1000 + i % 50)","parts_ok":\#(i),"parts_nok":\#(i / 100),"ts":"\#(Timestamp(milliseconds: 1_777_881_600_000 + Int64(i)))"}"#
            text += String(repeating: " ", count: max(0, 200 - text.utf8.count))
            return ("plant/hall/\(machines[i % machines.count])/status", Array(text.utf8))
        }
        let agvs = plant.entities.filter { $0.category == .agv }
        let vdaPayloads: [(String, [UInt8])] = (0..<messages).map { i in
            let agv = agvs[i % agvs.count]
            var text = #"{"headerId":\#(i),"timestamp":"\#(Timestamp(milliseconds: 1_777_881_600_000 + Int64(i)))","version":"2.0.0","manufacturer":"\#(agv.manufacturer ?? "")","serialNumber":"\#(agv.serialNumber ?? "")","orderId":"O-\#(i / 1000)","orderUpdateId":0,"lastNodeId":"S\#(i % 8 + 1)","lastNodeSequenceId":\#(i % 8),"driving":true,"paused":false,"newBaseRequest":false,"distanceSinceLastNode":1.5,"operatingMode":"AUTOMATIC","agvPosition":{"x":\#(10 + Double(i % 800) / 10),"y":8.0,"theta":0.0,"mapId":"hall","positionInitialized":true,"localizationScore":0.98},"velocity":{"vx":1.2,"vy":0.0,"omega":0.0},"batteryState":{"batteryCharge":\#(100 - i % 80),"batteryVoltage":48.2,"charging":false,"reach":9000},"loads":[{"loadId":"L-\#(i % 97)","loadType":"EPAL","weight":420}],"errors":[],"information":[],"nodeStates":[{"nodeId":"S4","sequenceId":4,"released":true},{"nodeId":"S5","sequenceId":6,"released":true}],"edgeStates":[{"edgeId":"S3-S4","sequenceId":3,"released":true},{"edgeId":"S4-S5","sequenceId":5,"released":true}],"actionStates":[{"actionId":"a-\#(i)","actionType":"pick","actionStatus":"FINISHED"}],"safetyState":{"eStop":"NONE","fieldViolation":false}}"#
            text += String(repeating: " ", count: max(0, 1500 - text.utf8.count))
            return ("uagv/v2/\(agv.manufacturer ?? "")/\(agv.serialNumber ?? "")/state", Array(text.utf8))
        }

        var progress = BenchProgress("twin bench sync", steps: 2 * rounds + 1)
        for (label, payloads) in [("machine messages, 200 B", machinePayloads), ("VDA 5050 states, 1.5 KB", vdaPayloads)] {
            var brokerRates: [Double] = [], twinRates: [Double] = []
            for round in 0..<rounds {
                progress.step("\(label), round \(round + 1)")
                brokerRates.append(try brokerAlone(broker, payloads))
                twinRates.append(try twinIngest(broker, plant: plant, folder: folder, payloads))
            }
            let brokerRate = median(brokerRates), twinRate = median(twinRates)
            let ratios = zip(twinRates, brokerRates).map { $0 / $1 * 100 }
            let spread = rounds == 1 ? "one round" : String(format: "medians of %d rounds; the rounds %.0f%% to %.0f%%", rounds, ratios.min() ?? 0, ratios.max() ?? 0)
            progress.clear()
            print(String(format: "  %@: broker alone %@ msg/s (a plain subscriber); twin %@ msg/s applied and committed = %.0f%% of the broker's (%@) (target 50%%)",
                         label, grouped(Int(brokerRate)), grouped(Int(twinRate)), twinRate / brokerRate * 100, spread))
        }
        progress.step("publish-to-HTTP latency")
        try latency(broker, plant: plant, folder: folder, payloads: machinePayloads)
        progress.finish()
    }

    /// A publisher sends every payload (QoS 1, as fast as it may), a subscriber counts them.
    func publishAll(_ broker: MosquittoProcess, _ payloads: [(String, [UInt8])], until done: () -> Bool) throws -> Double {
        let publisher = try MQTTClient(clientId: "bench-pub-\(UUID().uuidString.prefix(6))", cleanSession: true)
        try publisher.connect(host: "127.0.0.1", port: broker.port)
        guard publisher.waitUntilConnected(seconds: 10) else { throw CLIFailure.badInput("cannot connect to the broker") }
        let start = ContinuousClock.now
        for (topic, payload) in payloads {
            while !publisher.publish(topic: topic, payload: payload) { usleep(100) }
        }
        let end = Date().addingTimeInterval(300)
        while !done() && Date() < end { usleep(200) }
        let elapsed = (ContinuousClock.now - start).seconds
        publisher.disconnect()
        return Double(payloads.count) / elapsed
    }

    func brokerAlone(_ broker: MosquittoProcess, _ payloads: [(String, [UInt8])]) throws -> Double {
        let subscriber = try MQTTClient(clientId: "bench-sub-\(UUID().uuidString.prefix(6))", cleanSession: true)
        let counter = Counter()
        subscriber.subscribe(["plant/#", "uagv/#"], qos: 1) { _, _ in counter.add() }
        try subscriber.connect(host: "127.0.0.1", port: broker.port)
        _ = subscriber.waitUntilConnected(seconds: 10)
        usleep(200_000)
        let rate = try publishAll(broker, payloads) { counter.value >= payloads.count }
        subscriber.disconnect()
        return rate
    }

    /// A live twin with a fresh history at `db`, following the broker, once connected.
    func startTwin(_ broker: MosquittoProcess, plant: Plant, db: String, clientId: String) throws -> (LiveTwin, MQTTSync) {
        let live: LiveTwin, sync: MQTTSync
        do {
            live = try LiveTwin(plant: plant, history: try History(path: db, plant: plant))
            live.start()
            sync = try MQTTSync(live: live, broker: BrokerAddress("mqtt://127.0.0.1:\(broker.port)")!, clientId: clientId) { _ in }
            try sync.start()
        } catch {
            throw CLIFailure.badInput("\(error)")
        }
        _ = sync.client.waitUntilConnected(seconds: 10)
        return (live, sync)
    }

    func twinIngest(_ broker: MosquittoProcess, plant: Plant, folder: String, _ payloads: [(String, [UInt8])]) throws -> Double {
        let (live, sync) = try startTwin(broker, plant: plant, db: folder + "/ingest-\(UUID().uuidString.prefix(6)).sqlite",
                                         clientId: "bench-twin-\(UUID().uuidString.prefix(6))")
        usleep(200_000)
        let rate = try publishAll(broker, payloads) { live.counts.committed >= Int64(payloads.count) }
        sync.stop()
        live.stop()
        let c = live.counts
        if c.committed < Int64(payloads.count) { print("  (only \(c.committed) of \(payloads.count) committed; \(c.malformed) malformed, \(c.rejected) rejected)") }
        return rate
    }

    /// At 5,000 messages a second: publish to visible on the HTTP server's event stream.
    func latency(_ broker: MosquittoProcess, plant: Plant, folder: String, payloads: [(String, [UInt8])]) throws {
        let (live, sync) = try startTwin(broker, plant: plant, db: folder + "/latency.sqlite", clientId: "bench-latency")
        guard let port = MosquittoProcess.freeLoopbackPort() else { throw CLIFailure.badInput("no free loopback port") }
        let token = "bench-token-0123456789abcdef"
        let router = HTTPAPI.router(live: live, tokens: TokenConfig(tokens: [token: [.read]]), mqtt: sync)
        setenv("LOG_LEVEL", "critical", 1)   // the server's own log would only interleave with the figures
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        let server = Task { try await app.run() }
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && !MosquittoProcess.acceptsConnections(port: port) { usleep(20_000) }
        // The event stream, read over a plain socket; each event carries the counter we published.
        let sent = SentTimes(count: payloads.count)
        let received = LatencyLog()
        let reader = Thread {
            guard let fd = MosquittoProcess.connectLoopback(port: port) else { return }
            let request = "GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n\r\n"
            _ = request.withCString { write(fd, $0, strlen($0)) }
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            var carry: [UInt8] = []
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                let now = DispatchTime.now().uptimeNanoseconds
                carry += buffer[0..<n]
                while let newline = carry.firstIndex(of: 0x0A) {
                    let line = carry[..<newline]
                    carry.removeSubrange(...newline)
                    guard line.starts(with: Array("data: ".utf8)), let range = String(decoding: line, as: UTF8.self).range(of: #""good":"#) else { continue }
                    let text = String(decoding: line, as: UTF8.self)
                    let digits = text[range.upperBound...].prefix { $0.isNumber }
                    if let i = Int(digits), let t = sent.time(i) { received.add(Double(now - t) / 1e6) }
                }
            }
            close(fd)
        }
        reader.start()
        usleep(300_000)
        let publisher = try MQTTClient(clientId: "bench-latency-pub", cleanSession: true)
        try publisher.connect(host: "127.0.0.1", port: broker.port)
        _ = publisher.waitUntilConnected(seconds: 10)
        let rate = 5000.0
        let total = min(payloads.count, Int(rate * seconds))
        let start = DispatchTime.now().uptimeNanoseconds
        for i in 0..<total {
            let due = start + UInt64(Double(i) / rate * 1e9)
            let now = DispatchTime.now().uptimeNanoseconds
            if due > now { usleep(UInt32((due - now) / 1000)) }
            sent.set(i, DispatchTime.now().uptimeNanoseconds)
            publisher.publish(topic: payloads[i].0, payload: payloads[i].1)
        }
        let end = Date().addingTimeInterval(10)
        while received.count < total && Date() < end { usleep(10_000) }
        let values = received.sorted
        publisher.disconnect()
        server.cancel()
        sync.stop()
        live.stop()
        guard !values.isEmpty else { print("  latency: no events arrived"); return }
        let median = values[values.count / 2], p99 = values[min(values.count - 1, values.count * 99 / 100)]
        print(String(format: "  publish to visible over HTTP (/events) at 5,000 msg/s for %.0f s: median %.2f ms, p99 %.2f ms, max %.2f ms over %@ of %@ messages (target p99 under 50 ms)",
                     seconds, median, p99, values.last!, grouped(values.count), grouped(total)))
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}

final class SentTimes: @unchecked Sendable {
    private let lock = NSLock()
    private var times: [UInt64]
    init(count: Int) { times = [UInt64](repeating: 0, count: count) }
    func set(_ i: Int, _ t: UInt64) { lock.lock(); times[i] = t; lock.unlock() }
    func time(_ i: Int) -> UInt64? { lock.lock(); defer { lock.unlock() }; return i < times.count && times[i] > 0 ? times[i] : nil }
}

final class LatencyLog: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Double] = []
    func add(_ v: Double) { lock.lock(); values.append(v); lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return values.count }
    var sorted: [Double] { lock.lock(); defer { lock.unlock() }; return values.sorted() }
}
