@_exported import TwinGeometry
@_exported import TwinLayout
@_exported import TwinRender

/// The digital twin of one plant, for Swift programs that script it: load a plant, then read its
/// layout, entities and AGV network. State, rendering and collision checks join as their modules land.
///
/// ```swift
/// import FactoryTwin
///
/// let twin = try Twin(contentsOf: "Assets/demo/plant.yaml")
/// for machine in twin.plant.entities where machine.category == .machine {
///     print(machine.id, machine.kind ?? "-")
/// }
/// ```
public struct Twin: Sendable {
    /// The loaded layout: placed models, entities, network, zones and cameras.
    public let plant: Plant

    /// Loads a plant from a manifest (`plant.yaml`) or a model file.
    ///
    /// - Parameter importer: how model files are read. The default runs Assimp in this process;
    ///   for files you did not write, pass `SceneImporter(isolation: .worker(executable: pathOfTwin))`
    ///   so that a crash inside Assimp becomes an error rather than the end of your program.
    public init(contentsOf path: String, importer: SceneImporter = SceneImporter()) throws(LayoutError) {
        plant = try PlantLoader(importer: importer).load(path: path)
    }

    /// A twin of a plant loaded elsewhere.
    public init(plant: Plant) {
        self.plant = plant
    }

    /// The entity with `id`, if the plant has one.
    public func entity(_ id: String) -> Entity? { plant.entity(id: id) }
}
