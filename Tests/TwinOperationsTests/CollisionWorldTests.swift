import Testing
import TwinCollision
import TwinLayout
import TwinState
import TwinTestSupport
@testable import TwinOperations

/// The collision world per layout version: an edit rebuilds the trees of the parts it touches
/// and keeps the others, and checks against the kept world answer as a fresh one does.
@Suite("The collision world across layout edits")
struct CollisionWorldTests {
    /// Whether two parts share one triangle buffer (a kept tree), not only equal triangles.
    static func shareStorage(_ a: PlantPart, _ b: PlantPart) -> Bool {
        a.tree.corners.withUnsafeBufferPointer { x in b.tree.corners.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress } }
    }

    @Test func aMoveRebuildsOnlyTheMovedPart() throws {
        let cache = CollisionWorldCache(plant: Demo.plant)
        var state = Demo.state
        let (_, before) = cache.world(for: state, layoutVersion: 0)
        try state.apply(#"{"t":"2026-05-04T08:00:00Z","edit":"move","entity":"M-012","dx":1.5,"dtheta_deg":90}"#)
        let (layout, after) = cache.world(for: state, layoutVersion: 1)
        let earlier = Dictionary(uniqueKeysWithValues: before.parts.map { ($0.name, $0) })
        var kept = 0
        for part in after.parts {
            let old = try #require(earlier[part.name])
            if part.name == "M-012" {
                #expect(!Self.shareStorage(part, old))
                #expect(part.lo != old.lo, "the moved machine's part moved")
            } else {
                #expect(Self.shareStorage(part, old), "\(part.name) was built again")
                kept += 1
            }
        }
        #expect(kept == before.parts.count - 1)
        // Checks against the world built from the kept parts answer as against a fresh build.
        let fresh = PlantCollision(plant: layout)
        let a = try after.check(routes: layout.routes, plant: layout), b = try fresh.check(routes: layout.routes, plant: layout)
        #expect(a.map(\.report.minimumClearance?.distance) == b.map(\.report.minimumClearance?.distance))
        #expect(a.map(\.report.withinMargin) == b.map(\.report.withinMargin))
        #expect(a.map(\.report.firstContact?.s) == b.map(\.report.firstContact?.s))
    }
}
