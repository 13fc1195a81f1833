import Foundation
import Testing
import TwinLayout

/// An order's edges may limit how fast the AGV turns (`maxRotationSpeed`, rad/s): the least of them
/// is what a fleet check turns at.
@Suite("VDA 5050 rotation speeds")
struct OrderRotationTests {
    static func order(_ rates: [String]) -> String {
        let edges = rates.enumerated().map { k, rate in
            #"{"edgeId": "E\#(k)", "sequenceId": \#(2 * k + 1), "released": true, "startNodeId": "N\#(k)", "endNodeId": "N\#(k + 1)", "actions": []\#(rate)}"#
        }
        let nodes = (0...rates.count).map { k in
            #"{"nodeId": "N\#(k)", "sequenceId": \#(2 * k), "released": true, "actions": [], "nodePosition": {"x": \#(k * 5), "y": 0, "mapId": "hall"}}"#
        }
        return #"{"headerId": 1, "timestamp": "2026-05-04T08:00:00Z", "version": "2.1.0", "manufacturer": "m", "serialNumber": "s", "orderId": "o", "orderUpdateId": 0, "nodes": [\#(nodes.joined(separator: ","))], "edges": [\#(edges.joined(separator: ","))]}"#
    }

    static func load(_ text: String) throws -> VDA5050Order {
        let path = NSTemporaryDirectory() + "twin-order-\(UUID().uuidString).json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try VDA5050Order.load(path: path)
    }

    @Test func theLeastRotationSpeedOfTheEdgesCounts() throws {
        #expect(try Self.load(Self.order(["", ""])).maxRotationSpeed == nil)
        #expect(try Self.load(Self.order([#", "maxRotationSpeed": 0.9"#, #", "maxRotationSpeed": 0.4"#, ""])).maxRotationSpeed == 0.4)
        // Zero says nothing about a rate (it would forbid turning at all).
        #expect(try Self.load(Self.order([#", "maxRotationSpeed": 0"#, #", "maxRotationSpeed": 0.7"#])).maxRotationSpeed == 0.7)
        #expect(throws: LayoutError.self) { try Self.load(Self.order([#", "maxRotationSpeed": -1"#])) }
    }
}
