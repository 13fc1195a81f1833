import TwinGeometry
import TwinLayout
import TwinState

extension Plant {
    /// The plant as a state's layout edits leave it: moved and turned entities carry their
    /// models along, removed ones are gone (their nodes draw nothing), added ones copy another
    /// entity's model or stand as a box, and the AGV network has the edited nodes and edges.
    /// Without edits it is this plant unchanged.
    public func edited(by state: PlantState) -> Plant {
        guard state.hasLayoutEdits else { return self }
        var plant = self
        var keep = [Bool](repeating: true, count: entities.count)
        for (e, entity) in entities.enumerated() where e < state.entities.count {
            let record = state.entities[e]
            guard record.id == entity.id else { continue }
            guard let root = entity.node else { continue }
            if record.removed || record.shape != nil {
                keep[e] = false
                for n in subtree(of: root) { plant.nodes[n].meshes = [] }
            } else if record.isMoved, let from = record.originalPlacement, let to = record.placement {
                let move = Self.move(from: from, to: to, height: nodes[root].worldTransform.translation.y)
                for n in subtree(of: root) { plant.nodes[n].worldTransform = move * nodes[n].worldTransform }
            }
        }
        var edited = zip(entities, keep).filter(\.1).map(\.0)
        // Added entities, after the plant's own.
        for record in state.entities where !record.removed {
            guard let shape = record.shape, let pose = record.placement else { continue }
            var entity = Entity(id: record.id, category: record.category, kind: record.kind)
            switch shape {
            case .like(let model):
                guard let source = entities.first(where: { $0.id == model }), let root = source.node else { continue }
                let from = PlantState.floorPlacement(of: nodes[root].worldTransform)
                let move = Self.move(from: from, to: pose, height: nodes[root].worldTransform.translation.y)
                var copies: [Int: Int] = [:]
                for n in subtree(of: root) {
                    let node = nodes[n]
                    copies[n] = plant.nodes.count
                    plant.nodes.append(Node(path: "edit:\(record.id)" + node.path.dropFirst(nodes[root].path.count),
                                            name: n == root ? record.id : node.name,
                                            parent: node.parent.flatMap { copies[$0] }, worldTransform: move * node.worldTransform,
                                            meshes: node.meshes, model: node.model))
                }
                entity.node = copies[root]
            case .box(let size):
                var box = MeshBuilder()
                box.addBox(min: SIMD3(-size.x / 2, 0, -size.y / 2), max: SIMD3(size.x / 2, size.z, size.y / 2))
                var geometry = box.mesh
                geometry.generateNormals()
                plant.meshes.append(Mesh(name: "edit:\(record.id)", geometry: geometry, baseColor: SIMD4(0.45, 0.5, 0.58, 1)))
                entity.node = plant.nodes.count
                plant.nodes.append(Node(path: "edit:\(record.id)", name: record.id, parent: nil,
                                        worldTransform: FloorFrame.placement(x: pose.x, y: pose.y, theta: pose.theta),
                                        meshes: [plant.meshes.count - 1], model: 0))
            }
            edited.append(entity)
        }
        plant.entities = edited
        if state.networkEdited {
            let byId = Dictionary(network.edges.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let edges = state.edges.map { edge -> AGVNetwork.Edge in
                if !edge.addedByEdit, let original = byId[edge.id], original.start == edge.start, original.end == edge.end { return original }
                return AGVNetwork.Edge(id: edge.id, start: edge.start, end: edge.end, bidirectional: edge.bidirectional)
            }
            let kept = Set(state.nodes.map(\.id))
            plant.network = AGVNetwork(nodes: state.nodes, edges: edges, parking: network.parking.filter { kept.contains($0) })
        }
        return plant
    }

    /// The floor move that takes a placement to another, keeping the height.
    static func move(from: Pose2D, to: Pose2D, height: Double) -> Matrix4x4 {
        let back = FloorFrame.placement(x: from.x, y: from.y, z: height, theta: from.theta).inverse ?? .identity
        return FloorFrame.placement(x: to.x, y: to.y, z: height, theta: to.theta) * back
    }
}
