import TwinGeometry
import TwinLayout
import TwinRender

/// A plant turned into what the rasterizer draws: one item per mesh that a node draws, in the
/// plant's node order (depth first, as OpenGL references walk a scene), with the entity each
/// item belongs to, so that states can tint it. AGVs stand at the poses given (their models
/// moved from their start poses), and an AGV without a model is drawn as its footprint box.
public struct PlantScene: Sendable {
    public var scene: RenderScene
    /// For each item, the index in `plant.entities` of the entity whose subtree draws it.
    public var itemEntities: [Int?]
    /// Each item's color as the model gives it, before any state tints it.
    public var modelColors: [SIMD4<Float>]

    public init(plant: Plant, agvPoses: [String: Pose2D] = [:]) {
        var scene = RenderScene()
        scene.positions.reserveCapacity(plant.nodes.reduce(0) { $0 + $1.meshes.reduce(0) { $0 + plant.meshes[$1].geometry.vertexCount } })
        // The entity of each node (an entity claims its node's subtree), and how far to move it.
        var nodeEntity = [Int?](repeating: nil, count: plant.nodes.count)
        var nodeMove = [Matrix4x4?](repeating: nil, count: plant.nodes.count)
        for (e, entity) in plant.entities.enumerated() {
            guard let root = entity.node else { continue }
            var move: Matrix4x4?
            if entity.category == .agv, let start = entity.pose, let now = agvPoses[entity.id], now != start,
               let back = FloorFrame.placement(x: start.x, y: start.y, theta: start.theta).inverse {
                move = FloorFrame.placement(x: now.x, y: now.y, theta: now.theta) * back
            }
            for n in plant.subtree(of: root) where nodeEntity[n] == nil {
                nodeEntity[n] = e
                nodeMove[n] = move
            }
        }
        var itemEntities: [Int?] = []
        for (n, node) in plant.nodes.enumerated() {
            let transform = nodeMove[n].map { $0 * node.worldTransform } ?? node.worldTransform
            for (k, meshIndex) in node.meshes.enumerated() {
                let mesh = plant.meshes[meshIndex]
                let name = node.meshes.count == 1 ? node.path : "\(node.path)#\(k)"
                scene.append(mesh.geometry, transform: transform, name: name, color: mesh.baseColor)
                itemEntities.append(nodeEntity[n])
            }
        }
        // AGVs without a model: their footprint as a box, in a safety orange.
        for (e, entity) in plant.entities.enumerated() where entity.category == .agv && entity.node == nil {
            guard let footprint = entity.footprint, let pose = agvPoses[entity.id] ?? entity.pose else { continue }
            var box = MeshBuilder()
            box.addBox(min: SIMD3(-footprint.length / 2, 0, -footprint.width / 2),
                       max: SIMD3(footprint.length / 2, footprint.height, footprint.width / 2))
            scene.append(box.mesh, transform: FloorFrame.placement(x: pose.x, y: pose.y, theta: pose.theta),
                         name: "agv:\(entity.id)", color: SIMD4(0.85, 0.45, 0.05, 1))
            itemEntities.append(e)
        }
        // Obstacles sketched in the manifest, drawn so that planners see what they sketched.
        for sketch in plant.sketchedObstacles {
            var shape = MeshBuilder()
            switch sketch.shape {
            case let .box(size, _):
                shape.addBox(min: SIMD3(-size.x / 2, 0, -size.y / 2), max: SIMD3(size.x / 2, size.z, size.y / 2))
            case let .cylinder(radius, height):
                shape.addCylinder(base: .zero, radius: radius, height: height, segments: 24)
            }
            var yaw = 0.0
            if case let .box(_, degrees) = sketch.shape { yaw = degrees * .pi / 180 }
            scene.append(shape.mesh, transform: FloorFrame.placement(x: sketch.position.x, y: sketch.position.y, z: sketch.position.z, theta: yaw),
                         name: "obstacle:\(sketch.id)", color: SIMD4(0.55, 0.45, 0.3, 1))
            itemEntities.append(nil)
        }
        self.scene = scene
        self.itemEntities = itemEntities
        modelColors = scene.items.map(\.color)
    }

    /// Tints the items of entities in a state with the state's color (sRGB), keeping a third of
    /// the model's own color so that parts stay apart.
    public mutating func tint(_ colors: [Int: SIMD3<Float>]) {
        for i in scene.items.indices {
            guard let e = itemEntities[i], let srgb = colors[e] else {
                scene.items[i].color = modelColors[i]
                continue
            }
            // The status color whole (the light shades it): mixed with the model's color, a fault
            // on an orange press read as "blocked".
            let state = SIMD3(ColorSpace.decode(srgb.x), ColorSpace.decode(srgb.y), ColorSpace.decode(srgb.z))
            scene.items[i].color = SIMD4(state.x, state.y, state.z, modelColors[i].w)
        }
    }
}
