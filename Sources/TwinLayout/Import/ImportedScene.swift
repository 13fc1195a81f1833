import TwinGeometry

/// One model file as it was read: its node hierarchy (names, local transforms, meshes) and its
/// meshes with their base colors, in the file's own frame and units.
public struct ImportedScene: Sendable, Equatable {
    /// A node of the file's hierarchy. Nodes are stored parents first; the root is node 0.
    public struct Node: Sendable, Equatable {
        public var name: String
        /// The parent's index, or -1 for the root.
        public var parent: Int32
        public var localTransform: Matrix4x4
        /// Indices into `meshes`.
        public var meshes: [UInt32]

        public init(name: String, parent: Int32, localTransform: Matrix4x4, meshes: [UInt32]) {
            self.name = name
            self.parent = parent
            self.localTransform = localTransform
            self.meshes = meshes
        }
    }

    /// A mesh of triangles with one material color.
    public struct Mesh: Sendable, Equatable {
        public var name: String
        public var geometry: TriangleMesh
        /// Linear RGBA base color: glTF's baseColorFactor, else the diffuse color.
        public var baseColor: SIMD4<Float>
        /// False when the file had no normals and they were generated.
        public var hadNormals: Bool

        public init(name: String, geometry: TriangleMesh, baseColor: SIMD4<Float>, hadNormals: Bool) {
            self.name = name
            self.geometry = geometry
            self.baseColor = baseColor
            self.hadNormals = hadNormals
        }
    }

    public var nodes: [Node]
    public var meshes: [Mesh]
    /// Faces that were not triangles (points and lines), left out.
    public var skippedNonTriangleFaces: Int
    /// Seconds Assimp spent parsing the file (zero when the scene did not come from Assimp).
    public var parseSeconds: Double

    public init(nodes: [Node], meshes: [Mesh], skippedNonTriangleFaces: Int = 0, parseSeconds: Double = 0) {
        self.nodes = nodes
        self.meshes = meshes
        self.skippedNonTriangleFaces = skippedNonTriangleFaces
        self.parseSeconds = parseSeconds
    }

    /// Triangles in the meshes, each counted once however many nodes use it.
    public var meshTriangleCount: Int { meshes.reduce(0) { $0 + $1.geometry.triangleCount } }

    /// Vertices in the meshes, each counted once.
    public var meshVertexCount: Int { meshes.reduce(0) { $0 + $1.geometry.vertexCount } }
}
