import Foundation
import TwinGeometry

/// Loads a plant from a manifest (`plant.yaml`) or from a bare model file, whose top-level named
/// nodes become entities.
public struct PlantLoader: Sendable {
    public var importer: SceneImporter

    public init(importer: SceneImporter = SceneImporter()) {
        self.importer = importer
    }

    /// True for paths that name a manifest rather than a model file.
    public static func isManifest(_ path: String) -> Bool {
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        return ext == "yaml" || ext == "yml"
    }

    /// Loads `path`, a manifest or a model file.
    public func load(path: String) throws(LayoutError) -> Plant {
        switch load(path: path, refusing: { _ in nil }) {
        case .success(let plant): return plant
        case .failure(.layout(let error)): throw error
        case .failure(.refused): preconditionFailure("nothing refuses")
        }
    }

    /// Loads `path`, a manifest or a model file; `inspect` sees the manifest (nil for a model
    /// file) before any model file is read, so that a command can refuse arguments that name what
    /// the manifest lacks (a camera, a route) without waiting for the models. What it throws is
    /// thrown as it is.
    public func load(path: String, inspect: (PlantManifest?) throws -> Void) throws -> Plant {
        let result = load(path: path, refusing: { manifest in
            do { try inspect(manifest); return nil } catch { return error }
        })
        switch result {
        case .success(let plant): return plant
        case .failure(.layout(let error)): throw error
        case .failure(.refused(let error)): throw error
        }
    }

    private enum Failure: Error {
        case layout(LayoutError)
        case refused(any Error)
    }

