import Foundation
import TwinLayout
import TwinState

/// The demo plant, loaded once, for the test suites that work on it.
package enum Demo {
    package static let repository = TestPaths.repository
    package static let plant: Plant = try! PlantLoader().load(path: repository + "/Assets/demo/plant.yaml")
    package static var state: PlantState { PlantState(plant: plant) }

    /// A fresh folder under the system's temporary directory.
    package static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "twin-tests-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

extension PlantState {
    /// Applies one update given as a JSON line.
    package mutating func apply(_ line: String) throws(StateError) {
        try apply(try UpdateParser.parse(line: line))
    }
}
