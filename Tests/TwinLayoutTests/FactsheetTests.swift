import Foundation
import Testing
import TwinGeometry
import TwinTestSupport
@testable import TwinLayout

/// AGVs whose bodies come from VDA 5050 factsheets.
@Suite("VDA 5050 factsheets")
struct FactsheetTests {
    static let sheet = FactsheetFixtures.carrier

    static func manifest(agv: String, sheet: String = FactsheetFixtures.carrier) throws -> (String, String) {
        let dir = NSTemporaryDirectory() + "factsheet-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try sheet.write(toFile: dir + "/carrier.json", atomically: true, encoding: .utf8)
        let yaml = "name: Factsheet plant\nagvs:\n  - \(agv)\n"
        return (dir, yaml)
    }

    @Test func theBodyComesFromTheEnvelopeThatMatchesTheLoad() throws {
        let (dir, yaml) = try Self.manifest(agv: "{id: AGV-1, factsheet: carrier.json}")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let empty = try PlantManifest.parse(yaml: yaml, file: dir + "/plant.yaml").entities[0]
        let footprint = try #require(empty.footprint)
        // The unloaded set, its notch closed by the hull (the checks take convex bodies).
        #expect(footprint.polygon == [SIMD2(-0.6, -0.4), SIMD2(0.6, -0.4), SIMD2(0.6, 0.4), SIMD2(-0.6, 0.4)])
        #expect(footprint.height == 0.45)
        #expect(empty.drive?.speed == 1.6, "speedMax")
        let loaded = try PlantManifest.parse(yaml: yaml.replacingOccurrences(of: "carrier.json}", with: "carrier.json, load: {length: 1.2, width: 1.0}}"),
                                             file: dir + "/plant.yaml").entities[0]
        #expect(loaded.footprint?.length == 1.5, "the loaded envelope reaches 0.9 m ahead")
        let chosen = try PlantManifest.parse(yaml: yaml.replacingOccurrences(of: "carrier.json}", with: "carrier.json, envelope: loaded, speed_mps: 1.0}"),
                                             file: dir + "/plant.yaml").entities[0]
        #expect(chosen.footprint?.width == 1.0)
        #expect(chosen.drive?.speed == 1.0, "the manifest's speed wins")
        // No envelopes: the length and width.
        let plain = Self.sheet.replacingOccurrences(of: #""agvGeometry": {"envelopes2d": ["#, with: #""agvGeometry": {"unused": ["#)
        let (dir2, yaml2) = try Self.manifest(agv: "{id: AGV-1, factsheet: carrier.json}", sheet: plain)
        defer { try? FileManager.default.removeItem(atPath: dir2) }
        let box = try PlantManifest.parse(yaml: yaml2, file: dir2 + "/plant.yaml").entities[0].footprint
        #expect(box?.polygon == nil && box?.length == 1.2 && box?.width == 0.8)
    }

    /// Each kind of bad factsheet, and of bad use of one, is the manifest's one line.
    @Test(arguments: [
        ("{id: AGV-1, factsheet: nowhere.json}", nil, "plant.yaml:3: agvs[0].factsheet: file not found: nowhere.json"),
        ("{id: AGV-1, factsheet: carrier.json, footprint: {length: 1, width: 1, height: 1}}", nil, "give 'footprint' or 'factsheet', not both"),
        ("{id: AGV-1, envelope: loaded, footprint: {length: 1, width: 1, height: 1}}", nil, "'envelope' chooses within a factsheet: give 'factsheet' too"),
        ("{id: AGV-1, factsheet: carrier.json, envelope: towing}", nil, "the factsheet has no envelope 'towing' (its sets: unloaded, loaded)"),
        ("{id: AGV-1, factsheet: carrier.json}", "[1,", "carrier.json: not valid JSON: line 1, column"),
        ("{id: AGV-1, factsheet: carrier.json}", #"{"agvGeometry": {}}"#, "carrier.json: $.physicalParameters: required, missing"),
        ("{id: AGV-1, factsheet: carrier.json}", FactsheetFixtures.carrier.replacingOccurrences(of: #""width": 0.8"#, with: #""width": 0"#),
         "carrier.json: $.physicalParameters.width: must be greater than zero, found 0"),
        ("{id: AGV-1, factsheet: carrier.json}", FactsheetFixtures.carrier.replacingOccurrences(of: #""heightMax": 0.45"#, with: #""heightMax": "tall""#),
         "carrier.json: $.physicalParameters.heightMax: expected a number, found a string"),
        ("{id: AGV-1, factsheet: carrier.json}", FactsheetFixtures.carrier.replacingOccurrences(of: #""set": "loaded""#, with: #""set": "unloaded""#),
         "carrier.json: $.agvGeometry.envelopes2d[1].set: 'unloaded' names two envelopes"),
        ("{id: AGV-1, factsheet: carrier.json}", FactsheetFixtures.carrier.replacingOccurrences(of: #"{"x": 0.9, "y": -0.5}, {"x": 0.9, "y": 0.5}, "#, with: ""),
         "carrier.json: $.agvGeometry.envelopes2d[1].polygonPoints: an envelope needs 3 to 10000 points, found 2"),
    ] as [(String, String?, String)])
    func badFactsheetsAreOneLine(agv: String, sheet: String?, expected: String) throws {
        let (dir, yaml) = try Self.manifest(agv: agv, sheet: sheet ?? Self.sheet)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            _ = try PlantManifest.parse(yaml: yaml, file: dir + "/plant.yaml")
            Issue.record("accepted: \(expected)")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
            #expect(!error.description.contains("\n"))
        }
    }
}
