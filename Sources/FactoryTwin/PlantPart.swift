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
    public var lo: SIMD3<Double> { tree.bounds.lo }
    public var hi: SIMD3<Double> { tree.bounds.hi }

    /// Every part of the plant but the AGVs (what moves, not what they run into).
    public static func parts(of plant: Plant, only names: Set<String>? = nil) -> [PlantPart] {
        // Each node's owner: the entity that claims its subtree, else the node itself.
        var owner = [Int?](repeating: nil, count: plant.nodes.count)
        for (e, entity) in plant.entities.enumerated() where entity.category != .agv {
            guard let root = entity.node else { continue }
            for n in plant.subtree(of: root) where owner[n] == nil { owner[n] = e }
        }
        var moving = Set<Int>()
        for entity in plant.entities where entity.category == .agv {
            if let root = entity.node { moving.formUnion(plant.subtree(of: root)) }
        }
        var triangles: [String: [SIMD3<Double>]] = [:]
        var entityOf: [String: Entity] = [:]
        var order: [String] = []
        for (n, node) in plant.nodes.enumerated() where !node.meshes.isEmpty && !moving.contains(n) {
            let name = owner[n].map { plant.entities[$0].id } ?? node.path
            if let names, !names.contains(name) { continue }
            if let e = owner[n] { entityOf[name] = plant.entities[e] }
            for m in node.meshes {
                let mesh = plant.meshes[m].geometry
                if triangles[name] == nil { order.append(name); triangles[name] = [] }
                let transform = node.worldTransform
                @inline(__always) func corner(_ i: UInt32) -> SIMD3<Double> {
                    FloorFrame.floorPoint(transform.transformPoint(SIMD3<Double>(mesh.positions[Int(i)])))
                }
                for t in stride(from: 0, to: mesh.indices.count, by: 3) {
                    let a = corner(mesh.indices[t]), b = corner(mesh.indices[t + 1]), c = corner(mesh.indices[t + 2])
                    // The floor is no obstacle: triangles lying at or below floor level.
                    if a.z <= 1e-3 && b.z <= 1e-3 && c.z <= 1e-3 { continue }
                    triangles[name]!.append(a); triangles[name]!.append(b); triangles[name]!.append(c)
                }
            }
        }
        return order.compactMap { name in
            triangles[name]!.isEmpty ? nil : PlantPart(name: name, entity: entityOf[name], tree: TriangleBVH(triangles: triangles[name]!))
        }
    }

    /// The part's footprint on the floor: the convex hull of its corners seen from above.
    public var footprint: [SIMD2<Double>] {
        ConvexHull.of(tree.corners.map { SIMD2($0.x, $0.y) })
    }
}
