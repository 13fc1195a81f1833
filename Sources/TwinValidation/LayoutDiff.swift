import Foundation
import TwinGeometry
import TwinLayout
import TwinState

/// What changed between two layouts: entities added, removed, moved (dx, dy, dtheta), resized or
/// given another model; network nodes and edges added, removed or changed; zones changed.
/// Entities, nodes, edges and zones are matched by id; entities' models by what they draw, not
/// by the files they come from.
public struct LayoutDiff: Sendable {
    public struct Move: Sendable {
        public var id: String
        public var from: Pose2D
        public var to: Pose2D
        public var dx: Double { to.x - from.x }
        public var dy: Double { to.y - from.y }
        /// Degrees, in -180 ... 180.
        public var dthetaDegrees: Double { remainder(to.theta - from.theta, 2 * .pi) * 180 / .pi }
    }

    public struct Change: Sendable {
        public var id: String
        public var what: String
    }

    public var added: [String] = []
    public var removed: [String] = []
    public var moved: [Move] = []
    public var resized: [Change] = []
    public var remodeled: [Change] = []
    public var nodesAdded: [String] = [], nodesRemoved: [String] = [], nodesChanged: [String] = []
    public var edgesAdded: [String] = [], edgesRemoved: [String] = [], edgesChanged: [String] = []
    public var zonesAdded: [String] = [], zonesRemoved: [String] = [], zonesChanged: [String] = []
    public var routesChanged: [String] = []
    /// AGVs whose body (footprint, load, margin) changed.
    public var agvsChanged: [String] = []
    /// Whether the rules differ: then nothing the base passed can be taken as still passing.
    public var rulesChanged = false
    /// Whether doors, crane areas, service areas or material-flow links were declared otherwise.
    public var practiceChanged = false

    public var isEmpty: Bool {
        added.isEmpty && removed.isEmpty && moved.isEmpty && resized.isEmpty && remodeled.isEmpty && networkChanged
            == false && zonesAdded.isEmpty && zonesRemoved.isEmpty && zonesChanged.isEmpty && routesChanged.isEmpty && agvsChanged.isEmpty
            && !rulesChanged && !practiceChanged
    }

    public var networkChanged: Bool {
        !(nodesAdded.isEmpty && nodesRemoved.isEmpty && nodesChanged.isEmpty && edgesAdded.isEmpty && edgesRemoved.isEmpty && edgesChanged.isEmpty)
    }

    /// Entities whose geometry differs in the new layout.
    public var changedEntities: Set<String> {
        Set(added + moved.map(\.id) + resized.map(\.id) + remodeled.map(\.id))
    }

    /// What an entity looks like, for comparing: where it stands, its size in its own frame, its
    /// model file (for messages) and a hash of its geometry in its own frame: the meshes' vertices
    /// and triangles and where each part stands in the entity. Two plants that draw an entity
    /// alike compare equal whatever files or folders they read it from (a manifest copied to
    /// another folder, a model re-exported).
    struct Look: Equatable {
        var placement: Pose2D?
        var size: SIMD3<Double>
        var model: String
        var triangles: Int
        var content: UInt64
    }

    /// A 64-bit hash of a mesh's positions and indices: their bytes in four independent lanes
    /// (multiply and xor, 8 bytes at a time), mixed at the end.
    static func contentHash(of mesh: TriangleMesh) -> UInt64 {
        let a = mesh.positions.withUnsafeBytes { hashBytes($0, seed: 0xcbf29ce484222325) }
        let b = mesh.indices.withUnsafeBytes { hashBytes($0, seed: a) }
        return mix(b ^ UInt64(mesh.positions.count))
    }

