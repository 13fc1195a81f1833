import Foundation
import TwinTestSupport
import TwinLayout
@testable import TwinState

/// Where two states differ, in a line short enough to read in a test log ("" when equal).
func difference(_ a: PlantState, _ b: PlantState) -> String {
    if a == b { return "" }
    for (x, y) in zip(a.entities, b.entities) where x != y {
        if x.state != y.state { return "\(x.id) state: \(x.state) vs \(y.state)" }
        return "\(x.id): \(x) vs \(y)"
    }
    if a.entities.count != b.entities.count { return "entity counts \(a.entities.count) vs \(b.entities.count)" }
    if a.nodes != b.nodes { return "nodes differ" }
    if a.edges != b.edges { return "edges differ" }
    return "time \(String(describing: a.time)) vs \(String(describing: b.time)), sequence \(a.sequence) vs \(b.sequence), late \(a.lateUpdates) vs \(b.lateUpdates), network edited \(a.networkEdited) vs \(b.networkEdited)"
}
