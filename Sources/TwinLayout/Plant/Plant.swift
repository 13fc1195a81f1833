import TwinGeometry

/// A loaded plant: the placed model files flattened into one node table with world transforms,
/// shared meshes with their colors, the entities bound to nodes, and the AGV network, routes,
/// zones and cameras. Coordinates are the scene's (glTF: meters, Y up); the floor's (x, y) is
/// the scene's (X, -Z).
public struct Plant: Sendable {
    /// A node of the plant's hierarchy.
    public struct Node: Sendable {
        /// The placed model's id, then the node names from the file's root down: `hall/Line-A/M-001`.
        public var path: String
        public var name: String
        /// The parent's index in `nodes`, or nil for a placed model's root.
        public var parent: Int?
        public var worldTransform: Matrix4x4
        /// Indices into `meshes` drawn at this node.
        public var meshes: [Int]
        /// Index into `models`.
        public var model: Int

        public init(path: String, name: String, parent: Int?, worldTransform: Matrix4x4, meshes: [Int], model: Int) {
            self.path = path; self.name = name; self.parent = parent
            self.worldTransform = worldTransform; self.meshes = meshes; self.model = model
        }
    }

    /// A mesh with its base color, shared by every node that draws it.
    public struct Mesh: Sendable {
        public var name: String
        public var geometry: TriangleMesh
        /// Linear RGBA.
        public var baseColor: SIMD4<Float>

        public init(name: String, geometry: TriangleMesh, baseColor: SIMD4<Float>) {
            self.name = name; self.geometry = geometry; self.baseColor = baseColor
        }
    }

    /// A model file as placed in the plant.
    public struct Model: Sendable {
        public var id: String
        public var path: String
        /// The index of the model's root node in `nodes`.
        public var rootNode: Int
    }

    public var name: String
    /// The manifest or model file the plant was loaded from.
    public var source: String
    public var models: [Model]
    public var nodes: [Node]
    public var meshes: [Mesh]
    public var entities: [Entity]
    public var network: AGVNetwork
    public var routes: [Route]
    public var zones: [Zone]
    public var cameras: [CameraDefinition]
    /// The manifest's colors for machine states (sRGB, 0...1), by state name.
    public var stateColors: [String: SIMD3<Float>] = [:]
    /// Obstacles sketched in the manifest as primitives (pallets, fences, bollards).
    public var sketchedObstacles: [SketchedObstacle] = []
    /// Doors, gates and exits; the areas overhead cranes serve.
    public var doors: [Door] = []
    public var cranes: [CraneArea] = []
    /// The clearance AGVs keep unless one says otherwise, meters.
    public var defaultMargin = 0.1
    /// The rules `twin validate` holds the layout to.
    public var rules = LayoutRules()
    /// How `twin sync` maps MQTT topics onto entities.
    public var sync = SyncConfig()
    /// Production lines: machines in flow order and their conveyors (`lines:`).
    public var lines: [ProductionLine] = []
    /// The shifts, breaks, days off and planned stops (`calendar:`); nil: no calendar given.
    public var calendar: ShiftCalendar?
    /// The scene-space bounds of every drawn triangle.
    public var bounds: BoundingBox
    /// What loading found along the way.
    public var report: LoadReport

    /// Triangles drawn: each mesh counted once per node that draws it.
    public var triangleCount: Int {
        nodes.reduce(0) { total, node in total + node.meshes.reduce(0) { $0 + meshes[$1].geometry.triangleCount } }
    }

    /// Triangles in the distinct meshes, each counted once.
    public var meshTriangleCount: Int { meshes.reduce(0) { $0 + $1.geometry.triangleCount } }

    /// The entity with this id.
    public func entity(id: String) -> Entity? { entities.first { $0.id == id } }

    /// Entities counted by category.
    public var entityCounts: [EntityCategory: Int] {
        entities.reduce(into: [:]) { $0[$1.category, default: 0] += 1 }
    }

    /// The nodes in the subtree of `node`, itself first.
    public func subtree(of node: Int) -> [Int] {
        var result = [node]
        // Children always follow their parent in `nodes`, so one forward pass suffices.
        var inTree = Set([node])
        for candidate in (node + 1)..<nodes.count {
            if let parent = nodes[candidate].parent, inTree.contains(parent) {
                inTree.insert(candidate)
                result.append(candidate)
            }
        }
        return result
    }
}

/// Figures and findings from loading a plant.
public struct LoadReport: Sendable {
    /// Seconds of the load's wall time spent inside Assimp parsing files (files parsed side by
    /// side count once, by the longest).
    public var parseSeconds: Double = 0
    /// Seconds spent on everything else: the manifest, the worker hand-over, our own processing.
    public var processSeconds: Double = 0
    /// The parts of `processSeconds`: reading and checking the manifest (the model files import
    /// meanwhile); importing beyond Assimp's own parse and the manifest (starting the worker,
    /// converting and handing over its meshes, as far as reading the manifest did not hide it);
    /// cleaning meshes (degenerate triangles, normals); flattening nodes and measuring bounds.
    public var manifestSeconds: Double = 0
    public var importOverheadSeconds: Double = 0
    public var cleanSeconds: Double = 0
    public var flattenSeconds: Double = 0
    /// Distinct model files read (a file placed twice is read once).
    public var filesRead: Int = 0
    /// Triangles dropped as degenerate (repeated corners, zero area, not finite).
    public var degenerateTriangles: Int = 0
    /// Faces that were points or lines, left out.
    public var nonTriangleFaces: Int = 0
    /// Meshes without normals in their file, given generated ones.
    public var meshesWithGeneratedNormals: Int = 0

    public init() {}
}

/// An obstacle a planner sketches in the manifest instead of modelling it: an upright box or a
/// vertical cylinder standing on the floor.
public struct SketchedObstacle: Sendable, Identifiable {
    public enum Shape: Sendable, Equatable {
        /// Length (along its yaw), width and height.
        case box(size: SIMD3<Double>, yawDegrees: Double)
        case cylinder(radius: Double, height: Double)
    }

    public var id: String
    /// Floor position of its center (x, y) and of its base (z).
    public var position: SIMD3<Double>
    public var shape: Shape
    public var line: Int?

    public init(id: String, position: SIMD3<Double>, shape: Shape, line: Int? = nil) {
        self.id = id; self.position = position; self.shape = shape; self.line = line
    }
}
