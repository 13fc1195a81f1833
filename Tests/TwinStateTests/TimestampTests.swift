import Testing
@testable import TwinState

@Suite("Timestamps")
struct TimestampTests {
    @Test func timestamps() throws {
        let t = try #require(Timestamp(iso8601: "2026-05-04T08:00:00Z"))
        #expect(t.milliseconds == 1_777_881_600_000)
        #expect(t.description == "2026-05-04T08:00:00Z")
        #expect(Timestamp(iso8601: "2026-05-04T10:00:00.250+02:00")?.description == "2026-05-04T08:00:00.250Z")
        #expect(Timestamp(iso8601: "1969-12-31T23:59:59.999Z")?.milliseconds == -1)
        #expect(Timestamp(milliseconds: -1).description == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp(milliseconds: 1_777_881_600_007).description == "2026-05-04T08:00:00.007Z")
        #expect(Timestamp(milliseconds: 8_000 * 31_556_952_000).description.hasPrefix("9970-"), "four-digit years to 9999")
        #expect(Timestamp(milliseconds: 9_000 * 31_556_952_000).description == "10969-12-31T12:00:00Z", "and on beyond")
        #expect(Timestamp(iso8601: "2024-02-29T00:00:00Z") != nil)
        for bad in ["2026-02-29T00:00:00Z", "2026-05-04 08:00", "2026-05-04T25:00:00Z", "2026-13-01T00:00:00Z", "yesterday", "2026-05-04T08:00:00"] {
            #expect(Timestamp(iso8601: bad) == nil, "\(bad)")
        }
        // Round trip over many days, leap years included.
        for days in stride(from: -700_000, through: 2_900_000, by: 997) {
            let ms = Int64(days) * 86_400_000 + 12_345
            #expect(Timestamp(iso8601: Timestamp(milliseconds: ms).description)?.milliseconds == ms)
        }
    }
}
