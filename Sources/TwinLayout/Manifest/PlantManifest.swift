import Foundation
import TwinGeometry

/// A plant as `plant.yaml` describes it: model files placed on the floor, the entities bound to
/// their nodes, the AGV network, routes, zones and cameras. Parsing checks every field and every
/// reference that can be checked without reading the model files; `PlantLoader` checks the rest.
public struct PlantManifest: Sendable {
    /// Which axis of a model file points up.
    public enum UpAxis: String, Sendable, CaseIterable {
        case y, z
    }

    /// A model file placed on the floor.
    public struct ModelPlacement: Sendable {
        public var id: String
        /// The path as the manifest writes it.
        public var file: String
        /// The path resolved against the manifest's folder.
        public var path: String
        /// Floor position (x, y, and z up), meters.
        public var position: SIMD3<Double>
        /// Counterclockwise about the vertical, seen from above.
        public var rotationDegrees: Double
        /// Meters per file unit (0.001 for a file in millimetres).
        public var scale: Double
        public var up: UpAxis
        public var line: Int?

        /// The transform from the file's frame into the plant's scene frame.
        public var transform: Matrix4x4 {
            let axes = up == .z ? FloorFrame.zUpToScene : .identity
            return FloorFrame.placement(x: position.x, y: position.y, z: position.z,
                                        theta: rotationDegrees * .pi / 180)
                * axes * .scale(SIMD3(repeating: scale))
        }
    }

    /// How an entity finds what draws it.
    public enum Binding: Sendable, Equatable {
        /// A node path `MODEL-ID/child/child` into a placed model.
        case node(String)
        /// A whole placed model, by its id.
        case model(String)
        /// Nothing (an AGV without a model file).
        case none
    }

    /// An entity as declared, before its binding is resolved.
    public struct EntityDeclaration: Sendable {
        public var id: String
        public var category: EntityCategory
        public var kind: String?
        public var binding: Binding
        public var footprint: AGVFootprint?
        public var pose: Pose2D?
        public var manufacturer: String?
        public var serialNumber: String?
        public var line: Int?
        public var margin: Double?
        public var load: SIMD2<Double>?
        public var referenceOffset = SIMD2<Double>(0, 0)
        /// The network nodes that serve it (`network_nodes:`).
        public var networkNodes: [String] = []
        /// Space kept free beside it (`service:`) and its material-flow links (`links:`).
        public var serviceAreas: [ServiceArea] = []
        public var links: [MaterialLink] = []
        /// Docks (`docks:`/`dock:`, `handling_s:`), a machine's ideal cycle time (`cycle_s:`, or its
        /// kind's in `machine_kinds:`), an AGV's drive.
        public var docks: Docks?
        public var cycleSeconds: Double?
        public var drive: AGVDrive?
        public var loadTypes: [String] = []
    }

    public var name: String
    /// The manifest's own path.
    public var file: String
    public var models: [ModelPlacement]
    public var entities: [EntityDeclaration]
    public var network: AGVNetwork
    public var routes: [Route]
    public var zones: [Zone]
    public var cameras: [CameraDefinition]
    /// Colors (sRGB, 0...1) for machine states, overriding the defaults: running, idle, blocked,
    /// starved, fault, maintenance, setup, offline.
    public var stateColors: [String: SIMD3<Float>]
    /// Primitive obstacles sketched in the manifest.
    public var obstacles: [SketchedObstacle] = []
    /// Doors, gates and exits (`doors:`), and the areas overhead cranes serve (`cranes:`).
    public var doors: [Door] = []
    public var cranes: [CraneArea] = []
    /// `collision.margin`: the clearance AGVs keep unless one says otherwise.
    public var defaultMargin = 0.1
    /// The layout rules (`rules:`), with their defaults where the manifest says nothing.
    public var rules = LayoutRules()
    /// How live MQTT data maps onto the plant (`sync:`).
    public var sync = SyncConfig()
    /// Production lines (`lines:`).
    public var lines: [ProductionLine] = []
    /// Shifts, breaks, days off and planned stops (`calendar:`).
    public var calendar: ShiftCalendar?

    /// Reads and checks a manifest file.
    public static func load(path: String) throws(LayoutError) -> PlantManifest {
        try load(path: path, onModelFile: { _ in })
    }

    /// Reads and checks a manifest file, telling `onModelFile` each model file's path as soon as
    /// it is known (before the rest is checked: a loader starts importing it).
    public static func load(path: String, onModelFile: @escaping (String) -> Void) throws(LayoutError) -> PlantManifest {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .fileNotFound(path: path, referencedFrom: nil, line: nil)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .manifest(file: path, line: nil, field: "", message: "not UTF-8 text")
        }
        return try ManifestParser(file: path, onModelFile: onModelFile).parse(text)
    }

    /// Checks a manifest given as text; relative model paths resolve against `file`'s folder.
    public static func parse(yaml: String, file: String) throws(LayoutError) -> PlantManifest {
        try ManifestParser(file: file).parse(yaml)
    }
}
