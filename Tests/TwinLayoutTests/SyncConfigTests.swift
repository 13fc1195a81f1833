import Foundation
import Testing
@testable import TwinLayout

/// The manifest's `sync:` section: how long silence may last, and a machine topic's connection field.
@Suite("Manifest sync section: no data after silence, connection fields")
struct SyncConfigTests {
    @Test func silenceAndConnectionAreRead() throws {
        let fixture = try Fixture()
        let text = Fixture.valid + """

            sync:
              no_data_after_s: 600
              machines:
                - topic: plant/{id}/status
                  status: state
                  connection: conn
            """
        let plant = try PlantLoader().load(path: try fixture.manifest(text))
        #expect(plant.sync.noDataAfter == 600)
        #expect(plant.sync.machines.first?.connectionField == "conn")
        let none = try PlantLoader().load(path: try fixture.manifest(Fixture.valid, name: "plain.yaml"))
        #expect(none.sync.noDataAfter == nil)
    }

    @Test func aBadSilenceIsOneLine() throws {
        let fixture = try Fixture()
        let lines = Fixture.valid.split(separator: "\n", omittingEmptySubsequences: false).count
        for (value, message) in [("-5", "must be greater than zero, found -5.0"), ("soon", "expected a number, found 'soon'")] {
            let path = try fixture.manifest(Fixture.valid + "\nsync:\n  no_data_after_s: \(value)\n")
            do { _ = try PlantLoader().load(path: path); Issue.record("no_data_after_s: \(value) was accepted") } catch {
                #expect(error.description.hasSuffix("/plant.yaml:\(lines + 2): sync.no_data_after_s: \(message)"), "\(error)")
            }
        }
    }
}
