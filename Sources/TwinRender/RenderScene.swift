import TwinGeometry

/// What the rasterizer draws: world-space triangles grouped into items (one per node and mesh),
/// each with a base color and a name for the id pass's legend. Built once per plant; colors
/// change with machine states without touching the geometry.
public struct RenderScene: Sendable {
    /// A drawable group of triangles: one mesh as one node draws it.
    public struct Item: Sendable {
        /// The node path, with `#k` when the node draws several meshes.
        public var name: String
        /// Linear RGBA base color.
        public var color: SIMD4<Float>
        /// First triangle and count in the scene's triangle arrays.
        public var firstTriangle: Int
        public var triangleCount: Int

        public init(name: String, color: SIMD4<Float>, firstTriangle: Int, triangleCount: Int) {
            self.name = name; self.color = color; self.firstTriangle = firstTriangle; self.triangleCount = triangleCount
        }
    }

    /// World-space vertex positions and normals.
    public var positions: [SIMD3<Float>] = []
    public var normals: [SIMD3<Float>] = []
    /// Three vertex indices per triangle.
    public var indices: [UInt32] = []
    /// The item of each triangle.
    public var triangleItems: [UInt32] = []
    public var items: [Item] = []
    /// Triangles left out because a corner was not finite or they had no area.
    public var skippedTriangles = 0

    public init() {}

    public var triangleCount: Int { triangleItems.count }

    /// Appends `mesh` carried into the world by `transform` as one item.
    public mutating func append(_ mesh: TriangleMesh, transform: Matrix4x4, name: String, color: SIMD4<Float>) {
        let base = UInt32(positions.count)
        let normalTransform = transform.normalMatrix
        positions.reserveCapacity(positions.count + mesh.positions.count)
        for p in mesh.positions {
            positions.append(SIMD3<Float>(transform.transformPoint(SIMD3<Double>(p))))
        }
        for n in mesh.normals {
            var w = SIMD3<Double>(n)
            if let (c0, c1, c2) = normalTransform { w = c0 * w.x + c1 * w.y + c2 * w.z }
            normals.append(SIMD3<Float>(simdNormalize(w)))
        }
        if mesh.normals.count != mesh.positions.count {
            normals.append(contentsOf: repeatElement(SIMD3<Float>(0, 1, 0), count: mesh.positions.count - mesh.normals.count))
        }
        let itemIndex = UInt32(items.count)
        let first = triangleItems.count
        var kept = 0
        var t = 0
        while t + 2 < mesh.indices.count {
            let a = mesh.indices[t], b = mesh.indices[t + 1], c = mesh.indices[t + 2]
            t += 3
            guard Int(max(a, b, c)) < mesh.positions.count else {
                skippedTriangles += 1
                continue
            }
            let pa = positions[Int(base + a)], pb = positions[Int(base + b)], pc = positions[Int(base + c)]
            guard pa.isFinite, pb.isFinite, pc.isFinite else {
                skippedTriangles += 1
                continue
            }
            indices.append(base + a); indices.append(base + b); indices.append(base + c)
            triangleItems.append(itemIndex)
            kept += 1
        }
        items.append(Item(name: name, color: color, firstTriangle: first, triangleCount: kept))
    }

    /// The world-space bounds of every vertex.
    public var bounds: BoundingBox {
        var box = BoundingBox.empty
        for p in positions { box.add(SIMD3<Double>(p)) }
        return box
    }
}
