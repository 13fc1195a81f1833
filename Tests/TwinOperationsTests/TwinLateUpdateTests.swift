import Foundation
import Testing
import TwinState
import TwinTestSupport
@testable import TwinOperations

/// The Swift API places late updates like files and MQTT do: with a history, a late layout edit
/// is placed at its time by a replay; without one it is refused, and says why.
@Suite("Twin.apply: late updates")
struct TwinLateUpdateTests {
    @Test func aLateEditThroughTheSwiftAPI() throws {
        let lines = [#"{"t":"2026-05-04T06:00:00Z","entity":"M-001","set":{"status":"running"}}"#,
                     #"{"t":"2026-05-04T06:10:00Z","edit":"move","entity":"M-001","x":10}"#,
                     #"{"t":"2026-05-04T06:05:00Z","edit":"move","entity":"M-001","dx":2}"#,
                     #"{"t":"2026-05-04T06:07:00Z","entity":"M-001","set":{"status":"fault"}}"#]
        let directory = Demo.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var twin = try Twin(plant: Demo.plant, history: try History(path: directory + "/h.sqlite", plant: Demo.plant))
        for line in lines { try twin.apply(jsonLine: line) }
        #expect(twin.state.entity("M-001")?.placement?.x == 10)
        #expect(twin.state.entity("M-001")?.state.status == .fault, "the 06:07 fault came late, but no later status was reported")
        #expect(twin.state.lateUpdates == 2 && twin.state.sequence == 4)
        let x0 = try #require(Demo.state.entity("M-001")?.placement?.x)
        let at = try twin.state(at: Timestamp(iso8601: "2026-05-04T06:08:00Z")!)
        #expect(at.entity("M-001")?.placement?.x == x0 + 2)
        #expect(at.entity("M-001")?.state.status == .fault)
        #expect(try twin.history!.state() == twin.state)

        var alone = Twin(plant: Demo.plant)
        for line in lines.prefix(2) { try alone.apply(jsonLine: line) }
        do { try alone.apply(jsonLine: lines[2]); Issue.record("a late edit applied without a history") } catch {
            #expect(error.kind == .outOfOrder)
        }
    }
}
