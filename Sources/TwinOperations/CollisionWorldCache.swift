import Foundation
import TwinLayout
import TwinState

/// The collision world of a plant's layout, built once per layout version and kept: every part's
/// triangle tree, the sketched obstacles, the keep-out zones take a while to build (the demo's
/// 0.6 M triangles), and a route check of an unchanged layout should not build them again. For a
/// twin that changes while it is checked (the live server): thread-safe, and one build at a time.
public final class CollisionWorldCache: @unchecked Sendable {
    public let plant: Plant
    private let lock = NSLock()
    private var cached: (version: Int, layout: Plant, world: PlantCollision)?

    public init(plant: Plant) { self.plant = plant }

    /// The layout `state`'s edits make of the plant and its collision world. `layoutVersion` is
    /// the caller's count of layout edits: the same version gives the world already built.
    public func world(for state: PlantState, layoutVersion: Int) -> (layout: Plant, world: PlantCollision) {
        lock.lock()
        defer { lock.unlock() }
        if let c = cached, c.version == layoutVersion { return (c.layout, c.world) }
        let layout = plant.edited(by: state)
        // Parts the edits did not touch keep their trees: a moved machine costs its own build.
        let world = PlantCollision(plant: layout, reusing: cached?.world)
        cached = (layoutVersion, layout, world)
        return (layout, world)
    }

    /// Checks every route of the layout now (see ``world(for:layoutVersion:)``).
    public func checkRoutes(_ state: PlantState, layoutVersion: Int) throws(TwinError) -> (layout: Plant, results: [RouteResult]) {
        let (layout, world) = world(for: state, layoutVersion: layoutVersion)
        return (layout, try world.check(routes: layout.routes, plant: layout))
    }
}
