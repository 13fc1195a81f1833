import Foundation
import Testing
import TwinState
import TwinSync

/// A live twin whose history cannot be written for a while (another process holds the database's
/// write lock) keeps every applied update, says so, and commits them once it can.
@Suite("Live twin: failed commits are kept and tried again")
struct LiveTwinCommitTests {
    @Test func aBlockedHistoryLosesNothing() throws {
        let dir = NSTemporaryDirectory() + "live-commit-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let history = try History(path: dir + "/h.sqlite", plant: StateCommandTests.plant)
        let live = try LiveTwin(plant: StateCommandTests.plant, history: history)
        live.start()
        // Another process takes the write lock and keeps it for three seconds.
        let blocker = Process()
        blocker.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        blocker.arguments = ["python3", "-c", """
            import sqlite3, sys, time
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            c.execute("BEGIN EXCLUSIVE"); print("locked", flush=True); time.sleep(3); c.execute("COMMIT")
            """, dir + "/h.sqlite"]
        let out = Pipe()
        blocker.standardOutput = out
        try blocker.run()
        _ = out.fileHandleForReading.availableData  // "locked"
        for i in 0..<100 {
            let t = Timestamp(milliseconds: 1_777_870_800_000 + Int64(i) * 1000)
            #expect(live.apply(Update(time: t, action: .set(entity: "M-001", changes: [.counterIncrement("n", 1)]))) == nil)
        }
        live.flush()
        #expect(live.commitError != nil)
        #expect(live.uncommitted == 100)
        #expect(live.counts.failedCommits >= 1)
        // The lock goes: the committer gets everything in, in order, once.
        blocker.waitUntilExit()
        let end = Date().addingTimeInterval(30)
        while live.uncommitted > 0 && Date() < end { usleep(10_000) }
        #expect(live.uncommitted == 0 && live.commitError == nil)
        live.stop()
        #expect(try history.counts().updates == 100)
        #expect(try history.state().entity("M-001")?.state.counters["n"] == 100)
    }
}
