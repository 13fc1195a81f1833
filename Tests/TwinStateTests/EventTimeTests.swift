import Foundation
import TwinTestSupport
import TwinJSON
import Testing
@testable import TwinState

/// Updates are placed at their own time, however late they arrive: the same updates in any
/// arrival order give the same live state, the same history and the same state at every moment.
@Suite("Updates at their own time")
struct EventTimeTests {
    static let start = Timestamp(iso8601: "2026-05-04T06:00:00Z")!

    static func at(_ seconds: Double) -> Timestamp { start.adding(seconds: seconds) }

    static func update(_ line: String) -> Update { try! UpdateParser.parse(line: line) }

    /// A stream as a line produces it: statuses reported on every message (runs of equal reports
    /// included), signals, counters set and incremented, AGV poses and batteries, a few layout
    /// edits. One message each 1–3 s.
    static func stream(_ count: Int, seed: UInt64) -> [(time: Timestamp, line: String)] {
        var rng = SplitMix(seed: seed)
        let machines = ["M-001", "M-002", "M-003"]
        let statuses = ["running", "running", "running", "idle", "fault", "starved"]
        var t = 0.0
        var result: [(Timestamp, String)] = []
        for i in 0..<count {
            t += Double(1 + rng.next() % 3)
            let time = at(t)
            let m = machines[Int(rng.next() % 3)]
            let line: String
            switch rng.next() % 10 {
            case 0...3: line = #"{"t":"\#(time)","entity":"\#(m)","set":{"status":"\#(statuses[Int(rng.next() % 6)])","signals":{"temp_C":\#(20 + rng.next() % 50)}}}"#
            case 4: line = #"{"t":"\#(time)","entity":"\#(m)","set":{"counters":{"good":\#(rng.next() % 1000)}}}"#
            case 5, 6: line = #"{"t":"\#(time)","entity":"\#(m)","add":{"counters":{"good":\#(1 + rng.next() % 3),"scrap":1}}}"#
            case 7, 8: line = #"{"t":"\#(time)","entity":"AGV-01","set":{"pose":{"x":\#(rng.next() % 80),"y":\#(rng.next() % 40),"theta":0},"battery":\#(rng.next() % 100)}}"#
            default:
                line = i % 20 == 9 ? #"{"t":"\#(time)","edit":"move","entity":"M-00\#(1 + rng.next() % 3)","dx":0.5}"#
                    : #"{"t":"\#(time)","entity":"\#(m)","set":{"status":"running"}}"#
            }
            result.append((time, line))
        }
        return result
    }

    /// The stream as it arrives: each update held back by up to `delay` messages with
    /// probability `share`.
    static func arrival(_ stream: [(time: Timestamp, line: String)], share: Double, delay: Int, seed: UInt64) -> [String] {
        var rng = SplitMix(seed: seed)
        var keyed: [(key: Double, line: String)] = []
        for (i, item) in stream.enumerated() {
            let late = Double(rng.next() % 10_000) / 10_000 < share
            keyed.append((Double(i) + (late ? Double(1 + Int(rng.next() % UInt64(delay))) + 0.5 : 0), item.line))
        }
        return keyed.sorted { $0.key < $1.key }.map(\.line)
    }

    /// Applies a line; the error when refused.
    static func apply(_ line: String, to state: inout PlantState) -> StateError? {
        do throws(StateError) { try state.apply(try UpdateParser.parse(line: line)); return nil } catch { return error }
    }

    static func json(_ state: PlantState) -> String { JSONWriter.string(state.document()) }