    private func load(path: String, refusing: (PlantManifest?) -> (any Error)?) -> Result<Plant, Failure> {
        do throws(LayoutError) {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw .fileNotFound(path: path, referencedFrom: nil, line: nil)
            }
            guard !isDirectory.boolValue else {
                throw .unsupportedFile(path: path, message: "is a folder; give a plant.yaml or a model file")
            }
            let start = ContinuousClock.now
            var plant: Plant
            if Self.isManifest(path) {
                // The model files import while the manifest is read: each starts the moment its
                // path is known (a worker process started even before that).
                let session = ImportSession(importer)
                defer { session.cancel() }
                let manifest = try PlantManifest.load(path: path, onModelFile: session.start)
                if let refusal = refusing(manifest) { return .failure(.refused(refusal)) }
                let manifestSeconds = (ContinuousClock.now - start).seconds
                plant = try load(manifest: manifest, session: session, since: start, manifestSeconds: manifestSeconds)
            } else {
                if let refusal = refusing(nil) { return .failure(.refused(refusal)) }
                plant = try loadBareModel(path: path)
            }
            plant.report.processSeconds = max(0, (ContinuousClock.now - start).seconds - plant.report.parseSeconds)
            return .success(plant)
        } catch {
            return .failure(.layout(error))
        }
    }

    /// Loads the model files of a checked manifest and binds its entities.
    public func load(manifest: PlantManifest) throws(LayoutError) -> Plant {
        let session = ImportSession(importer)
        defer { session.cancel() }
        return try load(manifest: manifest, session: session, since: ContinuousClock.now, manifestSeconds: 0)
    }

    /// Binds the scenes `session` imports (it started at `since`, the manifest took
    /// `manifestSeconds` of the time since then).
    private func load(manifest: PlantManifest, session: ImportSession, since sessionStart: ContinuousClock.Instant,
                      manifestSeconds: Double) throws(LayoutError) -> Plant {
        var builder = PlantBuilder(name: manifest.name, source: manifest.file)
        // Every distinct file once, all at the same time; the results are placed in manifest order.
        var distinct: [String] = []
        for model in manifest.models where !distinct.contains(model.path) { distinct.append(model.path) }
        let imported = session.results(for: distinct)
        let importSeconds = (ContinuousClock.now - sessionStart).seconds
        var ranges: [String: ImportedSceneRange] = [:]
        for (index, model) in manifest.models.enumerated() {
            if ranges[model.path] == nil {
                let scene: ImportedScene
                do {
                    scene = try imported[distinct.firstIndex(of: model.path)!].get()
                } catch {
                    let field = model.id.hasPrefix("agv:") ? "AGV \(model.id.dropFirst(4)).model" : "models[\(index)].file"
                    throw Self.attribute(error, to: manifest.file, line: model.line, field: field)
                }
                ranges[model.path] = builder.addMeshes(of: scene)
            }
            builder.place(ranges[model.path]!, id: model.id, path: model.path, transform: model.transform)
        }
        // Workers run side by side: Assimp's share of the wall time is the longest parse. The
        // import ran beside the manifest; what its wall time holds beyond the parse and the
        // manifest is its own cost that the overlap did not hide.
        let longestParse = imported.compactMap { try? $0.get().parseSeconds }.max() ?? 0
        builder.report.manifestSeconds = manifestSeconds
        builder.report.importOverheadSeconds = max(0, importSeconds - longestParse - manifestSeconds)
        builder.report.parseSeconds = longestParse
        let index = builder.pathIndex()
        for declaration in manifest.entities {
            var node: Int?
            switch declaration.binding {
            case .node(let path):
                let matches = index[path] ?? []
                guard matches.count == 1 else {
                    let message = matches.isEmpty
                        ? "unknown node path '\(path)'\(Self.suggestion(for: path, in: index.keys))"
                        : "node path '\(path)' names \(matches.count) nodes; rename them in the model so that the path is unique"
                    throw .manifest(file: manifest.file, line: declaration.line, field: "\(declaration.category.rawValue) \(declaration.id).node",
                                    message: message)
                }
                node = matches[0]
            case .model(let id):
                node = builder.models.first { $0.id == id }?.rootNode
            case .none:
                node = nil
            }
            var entity = Entity(
                id: declaration.id, category: declaration.category, kind: declaration.kind, node: node,
                footprint: declaration.footprint, pose: declaration.pose, manufacturer: declaration.manufacturer,
                serialNumber: declaration.serialNumber, line: declaration.line)
            entity.margin = declaration.margin
            entity.load = declaration.load
            entity.referenceOffset = declaration.referenceOffset
            entity.networkNodes = declaration.networkNodes
            entity.serviceAreas = declaration.serviceAreas
            entity.links = declaration.links
            entity.docks = declaration.docks
            entity.cycleSeconds = declaration.cycleSeconds
            entity.drive = declaration.drive
            entity.loadTypes = declaration.loadTypes
            builder.entities.append(entity)
        }
        var plant = builder.finish()
        plant.network = manifest.network
        plant.routes = manifest.routes
        plant.zones = manifest.zones
        plant.cameras = manifest.cameras
        plant.stateColors = manifest.stateColors
        plant.sketchedObstacles = manifest.obstacles
        plant.doors = manifest.doors
        plant.cranes = manifest.cranes
        plant.defaultMargin = manifest.defaultMargin
        plant.rules = manifest.rules
        plant.sync = manifest.sync
        plant.lines = manifest.lines
        plant.calendar = manifest.calendar
        return plant
    }

    /// A model file as a plant: one model placed at the origin, its top-level named nodes as
    /// entities, their category guessed from their names.
    func loadBareModel(path: String) throws(LayoutError) -> Plant {
        let importStart = ContinuousClock.now
        let scene = try importer.importScene(at: path)
        let importSeconds = (ContinuousClock.now - importStart).seconds
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        var builder = PlantBuilder(name: name, source: path)
        builder.report.importOverheadSeconds = importSeconds - scene.parseSeconds
        builder.report.parseSeconds = scene.parseSeconds
        let range = builder.addMeshes(of: scene)
        builder.place(range, id: name, path: path, transform: .identity)
        let root = builder.models[0].rootNode
        var children: [Int: [Int]] = [:]
        for (i, node) in builder.nodes.enumerated() { if let parent = node.parent { children[parent, default: []].append(i) } }
        var seen = Set<String>()
        for i in children[root] ?? [] where !builder.nodes[i].name.isEmpty {
            let node = builder.nodes[i]
            // A group of entities ("Machines", "Conveyors", "RackGroup"): a node without meshes of
            // its own whose name is a plural or says group, over two or more named children. Its
            // children are the entities, their category guessed from their names, else the group's.
            let named = (children[i] ?? []).filter { !builder.nodes[$0].name.isEmpty }
            if node.meshes.isEmpty && named.count >= 2 && Self.namesAGroup(node.name) {
                let groupCategory = EntityCategory.guess(fromName: node.name)
                for c in named where seen.insert(builder.nodes[c].name).inserted {
                    let own = EntityCategory.guess(fromName: builder.nodes[c].name)
                    builder.entities.append(Entity(id: builder.nodes[c].name, category: own == .object ? groupCategory : own, node: c))
                }
                continue
            }
            guard seen.insert(node.name).inserted else { continue }
            builder.entities.append(Entity(id: node.name, category: EntityCategory.guess(fromName: node.name), node: i))
        }
        return builder.finish()
    }

    /// Whether a node name names a group of things: a plural ("Machines", "AGVs", "Walls") or a
    /// name with "group" in it.
    static func namesAGroup(_ name: String) -> Bool {
        let lower = name.lowercased()
        if lower.contains("group") { return true }
        guard lower.count > 3, lower.hasSuffix("s"), !lower.hasSuffix("ss") else { return false }
        // Plurals, not names that end in s by themselves ("Press", "Bus" are caught above or short).
        return lower.last(where: { $0.isLetter }) == "s" && !lower.hasSuffix("us") && !lower.hasSuffix("is")
    }

    /// Puts a manifest's file and line on an import error about one of its model files.
    static func attribute(_ error: LayoutError, to manifest: String, line: Int?, field: String) -> LayoutError {
        switch error {
        case .fileNotFound(let path, _, _):
            return .fileNotFound(path: path, referencedFrom: manifest, line: line)
        case .importFailed, .importAborted, .unsupportedFile, .manifest, .order:
            return .manifest(file: manifest, line: line, field: field, message: error.description)
        }
    }

    static func suggestion(for path: String, in paths: Dictionary<String, [Int]>.Keys) -> String {
        let last = path.split(separator: "/").last.map(String.init) ?? path
        let candidates = paths.filter { $0.hasSuffix("/" + last) }.sorted().prefix(3)
        return candidates.isEmpty ? "" : " (did you mean \(candidates.map { "'\($0)'" }.joined(separator: ", "))?)"
    }
}

