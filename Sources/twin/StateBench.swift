import ArgumentParser
import Foundation
import TwinCollision
import TwinGeometry
import TwinJSON
import TwinLayout
import TwinOperations
import TwinRender
import TwinState

struct StateBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Measure the state module: updates applied in memory, ingested and persisted, and queries of a long history.",
        discussion: """
            On the demo plant: (1) updates applied per second in memory, already parsed, and parsed from JSON lines; \
            (2) a JSON Lines file ingested into a fresh SQLite history (WAL, batches of 10,000), per second, in time order \
            and again with 5 % of the updates arriving up to 20 s late (placed at their time; the final state is compared \
            with the in-order one); (3) a \
            history of --history updates (10 million by default) and the time to answer the state at random past \
            moments. The files go to --dir and are removed afterwards. Prints figures, asserts nothing.

            Examples:
              twin bench state
            """)

    @Option(help: "Updates applied in memory.")
    var memory = 2_000_000

    @Option(help: "Updates in the ingest measurement.")
    var ingest = 1_000_000

    @Option(help: "Updates in the history that is queried.")
    var history = 10_000_000

    @Option(help: "Random past moments asked for.")
    var queries = 50

    @Option(help: "Where the temporary files go (about 250 MB per million updates).")
    var dir: String = NSTemporaryDirectory()

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard memory >= 1000, ingest >= 1000, history >= 1000 else { throw ValidationError("give at least 1,000 updates to each measurement") }
        guard (1...10_000).contains(queries) else { throw ValidationError("--queries must be between 1 and 10,000") }
    }

    /// Update `i` of a synthetic plant day: two in three are machine updates (status, a signal,
    /// a counter), one in three an AGV's pose and battery; one a tenth of a second.
    static func line(_ i: Int, machines: [String], agvs: [String], into out: inout [UInt8]) {
        let t = Timestamp(milliseconds: 1_777_881_600_000 + Int64(i) * 100)
        var text: String
        if i % 3 == 0 {
            let x = 5 + Double((i &* 7919) % 900) / 10, y = 5 + Double((i &* 104_729) % 500) / 10
            text = #"{"t":"\#(t)","entity":"\#(agvs[i % agvs.count])","set":{"pose":{"x":\#(x),"y":\#(y),"theta":\#(Double(i % 628) / 100)},"battery":\#(100 - i % 80)}}"#
        } else {
            let status = MachineStatus.allCases[(i / 7) % MachineStatus.allCases.count].rawValue
            text = #"{"t":"\#(t)","entity":"\#(machines[i % machines.count])","set":{"status":"\#(status)","signals":{"temp_C":\#(20 + Double(i % 700) / 10)},"counters":{"good":\#(i)}}}"#
        }
        out.append(contentsOf: text.utf8)
        out.append(0x0A)
    }

    /// The order in which the updates arrive when `lateShare` of them arrive late, each behind
    /// by 1 to `lateBy` messages (0.1 s each): a gateway resending, a slow link.
    static func arrivalOrder(count: Int, lateShare: Double, lateBy: Int) -> [Int] {
        guard lateShare > 0 else { return Array(0..<count) }
        var keys: [(Double, Int)] = []
        keys.reserveCapacity(count)
        var rng = UInt64(0x5eed)
        for i in 0..<count {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let draw = Double(rng >> 11) / Double(1 << 53)
            let late = draw < lateShare
            keys.append((Double(i) + (late ? Double(1 + Int(rng >> 40) % lateBy) + 0.5 : 0), i))
        }
        keys.sort { $0.0 < $1.0 }
        return keys.map(\.1)
    }

    func writeFile(_ path: String, count: Int, machines: [String], agvs: [String], order: [Int]? = nil) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw CLIFailure.badInput("\(path): cannot write")
        }
        defer { try? handle.close() }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 24)
        for k in 0..<count {
            let i = order?[k] ?? k
            Self.line(i, machines: machines, agvs: agvs, into: &buffer)
            if buffer.count > (1 << 24) - 512 { handle.write(Data(buffer)); buffer.removeAll(keepingCapacity: true) }
        }
        handle.write(Data(buffer))
    }

    func run() throws {
        let plant: Plant
        do { plant = try PlantLoader().load(path: "Assets/demo/plant.yaml") } catch { throw CLIFailure.badInput(error.description) }
        let machines = plant.entities.filter { $0.category == .machine }.map(\.id)
        let agvs = plant.entities.filter { $0.category == .agv }.map(\.id)
        var results: JSONObject = ["plant": .string(plant.name)]
        func say(_ text: String) { if !json { print(text) } }
        say("twin bench state: \(plant.name) (\(machines.count) machines, \(agvs.count) AGVs)")

        var progress = BenchProgress("twin bench state", steps: 5, quiet: json)
        // 1. In memory: parsed updates applied; then JSON lines parsed and applied.
        progress.step("\(grouped(memory)) updates in memory")
        var lines: [UInt8] = []
        lines.reserveCapacity(memory * 130)
        var offsets: [Int] = [0]
        offsets.reserveCapacity(memory + 1)
        for i in 0..<memory {
            Self.line(i, machines: machines, agvs: agvs, into: &lines)
            offsets.append(lines.count)
        }
        var parsed: [Update] = []
        parsed.reserveCapacity(memory)
        let parseStart = ContinuousClock.now
        try lines.withUnsafeBufferPointer { all in
            for k in 0..<memory {
                let line = UnsafeBufferPointer(rebasing: all[offsets[k]..<(offsets[k + 1] - 1)])
                do { parsed.append(try UpdateParser.parse(line: line)) } catch { throw CLIFailure.badInput("synthetic update \(k): \(error)") }
            }
        }
        let parseSeconds = (ContinuousClock.now - parseStart).seconds
        var best = Double.infinity
        for _ in 0..<3 {
            var state = PlantState(plant: plant)
            let start = ContinuousClock.now
            for update in parsed {
                do { try state.apply(update) } catch { throw CLIFailure.badInput("synthetic update: \(error)") }
            }
            best = min(best, (ContinuousClock.now - start).seconds)
        }
        let applyRate = Double(memory) / best
        let parseApplyRate = Double(memory) / (parseSeconds + best)
        results[set: "memory"] = ["updates": .number(Double(memory)), "applied_per_s": .number(applyRate.rounded()),
                                  "parsed_per_s": .number((Double(memory) / parseSeconds).rounded()), "parsed_and_applied_per_s": .number(parseApplyRate.rounded())]
        progress.clear()
        say(String(format: "  in memory, %@ updates:   applied %@/s (parsed beforehand; target 1,000,000/s); parsed %@/s; both %@/s",
                   grouped(memory), grouped(Int(applyRate)), grouped(Int(Double(memory) / parseSeconds)), grouped(Int(parseApplyRate))))
        parsed = []
        lines = []
        offsets = []

        // 2. Ingest: a JSON Lines file into a fresh history, committed in batches in WAL mode.
        let folder = (dir as NSString).appendingPathComponent("twin-bench-state-\(getpid())")
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        progress.step("\(grouped(ingest)) updates ingested and persisted")
        let ingestFile = folder + "/ingest.jsonl"
        try writeFile(ingestFile, count: ingest, machines: machines, agvs: agvs)
        let (ingestRate, _, inOrderState) = try ingestRun(file: ingestFile, db: folder + "/ingest.sqlite", plant: plant)
        try? FileManager.default.removeItem(atPath: ingestFile)
        results[set: "ingest"] = ["updates": .number(Double(ingest)), "persisted_per_s": .number(ingestRate.rounded()), "batch": 10_000]
        progress.clear()
        say(String(format: "  ingested and persisted, %@ updates: %@/s (JSON lines parsed, checked, applied, committed in batches of 10,000; target 200,000/s)",
                   grouped(ingest), grouped(Int(ingestRate))))

        // 2b. The same updates with 5 % arriving late (1 to 200 messages, up to 20 s): placed at
        // their time; the result must be the state of the in-order run.
        progress.step("\(grouped(ingest)) updates, 5 % of them late")
        try writeFile(ingestFile, count: ingest, machines: machines, agvs: agvs, order: Self.arrivalOrder(count: ingest, lateShare: 0.05, lateBy: 200))
        let (lateRate, lateReport, lateState) = try ingestRun(file: ingestFile, db: folder + "/late.sqlite", plant: plant)
        try? FileManager.default.removeItem(atPath: ingestFile)
        let same = JSONWriter.string(lateState.document()) == JSONWriter.string(inOrderState.document())
        results[set: "ingest_late"] = ["updates": .number(Double(ingest)), "late": .number(Double(lateReport.lateUpdates)),
                                       "placed_by_replay": .number(Double(lateReport.placedByReplay)),
                                       "persisted_per_s": .number(lateRate.rounded()), "same_state_as_in_order": .bool(same)]
        progress.clear()
        say(String(format: "  ingested and persisted, %@ updates with %@ arriving late (%@ placed by a replay): %@/s = %.0f%% of in order; final state %@ the in-order one",
                   grouped(ingest), grouped(Int(lateReport.lateUpdates)), grouped(Int(lateReport.placedByReplay)), grouped(Int(lateRate)),
                   lateRate / ingestRate * 100, same ? "equals" : "DIFFERS FROM"))

        // 3. A long history, then the state at random past moments.
        let historyFile = folder + "/history.jsonl", historyDB = folder + "/history.sqlite"
        progress.step("building a history of \(grouped(history)) updates")
        try writeFile(historyFile, count: history, machines: machines, agvs: agvs)
        let buildRate = try ingestRun(file: historyFile, db: historyDB, plant: plant).rate
        try? FileManager.default.removeItem(atPath: historyFile)
        let store: History
        do { store = try History(path: historyDB, plant: plant) } catch { throw CLIFailure.badInput(error.description) }
        guard let span = try? store.timeSpan() else { throw CLIFailure.badInput("the history is empty") }
        progress.step("\(queries) queries of the state at a past moment")
        var generator = SystemRandomNumberGenerator()
        var times: [Double] = []
        var checked = 0
        for _ in 0..<queries {
            let t = Timestamp(milliseconds: Int64.random(in: span.first.milliseconds...span.last.milliseconds, using: &generator))
            let start = ContinuousClock.now
            let state: PlantState
            do { state = try store.state(at: t) } catch { throw CLIFailure.badInput(error.description) }
            times.append((ContinuousClock.now - start).seconds)
            // The answer is the state after exactly the updates up to t (one each 100 ms from the start).
            let expected = (t.milliseconds - span.first.milliseconds) / 100 + 1
            if state.sequence == expected { checked += 1 }
        }
        progress.finish()
        times.sort()
        let median = times[times.count / 2], p95 = times[min(times.count - 1, times.count * 95 / 100)], worst = times.last!
        let size = ((try? FileManager.default.attributesOfItem(atPath: historyDB)[.size] as? Int) ?? 0)
        results[set: "history"] = ["updates": .number(Double(history)), "built_per_s": .number(buildRate.rounded()), "queries": .number(Double(queries)),
                                   "query_median_ms": .number(median * 1000, places: 3), "query_p95_ms": .number(p95 * 1000, places: 3),
                                   "query_max_ms": .number(worst * 1000, places: 3), "answers_checked": .number(Double(checked)), "db_mib": .number(Double(size >> 20))]
        say(String(format: "  history of %@ updates (%d MiB, built at %@/s): state at a random past moment: median %.1f ms, p95 %.1f ms, max %.1f ms over %d queries (target under 50 ms); %d of %d answers at the expected update",
                   grouped(history), size >> 20, grouped(Int(buildRate)), median * 1000, p95 * 1000, worst * 1000, queries, checked, queries))
        if json {
            print(JSONWriter.string(.object(results)))
        }
    }

    func ingestRun(file: String, db: String, plant: Plant) throws -> (rate: Double, report: UpdateFile.Report, state: PlantState) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        let store: History
        do { store = try History(path: db, plant: plant) } catch { throw CLIFailure.badInput(error.description) }
        var state = store.initialState
        let report: UpdateFile.Report
        do { report = try UpdateFile.apply(path: file, to: &state, history: store) } catch { throw CLIFailure.badInput(error.description) }
        guard report.rejectedCount == 0 else { throw CLIFailure.badInput("synthetic updates rejected: \(report.rejected.first!)") }
        return (Double(report.applied) / report.seconds, report, state)
    }
}