    @Test func shuffledStreamsGiveTheStateOfTheOrderedStream() throws {
        for seed in UInt64(1)...6 {
            let stream = Self.stream(600, seed: seed)
            var ordered = Demo.state
            for item in stream { try ordered.apply(Self.update(item.line)) }
            // Without a history: every late update that the fields' times place is placed; the
            // rest are refused as out of order (and named so).
            var alone = Demo.state
            var outOfOrder = 0
            for line in Self.arrival(stream, share: 0.2, delay: 30, seed: seed) {
                if let error = Self.apply(line, to: &alone) {
                    #expect(error.kind == .outOfOrder, "\(error)")
                    outOfOrder += 1
                }
            }
            #expect(alone.lateUpdates > 50, "seed \(seed): \(alone.lateUpdates) late")
            if outOfOrder == 0 { #expect(difference(alone, ordered) == "", "seed \(seed)") }

            // With a history: all of them, and every moment the same.
            let directory = Demo.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let history = try History(path: directory + "/late.sqlite", plant: Demo.plant, snapshotInterval: 40)
            let reference = try History(path: directory + "/ordered.sqlite", plant: Demo.plant, snapshotInterval: 40)
            let path = directory + "/arrival.jsonl"
            try (Self.arrival(stream, share: 0.2, delay: 30, seed: seed).joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            try (stream.map(\.line).joined(separator: "\n") + "\n").write(toFile: directory + "/ordered.jsonl", atomically: true, encoding: .utf8)
            var live = history.initialState
            let report = try UpdateFile.apply(path: path, to: &live, history: history, options: .init(batchSize: 25))
            var inOrder = reference.initialState
            _ = try UpdateFile.apply(path: directory + "/ordered.jsonl", to: &inOrder, history: reference, options: .init(batchSize: 25))
            #expect(report.rejectedCount == 0, "seed \(seed): \(report.rejected.first.map(String.init(describing:)) ?? "")")
            #expect(report.lateUpdates > 50)
            #expect(difference(live, ordered) == "", "seed \(seed)")
            #expect(Self.json(live) == Self.json(ordered))
            #expect(difference(try history.state(), ordered) == "", "seed \(seed): the latest state from the history")
            let end = stream.last!.time.milliseconds - Self.start.milliseconds
            for k in 0..<25 {
                let t = Self.start.adding(seconds: Double(Int64(k) * end / 25) / 1000 + 0.25)
                #expect(Self.json(try history.state(at: t)) == Self.json(try reference.state(at: t)), "seed \(seed), at \(t)")
            }
            #expect(try history.counts().updates == Int64(stream.count))
        }
    }

    /// An update a little late is added to the latest snapshot (kept in memory with its fields'
    /// times) rather than dropping it; the history answers every moment as in time order.
    @Test func aLittleLateKeepsTheLatestSnapshot() throws {
        let directory = Demo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let history = try History(path: directory + "/h.sqlite", plant: Demo.plant, snapshotInterval: 10)
        let lines = HistoryTests.lines(31)
        var arrival = Array(lines.prefix(30))
        arrival.insert(lines[30], at: 25)          // 08:00:30 arrives early ...
        arrival.append(lines[25])                  // ... and 08:00:25 after it, behind the snapshot at 08:00:30
        arrival.remove(at: 26)
        var state = history.initialState
        var batch = UpdateBatch()
        for (i, line) in arrival.enumerated() {
            let update = Self.update(line)
            try state.apply(update)
            batch.append(update, appliedTo: state)
            if (i + 1) % 10 == 0 || i == arrival.count - 1 { try history.commit(batch, state: state); batch.removeAll() }
        }
        #expect(arrival.count == 31 && state.lateUpdates == 5)
        #expect(try history.counts().snapshots == 3, "the latest snapshot was repaired, not dropped")
        for k in [5, 19, 24, 25, 26, 29, 30] {
            let t = Timestamp(iso8601: "2026-05-04T08:00:00Z")!.adding(seconds: Double(k) + 0.5)
            var expected = try HistoryTests.replay(Array(lines.prefix(k + 1)))
            expected.setClock(t)
            #expect(difference(try history.state(at: t), expected) == "", "at \(k)")
        }
    }

    /// The issue's case: a fault stamped 06:10 arrives after a report stamped 06:30.
    @Test func aLateFaultShowsAtItsTime() throws {
        let directory = Demo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let history = try History(path: directory + "/h.sqlite", plant: Demo.plant, snapshotInterval: 2)
        var state = history.initialState
        var batch = UpdateBatch()
        for line in [#"{"t":"2026-05-04T06:00:00Z","entity":"M-001","set":{"status":"running"}}"#,
                     #"{"t":"2026-05-04T06:20:00Z","entity":"M-001","set":{"status":"running"}}"#,
                     #"{"t":"2026-05-04T06:30:00Z","entity":"M-001","set":{"status":"running"}}"#,
                     #"{"t":"2026-05-04T06:10:00Z","entity":"M-001","set":{"status":"fault"}}"#] {
            let update = Self.update(line)
            try state.apply(update)
            batch.append(update, appliedTo: state)
            try history.commit(batch, state: state)
            batch.removeAll()
        }
        #expect(state.lateUpdates == 1)
        #expect(state.time == Self.at(1800))
        // Now: running again since the first report after the fault.
        #expect(state.entity("M-001")?.state.status == .running)
        #expect(state.entity("M-001")?.state.statusSince == Self.at(1200))
        #expect(try history.state(at: Self.at(900)).entity("M-001")?.state.status == .fault)
        #expect(try history.state(at: Self.at(900)).entity("M-001")?.state.statusSince == Self.at(600))
        #expect(try history.state(at: Self.at(300)).entity("M-001")?.state.status == .running)
        #expect(try history.state(at: Self.at(1500)).entity("M-001")?.state.statusSince == Self.at(1200))
        #expect(difference(try history.state(), state) == "")
    }

    @Test func tooLateIsRefusedAndSaysTheLimit() throws {
        var state = Demo.state
        state.maximumLateness = 600_000
        try state.apply(Self.update(#"{"t":"2026-05-04T07:00:00Z","entity":"M-001","set":{"status":"running"}}"#))
        try state.apply(Self.update(#"{"t":"2026-05-04T06:50:00Z","entity":"M-002","set":{"status":"idle"}}"#))
        #expect(throws: StateError.self) { try state.apply(Self.update(#"{"t":"2026-05-04T06:49:59Z","entity":"M-002","set":{"status":"fault"}}"#)) }
        do { try state.apply(Self.update(#"{"t":"2026-05-04T05:00:00Z","entity":"M-002","set":{"status":"fault"}}"#)) } catch {
            #expect(error.kind == .tooLate)
            #expect(error.description == "t: 2026-05-04T05:00:00Z lies 2 h before the plant clock (2026-05-04T07:00:00Z); updates more than 10 min late are refused (--max-lateness)")
        }
        #expect(state.entity("M-002")?.state.status == .idle)
        #expect(state.sequence == 2 && state.lateUpdates == 1)
    }

    @Test func counterIncrementsAndValuesInAnyOrder() throws {
        let lines = [#"{"t":"2026-05-04T06:00:00Z","entity":"M-001","set":{"counters":{"good":100}}}"#,
                     #"{"t":"2026-05-04T06:01:00Z","entity":"M-001","add":{"counters":{"good":1}}}"#,
                     #"{"t":"2026-05-04T06:02:00Z","entity":"M-001","add":{"counters":{"good":2}}}"#,
                     #"{"t":"2026-05-04T06:03:00Z","entity":"M-001","set":{"counters":{"good":7}}}"#,
                     #"{"t":"2026-05-04T06:04:00Z","entity":"M-001","add":{"counters":{"good":5}}}"#]
        // In time order: 100, 101, 103, then 7 (a reset after 103), 12.
        var ordered = Demo.state
        for line in lines { try ordered.apply(Self.update(line)) }
        #expect(ordered.entity("M-001")?.state.counterResets["good"] == CounterResets(count: 1, carried: 103))
        // Every order of arrival: the counter ends at 12 with the reset of time order; an order
        // that a field's times cannot place alone says so (a value arriving after increments
        // later than it; an increment arriving after a value later than it, since what the
        // counter had reached before that value decides whether it was a reset).
        var placedAlone = 0
        for permutation in Self.permutations(Array(0..<5)) {
            var state = Demo.state
            var refused = false
            for k in permutation {
                if let error = Self.apply(lines[k], to: &state) {
                    #expect(error.kind == .outOfOrder)
                    refused = true
                }
            }
            if !refused {
                placedAlone += 1
                #expect(state.entity("M-001")?.state == ordered.entity("M-001")?.state, "\(permutation)")
            }
        }
        // Here every late arrival meets increments and the reset: time order alone is placed.
        #expect(placedAlone >= 1)
        // With a history every order is placed (every tenth one tried, the reversed one among them).
        let directory = Demo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (n, permutation) in Self.permutations(Array(0..<5)).enumerated() where n % 10 == 9 {
            let history = try History(path: directory + "/h\(n).sqlite", plant: Demo.plant)
            try (permutation.map { lines[$0] }.joined(separator: "\n") + "\n").write(toFile: directory + "/u.jsonl", atomically: true, encoding: .utf8)
            var live = history.initialState
            let report = try UpdateFile.apply(path: directory + "/u.jsonl", to: &live, history: history, options: .init(batchSize: 1))
            #expect(report.rejectedCount == 0, "\(permutation)")
            #expect(difference(live, ordered) == "", "\(permutation)")
            #expect(difference(try history.state(), ordered) == "", "\(permutation)")
        }
    }

    @Test func aLateEditNeedsTheHistoryAndIsPlacedByIt() throws {
        let move = #"{"t":"2026-05-04T06:05:00Z","edit":"move","entity":"M-001","dx":2}"#
        let lines = [#"{"t":"2026-05-04T06:00:00Z","entity":"M-001","set":{"status":"running"}}"#,
                     #"{"t":"2026-05-04T06:10:00Z","edit":"move","entity":"M-001","x":10}"#]
        var alone = Demo.state
        for line in lines { try alone.apply(Self.update(line)) }
        do { try alone.apply(Self.update(move)); Issue.record("a late edit was applied without a history") } catch {
            #expect(error.kind == .outOfOrder)
            #expect(error.description.contains("only a twin with a history can place it at its time"))
        }
        let directory = Demo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/u.jsonl"
        try ((lines + [move]).joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let history = try History(path: directory + "/h.sqlite", plant: Demo.plant)
        var state = history.initialState
        let report = try UpdateFile.apply(path: path, to: &state, history: history)
        #expect(report.applied == 3 && report.lateUpdates == 1)
        // The absolute move at 06:10 comes after the relative one at 06:05.
        #expect(state.entity("M-001")?.placement?.x == 10)
        let between = try history.state(at: Self.at(420))
        #expect(between.entity("M-001")?.placement?.x == (Demo.state.entity("M-001")?.placement?.x ?? 0) + 2)
        // Applying the file again adds nothing (its progress was kept with the late line).
        let again = try UpdateFile.apply(path: path, to: &state, history: history)
        #expect(again.applied == 0)
        #expect(try history.counts().updates == 3)
    }

    @Test func aLateUpdateThatBreaksALaterOneIsRefusedAndNotStored() throws {
        let directory = Demo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/u.jsonl"
        try ([#"{"t":"2026-05-04T06:00:00Z","edit":"add","entity":"BOX-1","category":"machine","size":[1,1,1],"x":5,"y":5}"#,
              #"{"t":"2026-05-04T06:10:00Z","entity":"BOX-1","set":{"status":"running"}}"#,
              #"{"t":"2026-05-04T06:05:00Z","edit":"remove","entity":"BOX-1"}"#].joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let history = try History(path: directory + "/h.sqlite", plant: Demo.plant)
        var state = history.initialState
        let report = try UpdateFile.apply(path: path, to: &state, history: history)
        #expect(report.applied == 2 && report.rejectedCount == 1)
        #expect(report.rejected.first?.line == 3)
        #expect(report.rejected.first?.message.contains("leaves a later update invalid") == true)
        #expect(try history.counts().updates == 2)
        #expect(state.entity("BOX-1")?.removed == false)
    }

    /// A history written before updates were placed by their time keeps its answers.
    @Test func aFormatOneHistoryIsMigrated() throws {
        let directory = Demo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/old.sqlite"
        let lines = HistoryTests.lines(50)
        var state = Demo.state
        do {
            let db = try SQLiteScript(path: path)
            try db.run("""
                CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                INSERT INTO grdb_migrations VALUES ('v1');
                CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE updates(seq INTEGER PRIMARY KEY, clock_ms INTEGER NOT NULL, entity TEXT, line TEXT NOT NULL);
                CREATE TABLE snapshots(seq INTEGER PRIMARY KEY, clock_ms INTEGER NOT NULL, state TEXT NOT NULL);
                CREATE INDEX snapshots_by_clock ON snapshots(clock_ms);
                CREATE TABLE sources(path TEXT PRIMARY KEY, bytes INTEGER NOT NULL, lines INTEGER NOT NULL, hash TEXT NOT NULL, updated TEXT NOT NULL);
                INSERT INTO meta VALUES ('plant', '\(Demo.plant.name)'), ('format', '1');
                """)
            var inserts = ""
            for line in lines {
                let update = Self.update(line)
                try state.apply(update)
                inserts += "INSERT INTO updates VALUES (\(state.sequence), \(state.time!.milliseconds), '\(update.entity!)', '\(line)');\n"
            }
            try db.run(inserts)
        }
        let history = try History(path: path, plant: Demo.plant)
        #expect(difference(try history.state(), state) == "")
        #expect(try history.state(at: Self.at(7200 + 10.5)).sequence == 11)
        #expect(try history.counts().updates == 50)
    }

    static func permutations(_ items: [Int]) -> [[Int]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { i -> [[Int]] in
            var rest = items
            let first = rest.remove(at: i)
            return permutations(rest).map { [first] + $0 }
        }
    }
}

/// A small deterministic generator for test streams.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Runs SQL on a database file directly, for histories written by older versions.
struct SQLiteScript {
    let path: String
    init(path: String) throws { self.path = path }
    func run(_ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()", path, sql]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw StateError(kind: .history, file: path, message: "python3 sqlite3 failed") }
    }
}