extension EntityCategory {
    /// A category for a node name of a bare model file: AGV-3 is an AGV, Rack_B2 a rack, and
    /// so on; names that say nothing make an `object`.
    public static func guess(fromName name: String) -> EntityCategory {
        let lower = name.lowercased()
        let rules: [(EntityCategory, [String])] = [
            (.agv, ["agv", "amr", "forklift", "tugger"]),
            (.conveyor, ["conveyor", "belt"]),
            (.rack, ["rack", "shelf", "shelving"]),
            (.station, ["station", "charger", "charging", "dock"]),
            (.structure, ["wall", "floor", "column", "pillar", "roof", "building", "hall", "door"]),
            (.machine, ["machine", "cnc", "press", "robot", "lathe", "mill", "cell", "oven", "welder", "molding"]),
        ]
        for (category, words) in rules where words.contains(where: { lower.contains($0) }) {
            return category
        }
        return .object
    }
}

/// The meshes of one imported file within the plant's mesh table, and the file's nodes.
struct ImportedSceneRange {
    var meshOffset: Int
    var nodes: [ImportedScene.Node]
}

/// Accumulates placed models into a plant.
struct PlantBuilder {
    var name: String
    var source: String
    var models: [Plant.Model] = []
    var nodes: [Plant.Node] = []
    var meshes: [Plant.Mesh] = []
    var entities: [Entity] = []
    var report = LoadReport()

    init(name: String, source: String) {
        self.name = name
        self.source = source
    }

    /// Cleans a file's meshes (degenerate triangles out, normals where missing) and adds them.
    mutating func addMeshes(of scene: ImportedScene) -> ImportedSceneRange {
        let start = ContinuousClock.now
        defer { report.cleanSeconds += (ContinuousClock.now - start).seconds }
        report.filesRead += 1
        report.nonTriangleFaces += scene.skippedNonTriangleFaces
        let offset = meshes.count
        for mesh in scene.meshes {
            var geometry = mesh.geometry
            report.degenerateTriangles += geometry.removeDegenerateTriangles()
            if geometry.normals.count != geometry.positions.count {
                geometry.generateNormals()
                report.meshesWithGeneratedNormals += 1
            }
            meshes.append(Plant.Mesh(name: mesh.name, geometry: geometry, baseColor: mesh.baseColor))
        }
        return ImportedSceneRange(meshOffset: offset, nodes: scene.nodes)
    }

    /// Places a file's node hierarchy with `transform`, naming its nodes under `id`.
    mutating func place(_ range: ImportedSceneRange, id: String, path: String, transform: Matrix4x4) {
        let modelIndex = models.count
        let base = nodes.count
        models.append(Plant.Model(id: id, path: path, rootNode: base))
        for node in range.nodes {
            let parent = node.parent >= 0 ? base + Int(node.parent) : nil
            let parentTransform = parent.map { nodes[$0].worldTransform } ?? transform
            let nodePath = parent.map { "\(nodes[$0].path)/\(node.name)" } ?? id
            nodes.append(Plant.Node(path: nodePath, name: node.name, parent: parent,
                                    worldTransform: parentTransform * node.localTransform,
                                    meshes: node.meshes.map { range.meshOffset + Int($0) }, model: modelIndex))
        }
    }

    func pathIndex() -> [String: [Int]] {
        var index: [String: [Int]] = [:]
        for (i, node) in nodes.enumerated() { index[node.path, default: []].append(i) }
        return index
    }

    /// The finished plant, with exact bounds over every drawn vertex.
    func finish() -> Plant {
        let start = ContinuousClock.now
        var bounds = BoundingBox.empty
        for node in nodes where !node.meshes.isEmpty {
            let m = node.worldTransform
            for meshIndex in node.meshes {
                meshes[meshIndex].geometry.positions.withUnsafeBufferPointer { positions in
                    var lo = SIMD3<Double>(repeating: .infinity), hi = SIMD3<Double>(repeating: -.infinity)
                    for p in positions {
                        let w = m.transformPoint(SIMD3<Double>(p))
                        guard w.isFinite else { continue }
                        lo = pointwiseMin(lo, w)
                        hi = pointwiseMax(hi, w)
                    }
                    if lo.x <= hi.x { bounds.add(BoundingBox(min: lo, max: hi)) }
                }
            }
        }
        var report = report
        report.flattenSeconds = (ContinuousClock.now - start).seconds
        return Plant(name: name, source: source, models: models, nodes: nodes, meshes: meshes, entities: entities,
                     network: AGVNetwork(), routes: [], zones: [], cameras: [], bounds: bounds, report: report)
    }
}