    static func hashBytes(_ raw: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        let prime: UInt64 = 0x100000001b3
        var h0 = seed, h1 = seed ^ 0x9e3779b97f4a7c15, h2 = seed ^ 0xbf58476d1ce4e5b9, h3 = seed ^ 0x94d049bb133111eb
        let words = raw.count / 8
        var i = 0
        while i + 4 <= words {
            h0 = (h0 ^ raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)) &* prime
            h1 = (h1 ^ raw.loadUnaligned(fromByteOffset: 8 * i + 8, as: UInt64.self)) &* prime
            h2 = (h2 ^ raw.loadUnaligned(fromByteOffset: 8 * i + 16, as: UInt64.self)) &* prime
            h3 = (h3 ^ raw.loadUnaligned(fromByteOffset: 8 * i + 24, as: UInt64.self)) &* prime
            i += 4
        }
        while i < words { h0 = (h0 ^ raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)) &* prime; i += 1 }
        for byte in raw[(8 * words)...] { h1 = (h1 ^ UInt64(byte)) &* prime }
        return mix(h0) ^ mix(h1 &+ 1) ^ mix(h2 &+ 2) ^ mix(h3 &+ 3) ^ UInt64(raw.count)
    }

    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e3779b97f4a7c15
        z = (z ^ (z >> 30)) &* 0xbf58476d1ce4e5b9
        z = (z ^ (z >> 27)) &* 0x94d049bb133111eb
        return z ^ (z >> 31)
    }

    static func looks(_ plant: Plant) -> [String: Look] {
        var result: [String: Look] = [:]
        var meshHashes: [Int: UInt64] = [:]
        for entity in plant.entities {
            guard let root = entity.node else {
                result[entity.id] = Look(placement: nil, size: .zero, model: "", triangles: 0, content: 0)
                continue
            }
            let rootTransform = plant.nodes[root].worldTransform
            let back = rootTransform.inverse ?? .identity
            var box = BoundingBox.empty
            var triangles = 0
            var content: UInt64 = 0x84222325cbf29ce4
            for n in plant.subtree(of: root) {
                let local = back * plant.nodes[n].worldTransform
                // Where the part stands in the entity, to a micrometre (the inverse is not exact).
                for value in local.columnMajor { content = mix(content ^ UInt64(bitPattern: Int64((value * 1e6).rounded()))) }
                for m in plant.nodes[n].meshes {
                    triangles += plant.meshes[m].geometry.triangleCount
                    box.add(plant.meshes[m].geometry.bounds.transformed(by: local))
                    let hash = meshHashes[m] ?? contentHash(of: plant.meshes[m].geometry)
                    meshHashes[m] = hash
                    content = mix(content ^ hash)
                }
            }
            let model = plant.models.indices.contains(plant.nodes[root].model) ? plant.models[plant.nodes[root].model].path : ""
            result[entity.id] = Look(placement: entity.category == .agv ? nil : PlantState.floorPlacement(of: rootTransform),
                                     size: box.size, model: model, triangles: triangles, content: content)
        }
        return result
    }

    public init(base: Plant, new: Plant) {
        let a = Self.looks(base), b = Self.looks(new)
        let baseIds = Set(base.entities.map(\.id)), newIds = Set(new.entities.map(\.id))
        added = new.entities.map(\.id).filter { !baseIds.contains($0) }
        removed = base.entities.map(\.id).filter { !newIds.contains($0) }
        for entity in new.entities where baseIds.contains(entity.id) {
            guard let old = a[entity.id], let now = b[entity.id] else { continue }
            if let p = old.placement, let q = now.placement,
               abs(p.x - q.x) > 1e-4 || abs(p.y - q.y) > 1e-4 || abs(remainder(p.theta - q.theta, 2 * .pi)) > 1e-5 {
                moved.append(Move(id: entity.id, from: p, to: q))
            }
            if old.content != now.content {
                let from = old.model.isEmpty ? "\(old.triangles) triangles" : "\((old.model as NSString).lastPathComponent) (\(old.triangles) triangles)"
                let to = now.model.isEmpty ? "\(now.triangles) triangles" : "\((now.model as NSString).lastPathComponent) (\(now.triangles) triangles)"
                remodeled.append(Change(id: entity.id, what: from == to ? "geometry of \(from) changed" : "model \(from) -> \(to)"))
            } else if simdLength(old.size - now.size) > 1e-3 {
                func text(_ s: SIMD3<Double>) -> String { String(format: "%.2f x %.2f x %.2f m", s.x, s.z, s.y) }
                resized.append(Change(id: entity.id, what: "size \(text(old.size)) -> \(text(now.size))"))
            }
            if entity.category == .agv, let o = base.entity(id: entity.id),
               o.footprint != entity.footprint || o.load != entity.load || o.margin != entity.margin || o.referenceOffset != entity.referenceOffset {
                agvsChanged.append(entity.id)
            }
        }
        // Network.
        let baseNodes = Dictionary(base.network.nodes.map { ($0.id, $0) }, uniquingKeysWith: { x, _ in x })
        let newNodes = Dictionary(new.network.nodes.map { ($0.id, $0) }, uniquingKeysWith: { x, _ in x })
        nodesAdded = new.network.nodes.map(\.id).filter { baseNodes[$0] == nil }
        nodesRemoved = base.network.nodes.map(\.id).filter { newNodes[$0] == nil }
        nodesChanged = new.network.nodes.filter { n in baseNodes[n.id].map { $0.x != n.x || $0.y != n.y || $0.theta != n.theta } ?? false }.map(\.id)
        let baseEdges = Dictionary(base.network.edges.map { ($0.id, $0) }, uniquingKeysWith: { x, _ in x })
        let newEdges = Dictionary(new.network.edges.map { ($0.id, $0) }, uniquingKeysWith: { x, _ in x })
        edgesAdded = new.network.edges.map(\.id).filter { baseEdges[$0] == nil }
        edgesRemoved = base.network.edges.map(\.id).filter { newEdges[$0] == nil }
        edgesChanged = new.network.edges.filter { e in
            guard let o = baseEdges[e.id] else { return false }
            return o.start != e.start || o.end != e.end || o.bidirectional != e.bidirectional || o.orientation != e.orientation
                || o.orientationIsGlobal != e.orientationIsGlobal || (o.trajectory == nil) != (e.trajectory == nil)
                || (o.trajectory.map { t in e.trajectory.map { t.controlPoints != $0.controlPoints || t.knots != $0.knots } ?? true } ?? false)
        }.map(\.id)
        // Zones and routes.
        let baseZones = Dictionary(base.zones.map { ($0.id, $0) }, uniquingKeysWith: { x, _ in x })
        let newZones = Dictionary(new.zones.map { ($0.id, $0) }, uniquingKeysWith: { x, _ in x })
        zonesAdded = new.zones.map(\.id).filter { baseZones[$0] == nil }
        zonesRemoved = base.zones.map(\.id).filter { newZones[$0] == nil }
        zonesChanged = new.zones.filter { z in baseZones[z.id].map { $0.kind != z.kind || $0.polygon != z.polygon } ?? false }.map(\.id)
        let baseRoutes = Dictionary(base.routes.map { ($0.id, $0) }, uniquingKeysWith: { x, _ in x })
        var baseRules = base.rules, newRules = new.rules
        baseRules.line = nil; newRules.line = nil
        rulesChanged = baseRules != newRules
        func unlined<T>(_ items: [T], _ line: WritableKeyPath<T, Int?>) -> [T] { items.map { var x = $0; x[keyPath: line] = nil; return x } }
        let baseDeclared = Dictionary(base.entities.map { ($0.id, ($0.serviceAreas, $0.links)) }, uniquingKeysWith: { x, _ in x })
        practiceChanged = unlined(base.doors, \.line) != unlined(new.doors, \.line) || unlined(base.cranes, \.line) != unlined(new.cranes, \.line)
            || new.entities.contains { e in baseDeclared[e.id].map { $0.0 != e.serviceAreas || $0.1 != e.links } ?? !(e.serviceAreas.isEmpty && e.links.isEmpty) }
        routesChanged = new.routes.filter { r in baseRoutes[r.id].map { $0.nodes != r.nodes || $0.agv != r.agv } ?? true }.map(\.id)
    }
}
