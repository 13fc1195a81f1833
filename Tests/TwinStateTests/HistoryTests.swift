import Foundation
import TwinTestSupport
import Testing
@testable import TwinState

@Suite("History in SQLite")
struct HistoryTests {
    /// Lines for M-001..M-005 cycling statuses, one a second from 08:00.
    static func lines(_ count: Int, from first: Int = 0) -> [String] {
        let statuses = MachineStatus.allCases
        return (first..<(first + count)).map { i in
            let t = Timestamp(iso8601: "2026-05-04T08:00:00Z")!.adding(seconds: Double(i))
            return #"{"t":"\#(t)","entity":"M-00\#(i % 5 + 1)","set":{"status":"\#(statuses[i % statuses.count].rawValue)","counters":{"cycles":\#(i)}}}"#
        }
    }

    static func replay(_ lines: [String]) throws -> PlantState {
        var state = Demo.state
        for line in lines { try state.apply(try UpdateParser.parse(line: line)) }
        return state
    }

    @Test func stateAtAnyMomentIsTheReplayUpToIt() throws {
        let directory = Demo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let history = try History(path: directory + "/h.sqlite", plant: Demo.plant, snapshotInterval: 100)
        let all = Self.lines(1000)
        var state = Demo.state
        var batch = UpdateBatch()
        for (i, line) in all.enumerated() {
            let update = try UpdateParser.parse(line: line)
            try state.apply(update)
            batch.append(sequence: state.sequence, clock: state.time!, update: update)
            if batch.count == 64 || i == all.count - 1 {
                try history.commit(batch, state: state)
                batch.removeAll()
            }
        }
        #expect(try history.counts().updates == 1000)
        #expect(try history.counts().snapshots == 8)
        #expect(difference(try history.state(), state) == "")
        for k in [0, 1, 99, 100, 101, 640, 999] {
            let t = Timestamp(iso8601: "2026-05-04T08:00:00Z")!.adding(seconds: Double(k) + 0.5)
            var expected = try Self.replay(Array(all.prefix(k + 1)))
            expected.setClock(t)
            #expect(difference(try history.state(at: t), expected) == "", "at \(k)")
        }
        // Before the first update: the plant as loaded.
        let before = try history.state(at: Timestamp(iso8601: "2026-05-04T07:00:00Z")!)
        #expect(before.sequence == 0)
        #expect(before.entity("M-001")?.state.status == nil)
    }

    @Test func filesResumeAfterTheLastCommittedLine() throws {
        let directory = Demo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/updates.jsonl"
        let all = Self.lines(500)
        try (all.prefix(300).joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let history = try History(path: directory + "/h.sqlite", plant: Demo.plant)
        var state = try history.state()
        let first = try UpdateFile.apply(path: path, to: &state, history: history, options: .init(batchSize: 50))
        #expect(first.applied == 300 && first.rejectedCount == 0)
        // The file grows: the next run applies only the new lines.
        try (all.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        var again = try history.state()
        let second = try UpdateFile.apply(path: path, to: &again, history: history, options: .init(batchSize: 50))
        #expect(second.resumedAfterLine == 300 && second.applied == 200)
        #expect(difference(try history.state(), try Self.replay(all)) == "")
        // Nothing new: nothing applied.
        var third = try history.state()
        #expect(try UpdateFile.apply(path: path, to: &third, history: history).applied == 0)
        // A file whose applied part changed is refused.
        try (Self.lines(500, from: 1).joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        var fourth = try history.state()
        #expect(throws: StateError.self) { try UpdateFile.apply(path: path, to: &fourth, history: history) }
    }

    @Test func badLinesAreReportedAndTheRestApplied() throws {
        let directory = Demo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/updates.jsonl"
        var lines = Self.lines(10)
        lines[3] = #"{"t":"2026-05-04T08:00:03Z","entity":"M-999","set":{"status":"idle"}}"#
        lines[6] = #"{"t":"2026-05-04T08:00:06Z","entity":"M-001","set":{"status":"broken"}}"#
        lines.insert("", at: 8)
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        var state = Demo.state
        let report = try UpdateFile.apply(path: path, to: &state, history: nil)
        #expect(report.applied == 8 && report.rejectedCount == 2 && report.lines == 11)
        #expect(report.rejected.map(\.description) == [
            "\(path):4: entity: unknown entity 'M-999'",
            "\(path):7: set.status: unknown status 'broken' (expected one of: running, idle, blocked, starved, fault, maintenance, setup, offline)",
        ])
        var strict = Demo.state
        do {
            _ = try UpdateFile.apply(path: path, to: &strict, history: nil, options: .init(strict: true))
            Issue.record("strict apply went past a bad line")
        } catch {
            guard let partial = error.partial else { Issue.record("\(error)"); return }
            #expect(error.kind == .update && error.line == 4 && partial.applied == 3)
        }
    }

    @Test func foreignDatabasesAreRefused() throws {
        let directory = Demo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "not a database, just text that is long enough to fill a header page of sqlite".write(toFile: directory + "/x.sqlite", atomically: true, encoding: .utf8)
        do {
            _ = try History(path: directory + "/x.sqlite", plant: Demo.plant)
            Issue.record("opened a text file as a history")
        } catch {
            #expect(error.description.hasSuffix("not a FactoryTwin history (not an SQLite database)"))
        }
        var other = Demo.state
        other.plantName = "other"
        _ = try History(path: directory + "/h.sqlite", initialState: other)
        do {
            _ = try History(path: directory + "/h.sqlite", plant: Demo.plant)
            Issue.record("opened another plant's history")
        } catch {
            #expect(error.description.contains("belongs to plant 'other'"))
        }
        #expect(throws: StateError.self) { try History(path: directory + "/missing/h.sqlite", plant: Demo.plant) }
    }
}
