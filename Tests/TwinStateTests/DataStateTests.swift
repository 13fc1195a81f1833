import Foundation
import TwinTestSupport
import TwinJSON
import Testing
@testable import TwinState

/// "No data" is not "unchanged": an entity that is offline, or silent for longer than the plant
/// allows, says so instead of passing off its last status as the present.
@Suite("No data: connection and silence")
struct DataStateTests {
    static func at(_ minute: Int) -> Timestamp { Timestamp(iso8601: "2026-05-04T06:00:00Z")!.adding(seconds: Double(minute * 60)) }

    @Test func offlineSilentNeverAndLive() throws {
        var state = Demo.state
        try state.apply(try UpdateParser.parse(line: #"{"t":"2026-05-04T06:00:00Z","entity":"M-001","set":{"status":"running"}}"#))
        try state.apply(try UpdateParser.parse(line: #"{"t":"2026-05-04T06:01:00Z","entity":"M-002","set":{"status":"fault","connection":"ONLINE"}}"#))
        try state.apply(try UpdateParser.parse(line: #"{"t":"2026-05-04T06:04:00Z","entity":"M-002","set":{"connection":"OFFLINE"}}"#))
        try state.apply(try UpdateParser.parse(line: #"{"t":"2026-05-04T06:09:00Z","entity":"AGV-01","set":{"connection":"CONNECTIONBROKEN"}}"#))
        let m1 = try #require(state.entity("M-001")?.state), m2 = try #require(state.entity("M-002")?.state)
        #expect(m1.data(at: Self.at(9), noDataAfter: 600) == .live)
        #expect(m1.data(at: Self.at(11), noDataAfter: 600) == .silent(since: Self.at(0)))
        #expect(m1.data(at: Self.at(600), noDataAfter: nil) == .live)
        #expect(m2.data(at: Self.at(5), noDataAfter: nil) == .offline(since: Self.at(4)))
        #expect(m2.connectionSince == Self.at(4) && m2.status == .fault)
        #expect(state.entity("AGV-01")?.state.data(at: Self.at(9), noDataAfter: nil) == .offline(since: Self.at(9)))
        #expect(state.entity("M-003")?.state.data(at: Self.at(9), noDataAfter: 600) == DataState.none)
        #expect(DataState.silent(since: Self.at(0)).text == "no data since 2026-05-04T06:00:00Z (silent)")
        // Back online: live again.
        try state.apply(try UpdateParser.parse(line: #"{"t":"2026-05-04T06:10:00Z","entity":"M-002","set":{"connection":"ONLINE","status":"running"}}"#))
        #expect(state.entity("M-002")?.state.data(at: Self.at(10), noDataAfter: 600) == .live)
    }

    @Test func documentsSayNoDataAndRestoreWithoutIt() throws {
        var state = Demo.state
        try state.apply(try UpdateParser.parse(line: #"{"t":"2026-05-04T06:00:00Z","entity":"M-001","set":{"status":"running"}}"#))
        try state.apply(try UpdateParser.parse(line: #"{"t":"2026-05-04T06:20:00Z","entity":"M-002","set":{"status":"idle","connection":"OFFLINE"}}"#))
        let shown = JSONWriter.string(state.document(showingData: true, noDataAfter: 600))
        #expect(shown.contains(#""M-001":{"status":"running","status_since":"2026-05-04T06:00:00Z","updated":"2026-05-04T06:00:00Z","data":"no data since 2026-05-04T06:00:00Z (silent)"}"#), "\(shown)")
        #expect(shown.contains(#""connection":"OFFLINE","connection_since":"2026-05-04T06:20:00Z""#) && shown.contains(#""data":"no data since 2026-05-04T06:20:00Z (offline)""#), "\(shown)")
        // Snapshots leave it out; a shown document reads back as the same state.
        #expect(!JSONWriter.string(state.document()).contains("no data"))
        var restored = Demo.state
        try restored.restore(try JSONParser.parse(shown))
        #expect(restored == state)
        // An update cannot set it.
        #expect(throws: StateError.self) { try UpdateParser.parse(line: #"{"t":"2026-05-04T06:00:00Z","entity":"M-001","set":{"data":"no data"}}"#) }
        #expect(throws: StateError.self) { try UpdateParser.parse(line: #"{"t":"2026-05-04T06:00:00Z","entity":"M-001","set":{"connection":"GONE"}}"#) }
    }
}
