import TwinGeometry
import TwinLayout
import TwinRender

/// A plant turned into what the rasterizer draws: one item per mesh that a node draws, in the
/// plant's node order (depth first, as OpenGL references walk a scene), with the entity each
/// item belongs to, so that states can tint it.
public struct PlantScene: Sendable {
    public var scene: RenderScene
    /// For each item, the index in `plant.entities` of the entity whose subtree draws it.
    public var itemEntities: [Int?]
    /// Each item's color as the model gives it, before any state tints it.
    public var modelColors: [SIMD4<Float>]

    public init(plant: Plant) {
        var scene = RenderScene()
        scene.positions.reserveCapacity(plant.nodes.reduce(0) { $0 + $1.meshes.reduce(0) { $0 + plant.meshes[$1].geometry.vertexCount } })
        // The entity of each node: an entity claims its node's subtree.
        var nodeEntity = [Int?](repeating: nil, count: plant.nodes.count)
        for (e, entity) in plant.entities.enumerated() {
            guard let root = entity.node else { continue }
            for n in plant.subtree(of: root) where nodeEntity[n] == nil { nodeEntity[n] = e }
        }
        var itemEntities: [Int?] = []
        for (n, node) in plant.nodes.enumerated() {
            for (k, meshIndex) in node.meshes.enumerated() {
                let mesh = plant.meshes[meshIndex]
                let name = node.meshes.count == 1 ? node.path : "\(node.path)#\(k)"
                scene.append(mesh.geometry, transform: node.worldTransform, name: name, color: mesh.baseColor)
                itemEntities.append(nodeEntity[n])
            }
        }
        self.scene = scene
        self.itemEntities = itemEntities
        modelColors = scene.items.map(\.color)
    }
}
