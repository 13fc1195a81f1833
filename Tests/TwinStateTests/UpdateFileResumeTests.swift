import Foundation
import TwinTestSupport
import Testing
import TwinLayout
@testable import TwinState

/// Updates files as real writers leave them: long lines across the reader's 4 MiB chunks, a last
/// line without its newline that is appended to later, a strict run stopped by a bad line that is
/// then fixed, and --from-start. Every update is applied exactly once (counters that add show a
/// double at once).
@Suite("Updates files: exactly once across chunks, appends, fixes and --from-start")
struct UpdateFileResumeTests {
    /// A line that adds 1 to M-001's counter `n` at second `i`, padded to about 100 bytes.
    static func add(_ i: Int) -> String {
        let t = Timestamp(milliseconds: 1_777_870_800_000 + Int64(i) * 1000).description
        return #"{"t":"\#(t)","entity":"M-001","add":{"counters":{"n":1}},"set":{"signals":{"pad":"abcdefghij"}}}"#
    }

    static func counter(_ history: History) throws -> Int64 {
        try history.state().entity("M-001")?.state.counters["n"] ?? 0
    }

    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func append(_ text: String, to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    @Test func aLongLineAcrossAChunkBoundaryIsRejectedAndTheRestApplied() throws {
        let directory = Demo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/u.jsonl"
        // Short lines up to just before the 4 MiB boundary, then a 2 MB line across it, then more.
        var text = ""
        var i = 0
        while text.utf8.count < UpdateFile.chunkBytes - 50_000 { text += Self.add(i) + "\n"; i += 1 }
        let before = i
        text += #"{"t":"2026-05-04T08:00:00Z","entity":"M-001","set":{"signals":{"big":""# + String(repeating: "x", count: 2_000_000) + "\"}}}\n"
        for _ in 0..<500 { text += Self.add(i) + "\n"; i += 1 }
        try Self.write(text, to: path)
        let history = try History(path: directory + "/h.sqlite", plant: Demo.plant)
        var state = try history.state()
        var heard: [Int] = []
        let report = try UpdateFile.apply(path: path, to: &state, history: history, options: .init(batchSize: 1000), rejected: { heard.append($0.line ?? 0) })
        #expect(report.applied == Int64(i) && report.committed == report.applied)
        #expect(report.rejectedCount == 1 && heard == [before + 1])
        #expect(report.rejected.first?.message.contains("bytes (at most 1048576)") == true, "\(report.rejected)")
        #expect(try Self.counter(history) == Int64(i))
        // The history consumed the file to its last byte, and a second run applies nothing again.
        #expect(try history.progress(ofSource: URL(fileURLWithPath: path).standardizedFileURL.path)?.bytes == Int64(text.utf8.count))
        var again = try history.state()
        let second = try UpdateFile.apply(path: path, to: &again, history: history)
        #expect(second.applied == 0 && second.rejectedCount == 0)
        #expect(try Self.counter(history) == Int64(i))
    }

    @Test func aChangeInALineAcrossAChunkBoundaryIsSeen() throws {
        let directory = Demo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/u.jsonl"
        var lines: [String] = []
        var size = 0
        while size < UpdateFile.chunkBytes + 200_000 { let l = Self.add(lines.count); lines.append(l); size += l.utf8.count + 1 }
        let text = lines.joined(separator: "\n") + "\n"
        try Self.write(text, to: path)
        let history = try History(path: directory + "/h.sqlite", plant: Demo.plant)
        var state = try history.state()
        _ = try UpdateFile.apply(path: path, to: &state, history: history)
        #expect(try history.progress(ofSource: URL(fileURLWithPath: path).standardizedFileURL.path)?.bytes == Int64(text.utf8.count))
        // Change a byte at the start of the line that crosses the boundary (before the boundary).
        var bytes = Array(text.utf8)
        var start = UpdateFile.chunkBytes
        while bytes[start - 1] != 0x0A { start -= 1 }
        #expect(start < UpdateFile.chunkBytes)
        // Its first byte, '{', becomes a space: the same update, but not the same bytes.
        bytes[start] = 0x20
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var again = try history.state()
        #expect {
            _ = try UpdateFile.apply(path: path, to: &again, history: history)
        } throws: { error in
            guard case .sourceChanged = (error as? StateError)?.kind else { return false }
            return true
        }
    }

