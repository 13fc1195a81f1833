import Foundation
import Testing
import FactoryTwin
import TwinSync

/// The example of the "Mapping messages to updates" article, run as written, with what it says
/// it prints.
@Suite("TwinSync article")
struct SyncArticleTests {
    @Test func theArticleRunsAsWritten() throws {
        let plant = try PlantLoader().load(path: TwinBinary.repository + "/Assets/demo/plant.yaml")
        let mapper = MessageMapper(plant: plant)
        #expect(mapper.subscriptions == ["uagv/v2/+/+/state", "uagv/v2/+/+/visualization", "uagv/v2/+/+/connection",
                                         "uagv/v3/+/+/state", "uagv/v3/+/+/visualization", "uagv/v3/+/+/connection",
                                         "plant/hall/+/status", "plant/hall/+/belt"])

        let payload = Array(#"{"state":"FAULT","temp_C":81.5,"parts_ok":120,"ts":"2026-05-04T08:00:00Z"}"#.utf8)
        let result = payload.withUnsafeBytes { mapper.update(topic: "plant/hall/M-012/status", payload: $0, arrival: Timestamp(Date())) }
        var printed = ""
        switch result {
        case .success(let update): printed = update.jsonLine
        case .failure(let problem): printed = "\(problem.kind) \(problem)"
        }
        #expect(printed == #"{"t":"2026-05-04T08:00:00Z","entity":"M-012","set":{"status":"fault","signals":{"spindle_temp_C":81.5},"counters":{"good":120}}}"#)

        // The demo's gateways send their last will as {"conn":"OFFLINE"} on the status topic.
        let will = Array(#"{"conn":"OFFLINE"}"#.utf8).withUnsafeBytes { mapper.update(topic: "plant/hall/M-012/status", payload: $0, arrival: Timestamp(iso8601: "2026-05-04T08:10:00Z")!) }
        guard case .success(let gone) = will else { Issue.record("\(will)"); return }
        #expect(gone.jsonLine == #"{"t":"2026-05-04T08:10:00Z","entity":"M-012","set":{"connection":"OFFLINE"}}"#)
        let wrong = Array(#"{"conn":"maybe"}"#.utf8).withUnsafeBytes { mapper.update(topic: "plant/hall/M-012/status", payload: $0, arrival: Timestamp(Date())) }
        guard case .failure(let why) = wrong else { Issue.record("a bad connection value mapped"); return }
        #expect("\(why)".contains("conn: expected ONLINE, OFFLINE, CONNECTIONBROKEN, CONNECTION_BROKEN, HIBERNATING"), "\(why)")

        let unknown = Array(#"{"state":"RUN"}"#.utf8).withUnsafeBytes { mapper.update(topic: "plant/hall/M-999/status", payload: $0, arrival: Timestamp(Date())) }
        guard case .failure(let problem) = unknown else { Issue.record("M-999 mapped"); return }
        #expect("\(problem.kind) \(problem)" == "unknown plant/hall/M-999/status: no machine 'M-999' in the plant")
    }

    /// The demo's machine topic carries why a machine stopped (`reason`: one text or a list),
    /// and SETUP for a changeover.
    @Test func reasonsFromAMachineTopic() throws {
        let plant = try PlantLoader().load(path: TwinBinary.repository + "/Assets/demo/plant.yaml")
        let mapper = MessageMapper(plant: plant)
        func map(_ json: String) -> String {
            let result = Array(json.utf8).withUnsafeBytes { mapper.update(topic: "plant/hall/M-012/status", payload: $0, arrival: Timestamp(iso8601: "2026-05-04T08:00:00Z")!) }
            switch result {
            case .success(let update): return update.jsonLine
            case .failure(let problem): return "\(problem)"
            }
        }
        #expect(map(#"{"state":"IDLE","reason":"break"}"#) == #"{"t":"2026-05-04T08:00:00Z","entity":"M-012","set":{"status":"idle","reasons":["break"]}}"#)
        #expect(map(#"{"state":"SETUP","reason":["planned","E-7"]}"#) == #"{"t":"2026-05-04T08:00:00Z","entity":"M-012","set":{"status":"setup","reasons":["planned","E-7"]}}"#)
        #expect(map(#"{"state":"RUN"}"#) == #"{"t":"2026-05-04T08:00:00Z","entity":"M-012","set":{"status":"running"}}"#)
        #expect(map(#"{"state":"IDLE","reason":5}"#).contains("reason: expected an array of reasons"), "\(map(#"{"state":"IDLE","reason":5}"#))")
    }
}
