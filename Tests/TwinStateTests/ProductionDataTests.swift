import Foundation
import TwinTestSupport
import TwinJSON
import Testing
@testable import TwinState

/// What production data says beyond a status: why a machine stopped (planned or not), setup,
/// conditions beside the primary status, and counters that a PLC restart resets.
@Suite("Status reasons, setup and counter resets")
struct ProductionDataTests {
    static func update(_ line: String) throws -> Update { try UpdateParser.parse(line: line) }

    static func state(_ lines: [String]) throws -> PlantState {
        var state = Demo.state
        for line in lines { try state.apply(try update(line)) }
        return state
    }

    static func m1(_ state: PlantState) -> EntityState { state.entity("M-001")!.state }

    @Test func aFaultedMachineThatIsAlsoStarvedKeepsBoth() throws {
        let s = Self.m1(try Self.state([#"{"t":"2026-05-04T06:00:00Z","entity":"M-001","set":{"status":"fault","reasons":["starved","E-1203"]}}"#]))
        #expect(s.status == .fault && s.statusReasons == ["starved", "E-1203"])
        #expect(s.stop == .unplanned)
    }

    @Test func aStatusWithoutReasonsClearsTheOnesBefore() throws {
        let s = Self.m1(try Self.state([#"{"t":"2026-05-04T06:00:00Z","entity":"M-001","set":{"status":"idle","reasons":["break"]}}"#,
                                        #"{"t":"2026-05-04T06:15:00Z","entity":"M-001","set":{"status":"running"}}"#]))
        #expect(s.status == .running && s.statusReasons.isEmpty && s.stop == nil)
    }

    /// An update built in Swift follows the same rule, so the live state and the history's
    /// replay of its stored line agree.
    @Test func aStatusBuiltInSwiftClearsReasonsToo() throws {
        var state = try Self.state([#"{"t":"2026-05-04T06:00:00Z","entity":"M-001","set":{"status":"idle","reasons":["break"]}}"#])
        let update = Update(time: Timestamp(iso8601: "2026-05-04T06:15:00Z")!, action: .set(entity: "M-001", changes: [.status(.running)]))
        try state.apply(update)
        #expect(Self.m1(state).statusReasons.isEmpty)
        var replayed = try Self.state([#"{"t":"2026-05-04T06:00:00Z","entity":"M-001","set":{"status":"idle","reasons":["break"]}}"#])
        try replayed.apply(try Self.update(update.jsonLine))
        #expect(Self.m1(replayed) == Self.m1(state))
        // Reasons before the status in the object are kept.
        let s = Self.m1(try Self.state([#"{"t":"2026-05-04T06:00:00Z","entity":"M-001","set":{"reasons":["no_order"],"status":"idle"}}"#]))
        #expect(s.statusReasons == ["no_order"] && s.stop == .planned)
    }

    /// Planned: idle, maintenance, setup or offline for a break, no order or a plan; everything
    /// else is an unplanned stop.
    @Test(arguments: [
        ("idle", ["break"], StopKind.planned), ("idle", ["no_order"], .planned), ("idle", ["waiting_material"], .unplanned),
        ("idle", [], .unplanned), ("maintenance", ["planned"], .planned), ("maintenance", ["repair"], .unplanned),
        ("setup", ["planned"], .planned), ("setup", [], .unplanned), ("fault", ["planned"], .unplanned),
        ("starved", ["break"], .unplanned), ("offline", ["no_order"], .planned),
    ])
    func stopsArePlannedOnlyForAPlannedReason(status: String, reasons: [String], stop: StopKind) throws {
        let list = reasons.map { "\"\($0)\"" }.joined(separator: ",")
        let s = Self.m1(try Self.state([#"{"t":"2026-05-04T06:00:00Z","entity":"M-001","set":{"status":"\#(status)","reasons":[\#(list)]}}"#]))
        #expect(s.stop == stop)
    }

    @Test(arguments: [
        (#""set":{"reasons":["break"]}"#, "set.reasons: reasons go with the status they explain (set status too)"),
        (#""set":{"status":"idle","reasons":"break"}"#, #"set.reasons: expected an array of reasons such as ["break"], found a string"#),
        (#""set":{"status":"idle","reasons":["break","break"]}"#, "set.reasons[1]: 'break' is given twice"),
        (#""set":{"status":"idle","reasons":[""]}"#, "set.reasons[0]: must not be empty"),
        (#""set":{"status":"idle","reasons":["a","b","c","d","e","f","g","h","i"]}"#, "set.reasons: at most 8 reasons, found 9"),
        (#""set":{"status":"idle","reasons":["\#(String(repeating: "x", count: 65))"]}"#, "set.reasons[0]: a reason is at most 64 characters"),
        (#""set":{"status":"changeover"}"#, "set.status: unknown status 'changeover' (expected one of: running, idle, blocked, starved, fault, maintenance, setup, offline)"),
        (#""fix":{"counters":{"good":"x"}}"#, "fix.counters.good: expected"),
        (#""fix":{"signals":{}}"#, "fix.signals: unknown field"),
    ])
    func badReasonsAndCorrectionsAreOneLine(fields: String, message: String) {
        do {
            _ = try Self.state([#"{"t":"2026-05-04T06:00:00Z","entity":"M-001",\#(fields)}"#])
            Issue.record("accepted: \(fields)")
        } catch {
            #expect("\(error)".hasPrefix(message), "\(error)")
        }
    }

    @Test func aLowerCountIsAResetAndTheTotalCountsOn() throws {
        let s = Self.m1(try Self.state([
            #"{"t":"2026-05-04T06:00:00Z","entity":"M-001","set":{"counters":{"good":100}}}"#,
            #"{"t":"2026-05-04T06:10:00Z","entity":"M-001","set":{"counters":{"good":140}}}"#,
            #"{"t":"2026-05-04T06:11:00Z","entity":"M-001","set":{"counters":{"good":2}}}"#,     // the PLC restarted
            #"{"t":"2026-05-04T06:20:00Z","entity":"M-001","add":{"counters":{"good":3}}}"#,
            #"{"t":"2026-05-04T06:30:00Z","entity":"M-001","set":{"counters":{"good":1}}}"#,     // again
        ]))
        #expect(s.counters["good"] == 1)
        #expect(s.counterResets["good"] == CounterResets(count: 2, carried: 145))
        #expect(s.total(ofCounter: "good") == 146)
        #expect(s.total(ofCounter: "scrap") == nil)
    }

    @Test func aCorrectionIsNotAReset() throws {
        let s = Self.m1(try Self.state([
            #"{"t":"2026-05-04T06:00:00Z","entity":"M-001","set":{"counters":{"good":120}}}"#,
            #"{"t":"2026-05-04T06:05:00Z","entity":"M-001","fix":{"counters":{"good":118}}}"#,   // two parts reclassified
            #"{"t":"2026-05-04T06:10:00Z","entity":"M-001","set":{"counters":{"good":125}}}"#,
        ]))
        #expect(s.counters["good"] == 125 && s.counterResets.isEmpty && s.total(ofCounter: "good") == 125)
    }

    /// Counter reports with resets, in every order of arrival: what the fields' times place
    /// alone gives the state (and resets) of time order; the rest is refused as out of order.
    @Test func resetsInAnyOrderOfArrival() throws {
        let lines = [#"{"t":"2026-05-04T06:00:00Z","entity":"M-001","set":{"counters":{"good":100}}}"#,
                     #"{"t":"2026-05-04T06:01:00Z","entity":"M-001","set":{"counters":{"good":150}}}"#,
                     #"{"t":"2026-05-04T06:02:00Z","entity":"M-001","set":{"counters":{"good":4}}}"#,
                     #"{"t":"2026-05-04T06:03:00Z","entity":"M-001","set":{"counters":{"good":9}}}"#,
                     #"{"t":"2026-05-04T06:04:00Z","entity":"M-001","set":{"counters":{"good":2}}}"#]
        let ordered = Self.m1(try Self.state(lines))
        #expect(ordered.counterResets["good"] == CounterResets(count: 2, carried: 159) && ordered.total(ofCounter: "good") == 161)
        var placedAlone = 0
        for permutation in EventTimeTests.permutations(Array(0..<5)) {
            var state = Demo.state
            var refused = false
            for k in permutation {
                if let error = EventTimeTests.apply(lines[k], to: &state) {
                    #expect(error.kind == .outOfOrder)
                    refused = true
                }
            }
            if !refused {
                placedAlone += 1
                #expect(Self.m1(state) == ordered, "\(permutation): \(Self.m1(state).counterResets)")
            }
        }
        // Reports alone (no increments) are kept and placed: every order is.
        #expect(placedAlone == 120)
    }

    /// A late report older than the reports kept per counter cannot be placed alone.
    @Test func aReportOlderThanTheKeptOnesNeedsTheHistory() throws {
        var state = Demo.state
        // Reports at 06:00:10, 06:00:20, ... with values 0, 1, ...: twice the capacity trims the
        // oldest `capacity` of them.
        let n = 2 * CounterClock.capacity
        let start = Timestamp(iso8601: "2026-05-04T06:00:00Z")!
        for k in 0..<n {
            try state.apply(try Self.update(#"{"t":"\#(start.adding(seconds: Double(10 * k + 10)))","entity":"M-001","set":{"counters":{"good":\#(k)}}}"#))
        }
        let error = EventTimeTests.apply(#"{"t":"2026-05-04T06:00:15Z","entity":"M-001","set":{"counters":{"good":0}}}"#, to: &state)
        #expect(error?.kind == .outOfOrder)
        #expect(error?.message.contains("counter 'good' was reported after its time more often than the twin keeps") == true, "\(String(describing: error))")
        // One among the kept reports is placed: between the last two, with the value before it.
        #expect(EventTimeTests.apply(#"{"t":"\#(start.adding(seconds: Double(10 * n) - 5))","entity":"M-001","set":{"counters":{"good":\#(n - 2)}}}"#, to: &state) == nil)
        #expect(Self.m1(state).counters["good"] == Int64(n - 1) && Self.m1(state).counterResets.isEmpty)
        // One between them below the value before it is a reset (the one after it counts on).
        #expect(EventTimeTests.apply(#"{"t":"\#(start.adding(seconds: Double(10 * n) - 2))","entity":"M-001","set":{"counters":{"good":1}}}"#, to: &state) == nil)
        #expect(Self.m1(state).counterResets["good"] == CounterResets(count: 1, carried: Int64(n - 2)))
    }

    /// Reasons and resets go into the state document and come back from it (snapshots).
    @Test func theDocumentKeepsReasonsAndResets() throws {
        let state = try Self.state([
            #"{"t":"2026-05-04T06:00:00Z","entity":"M-001","set":{"status":"setup","reasons":["planned"],"counters":{"good":50}}}"#,
            #"{"t":"2026-05-04T06:10:00Z","entity":"M-001","set":{"counters":{"good":5}}}"#,
        ])
        let document = state.document()
        let text = JSONWriter.string(document)
        #expect(text.contains(#""reasons":["planned"]"#) && text.contains(#""counter_resets":{"good":{"count":1,"carried":50}}"#), "\(text)")
        var restored = Demo.state
        try restored.restore(document)
        #expect(Self.m1(restored) == Self.m1(state))
        // People's view adds the stop kind and the totals; the snapshot leaves them out.
        let shown = JSONWriter.string(state.document(showingData: true))
        #expect(shown.contains(#""stop":"planned""#) && shown.contains(#""counter_totals":{"good":55}"#), "\(shown)")
        #expect(!text.contains("counter_totals") && !text.contains(#""stop""#))
        // A restored counter is its value, not a report below a value before it.
        var again = state
        try again.restore(document)
        #expect(Self.m1(again).counterResets == ["good": CounterResets(count: 1, carried: 50)])
    }

    @Test func badResetsInADocumentAreOneLine() {
        var state = Demo.state
        let document = try! JSONParser.parse(#"{"plant":"demo","entities":{"M-001":{"counters":{"good":3},"counter_resets":{"good":{"count":0,"carried":5}}}}}"#)
        do { try state.restore(document); Issue.record("accepted") } catch {
            #expect(error.description.contains("entities.M-001.counter_resets.good.count: expected a count of resets from 1"), "\(error)")
        }
    }

    /// Updates the twin writes for itself (MQTT, scenarios) read back as they were.
    @Test func reasonsAndCorrectionsSurviveTheJSONLine() throws {
        for line in [#"{"t":"2026-05-04T06:00:00Z","entity":"M-001","set":{"status":"idle","reasons":["no_order"]}}"#,
                     #"{"t":"2026-05-04T06:00:00Z","entity":"M-001","fix":{"counters":{"good":3}}}"#] {
            let u = try Self.update(line)
            #expect(try Self.update(u.jsonLine) == u, "\(u.jsonLine)")
        }
    }
}