    @Test func aLastLineWithoutNewlineIsAppliedOnceAndTheFileMayGoOn() throws {
        let directory = Demo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/u.jsonl"
        try Self.write(Self.add(0) + "\n" + Self.add(1), to: path)
        let history = try History(path: directory + "/h.sqlite", plant: Demo.plant)
        var state = try history.state()
        #expect(try UpdateFile.apply(path: path, to: &state, history: history).applied == 2)
        // The writer goes on: the newline of line 2, then more lines.
        try Self.append("\n" + Self.add(2) + "\n", to: path)
        var again = try history.state()
        let second = try UpdateFile.apply(path: path, to: &again, history: history)
        #expect(second.applied == 1 && second.resumedAfterLine == 2)
        #expect(try Self.counter(history) == 3)
        // Line 4 arrives without its newline and then goes on on the same line: not the line applied.
        try Self.append(Self.add(3), to: path)
        var third = try history.state()
        #expect(try UpdateFile.apply(path: path, to: &third, history: history).applied == 1)
        try Self.append(" {}\n", to: path)
        var fourth = try history.state()
        #expect {
            _ = try UpdateFile.apply(path: path, to: &fourth, history: history)
        } throws: { error in
            guard case .unterminatedLineChanged(4) = (error as? StateError)?.kind else { return false }
            return "\(error)".contains("line 4 was applied while it had no newline")
        }
        #expect(try Self.counter(history) == 4)
    }

    @Test func anUnfinishedLastLineIsLeftForTheNextRun() throws {
        let directory = Demo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/u.jsonl"
        let full = Self.add(1)
        try Self.write(Self.add(0) + "\n" + full.prefix(30), to: path)
        let history = try History(path: directory + "/h.sqlite", plant: Demo.plant)
        var state = try history.state()
        let first = try UpdateFile.apply(path: path, to: &state, history: history)
        #expect(first.applied == 1 && first.rejectedCount == 1)
        #expect(first.rejected.first?.message.contains("the last line has no newline: it is tried again on the next run") == true)
        // The writer finishes the line: it is applied, the first one is not applied again.
        try Self.append(String(full.dropFirst(30)) + "\n", to: path)
        var again = try history.state()
        let second = try UpdateFile.apply(path: path, to: &again, history: history)
        #expect(second.applied == 1 && second.rejectedCount == 0 && second.resumedAfterLine == 1)
        #expect(try Self.counter(history) == 2)
    }

    @Test func aStrictRunStoppedByABadLineGoesOnOnceItIsFixed() throws {
        let directory = Demo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/u.jsonl"
        let bad = #"{"t":"2026-05-04T05:00:01Z","entity":"M-001","set":{"status":"runing"}}"#
        try Self.write([Self.add(0), Self.add(1), bad, Self.add(2)].joined(separator: "\n") + "\n", to: path)
        let history = try History(path: directory + "/h.sqlite", plant: Demo.plant)
        var state = try history.state()
        #expect {
            _ = try UpdateFile.apply(path: path, to: &state, history: history, options: .init(strict: true))
        } throws: { error in
            guard let e = error as? StateError, let partial = e.partial else { return false }
            return e.line == 3 && partial.committed == 2
        }
        #expect(try Self.counter(history) == 2)
        // Fixed in place: the next run applies the fixed line and the rest, nothing twice.
        try Self.write([Self.add(0), Self.add(1), bad.replacingOccurrences(of: "runing", with: "running"), Self.add(2)].joined(separator: "\n") + "\n", to: path)
        var again = try history.state()
        let second = try UpdateFile.apply(path: path, to: &again, history: history, options: .init(strict: true))
        #expect(second.applied == 2 && second.resumedAfterLine == 2)
        #expect(try Self.counter(history) == 3)
        #expect(try history.state().entity("M-001")?.state.status == .running)
    }

    @Test func fromStartNeverAppliesTwiceWhatTheHistoryHolds() throws {
        let directory = Demo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/u.jsonl"
        try Self.write((0..<5).map(Self.add).joined(separator: "\n") + "\n", to: path)
        let history = try History(path: directory + "/h.sqlite", plant: Demo.plant)
        var state = try history.state()
        _ = try UpdateFile.apply(path: path, to: &state, history: history)
        // The file is rewritten: line 2 changed, two lines added. --from-start applies only what is new.
        var lines = (0..<7).map(Self.add)
        lines[1] = lines[1].replacingOccurrences(of: "abcdefghij", with: "changed")
        try Self.write(lines.joined(separator: "\n") + "\n", to: path)
        var again = try history.state()
        #expect(throws: StateError.self) { try UpdateFile.apply(path: path, to: &again, history: history) }
        let report = try UpdateFile.apply(path: path, to: &again, history: history, options: .init(fromStart: true))
        #expect(report.alreadyHeld == 4 && report.applied == 3)
        #expect(try Self.counter(history) == 8)
        // A run after that goes on from the end: nothing applied.
        var third = try history.state()
        #expect(try UpdateFile.apply(path: path, to: &third, history: history).applied == 0)
        #expect(try Self.counter(history) == 8)
    }
}
