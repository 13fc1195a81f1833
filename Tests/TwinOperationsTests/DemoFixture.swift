import Foundation
import TwinLayout
import TwinState
import TwinTestSupport

/// The demo plant, loaded once for the suites here.
enum Demo {
    static let repository = TestPaths.repository
    static let plant: Plant = try! PlantLoader().load(path: repository + "/Assets/demo/plant.yaml")
    static var state: PlantState { PlantState(plant: plant) }

    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "twin-operations-tests-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

extension PlantState {
    mutating func apply(_ line: String) throws(StateError) {
        try apply(try UpdateParser.parse(line: line))
    }
}
