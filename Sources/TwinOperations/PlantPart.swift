import TwinCollision
import TwinGeometry
import TwinLayout

/// One solid part of a plant as the checks see it: an entity (its whole subtree) or a piece of
/// the layout that belongs to none (a wall, a column: named by its node path), with its
/// triangles in the floor frame (x, y on the floor, z up), the floor itself left out.
public struct PlantPart: Sendable {
    public var name: String
    /// The entity, when the part is one.
    public var entity: Entity?
    public var tree: TriangleBVH
    /// What the triangles were made from: each node with its world transform and meshes. Parts of
    /// two versions of one plant's layout (node and mesh indices stay, edits append) with the same
    /// source have the same triangles.
    var source: [Source] = []

    struct Source: Equatable, Sendable {
        var node: Int
        var transform: Matrix4x4
        var meshes: [Int]
    }
    /// A part made of a tree of triangles already in the floor frame (a part moved for a trial).
    public init(name: String, entity: Entity? = nil, tree: TriangleBVH) {
        self.name = name; self.entity = entity; self.tree = tree
    }

    public var lo: SIMD3<Double> { tree.bounds.lo }
    public var hi: SIMD3<Double> { tree.bounds.hi }

    /// The nodes that draw something solid, each with the name of the part it belongs to: the
    /// entity that claims its subtree, else its own path. AGVs are left out (what moves, not what
    /// they run into).
    public static func nodeParts(of plant: Plant) -> [(node: Int, name: String, entity: Entity?)] {
        var owner = [Int?](repeating: nil, count: plant.nodes.count)
        for (e, entity) in plant.entities.enumerated() where entity.category != .agv {
            guard let root = entity.node else { continue }
            for n in plant.subtree(of: root) where owner[n] == nil { owner[n] = e }
        }
        var moving = Set<Int>()
        for entity in plant.entities where entity.category == .agv {
            if let root = entity.node { moving.formUnion(plant.subtree(of: root)) }
        }
        return plant.nodes.indices.compactMap { n in
            guard !plant.nodes[n].meshes.isEmpty, !moving.contains(n) else { return nil }
            let entity = owner[n].map { plant.entities[$0] }
            return (n, entity?.id ?? plant.nodes[n].path, entity)
        }
    }

    /// The part drawn by `nodes`, its triangles in the floor frame; nil when only floor remains.
    public static func build(name: String, entity: Entity?, nodes: [Int], plant: Plant) -> PlantPart? {
        let triangles = floorTriangles(nodes: nodes, plant: plant)
        guard !triangles.isEmpty else { return nil }
        var part = PlantPart(name: name, entity: entity, tree: TriangleBVH(triangles: triangles))
        part.source = source(of: nodes, in: plant)
        return part
    }

    /// The triangles that `nodes` draw, corners in threes in the floor frame, less those lying at
    /// or below the floor (no tree built: for a look at every triangle once).
    public static func floorTriangles(nodes: [Int], plant: Plant) -> [SIMD3<Double>] {
        var triangles: [SIMD3<Double>] = []
        triangles.reserveCapacity(nodes.reduce(0) { total, n in plant.nodes[n].meshes.reduce(total) { $0 + plant.meshes[$1].geometry.indices.count } })
        for n in nodes {
            let transform = plant.nodes[n].worldTransform
            for m in plant.nodes[n].meshes {
                let mesh = plant.meshes[m].geometry
                @inline(__always) func corner(_ i: UInt32) -> SIMD3<Double> {
                    FloorFrame.floorPoint(transform.transformPoint(SIMD3<Double>(mesh.positions[Int(i)])))
                }
                for t in stride(from: 0, to: mesh.indices.count, by: 3) {
                    let a = corner(mesh.indices[t]), b = corner(mesh.indices[t + 1]), c = corner(mesh.indices[t + 2])
                    // The floor is no obstacle: triangles lying at or below floor level.
                    if a.z <= 1e-3 && b.z <= 1e-3 && c.z <= 1e-3 { continue }
                    triangles.append(a); triangles.append(b); triangles.append(c)
                }
            }
        }
        return triangles
    }

    static func source(of nodes: [Int], in plant: Plant) -> [Source] {
        nodes.map { Source(node: $0, transform: plant.nodes[$0].worldTransform, meshes: plant.nodes[$0].meshes) }
    }

    /// Every part of the plant (or those named), in the order of their first nodes. Parts of
    /// `previous` (built from an earlier version of this plant's layout) whose source is unchanged
    /// are taken as they are.
    public static func parts(of plant: Plant, only names: Set<String>? = nil, reusing previous: [PlantPart] = []) -> [PlantPart] {
        let earlier = Dictionary(previous.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var order: [String] = []
        var grouped: [String: (entity: Entity?, nodes: [Int])] = [:]
        for (n, name, entity) in nodeParts(of: plant) {
            if let names, !names.contains(name) { continue }
            if grouped[name] == nil { order.append(name); grouped[name] = (entity, []) }
            grouped[name]!.nodes.append(n)
        }
        // Parts are built on all cores (each its own tree); the order stays that of the names.
        var built = [PlantPart?](repeating: nil, count: order.count)
        built.withUnsafeMutableBufferPointer { built in
            parallelFor(order.count) { k in
                let group = grouped[order[k]]!
                if var part = earlier[order[k]], part.source == source(of: group.nodes, in: plant) {
                    part.entity = group.entity
                    built[k] = part
                } else {
                    built[k] = build(name: order[k], entity: group.entity, nodes: group.nodes, plant: plant)
                }
            }
        }
        return built.compactMap { $0 }
    }

    /// The part's footprint on the floor: the convex hull of its corners seen from above.
    public var footprint: [SIMD2<Double>] {
        ConvexHull.of(tree.corners.map { SIMD2($0.x, $0.y) })
    }
}
