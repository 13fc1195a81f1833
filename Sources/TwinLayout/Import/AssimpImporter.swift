import CAssimp
import Foundation
import TwinGeometry

/// Reads model files through Assimp's C API, in this process.
///
/// Assimp can crash or exhaust memory on a hostile file; programs that load files they did not
/// write should go through `SceneImporter` with a worker process instead.
public enum AssimpImporter {
    /// The post-processing Assimp applies: triangulation, and points and lines sorted into meshes
    /// of their own (left out of drawing). Everything else (normals where missing, degenerate
    /// triangles, transforms) is done here, where it is measured and reported.
    static let postProcessFlags = UInt32(aiProcess_Triangulate.rawValue | aiProcess_SortByPType.rawValue)

    /// The Assimp version string, e.g. "5.2.4".
    public static var version: String {
        "\(aiGetVersionMajor()).\(aiGetVersionMinor()).\(aiGetVersionPatch())"
    }

    /// Imports `path` into an `ImportedScene`; throws `LayoutError.importFailed` with Assimp's
    /// message when it refuses the file.
    public static func importScene(at path: String) throws(LayoutError) -> ImportedScene {
        try withScene(at: path) { view throws(LayoutError) in try view.importedScene(file: path) }
    }

    /// Whether Assimp can free a scene read from `path` without harm. Assimp 5.2's 3MF importer
    /// leaves scenes that its own aiReleaseImport frees twice (assimp issue 5328, fixed in 5.4):
    /// on such files `free(): invalid pointer` aborts the whole program. A 3MF scene read in this
    /// process is therefore left unfreed (3MF parts are small; the CLI's worker processes never
    /// free at all), so that no model file can end a program that uses the library.
    static func releaseIsSafe(_ path: String) -> Bool {
        let version = (aiGetVersionMajor(), aiGetVersionMinor())
        let fixed = version.0 > 5 || (version.0 == 5 && version.1 >= 4)
        return fixed || !path.lowercased().hasSuffix(".3mf")
    }

    /// Parses `path` and lends the parsed scene to `body`; the scene is released afterwards unless
    /// `release` is false (a worker about to exit need not spend time freeing it).
    static func withScene<R>(at path: String, release: Bool = true,
                             _ body: (AssimpSceneView) throws(LayoutError) -> R) throws(LayoutError) -> R {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .fileNotFound(path: path, referencedFrom: nil, line: nil)
        }
        let start = ContinuousClock.now
        guard let scene = aiImportFile(path, postProcessFlags) else {
            let message = String(validatingCString: aiGetErrorString()) ?? ""
            throw .importFailed(file: path, message: message.isEmpty ? "unknown error" : message)
        }
        // Freeing a large scene takes as long as a good part of parsing it: it happens on another
        // thread, off the caller's path (or not at all in a worker about to exit).
        defer { if release && Self.releaseIsSafe(path) { ParsedScene(scene).releaseInBackground() } }
        let parseSeconds = (ContinuousClock.now - start).seconds
        let view = try AssimpSceneView(scene: scene, parseSeconds: parseSeconds, file: path)
        return try body(view)
    }
}

/// Assimp's scene pointer, handed to the thread that frees it.
private struct ParsedScene: @unchecked Sendable {
    let scene: UnsafePointer<aiScene>
    init(_ scene: UnsafePointer<aiScene>) { self.scene = scene }

    func releaseInBackground() {
        DispatchQueue.global(qos: .utility).async { aiReleaseImport(scene) }
    }
}

/// A scene that Assimp has parsed, read in place: the hierarchy copied (it is small), the
/// meshes' arrays read straight from Assimp's memory by whoever consumes them.
struct AssimpSceneView {
    /// One of Assimp's meshes, not copied.
    struct MeshView {
        let name: String
        let vertexCount: Int
        /// Packed x, y, z floats (aiVector3D), vertexCount of them.
        let vertices: UnsafeRawPointer?
        let normals: UnsafeRawPointer?
        let faces: UnsafePointer<aiFace>?
        let faceCount: Int
        /// Faces with three corners; the rest are points and lines.
        let triangleCount: Int
        let baseColor: SIMD4<Float>

        /// Writes the triangles' indices (3 per triangle) into `out`, which holds `triangleCount * 3`,
        /// checking every face as Assimp's own validation would (no empty face, every index in range);
        /// returns what is wrong, in Assimp's words, or nil. Checking here, in the pass that reads
        /// the faces anyway, spares a second walk over every face of the scene.
        func gatherIndices(into out: UnsafeMutablePointer<UInt32>) -> String? {
            guard let faces else { return nil }
            let vertexCount = UInt32(self.vertexCount), capacity = triangleCount * 3
            var o = 0
            for f in 0..<faceCount {
                let face = faces[f]
                let n = Int(face.mNumIndices)
                guard n > 0, let idx = face.mIndices else { return "aiMesh::mFaces[\(f)].mNumIndices is 0 (mesh \(name))" }
                for i in 0..<n where idx[i] >= vertexCount {
                    return "aiMesh::mFaces[\(f)]::mIndices[\(i)] is out of range (mesh \(name) has \(vertexCount) vertices)"
                }
                guard n == 3 else { continue }
                // A mesh said to hold only triangles holds this many; a face beyond them is a lie.
                guard o + 3 <= capacity else { return "aiMesh::mFaces[\(f)] is not a triangle in a mesh of triangles (mesh \(name))" }
                out[o] = idx[0]; out[o + 1] = idx[1]; out[o + 2] = idx[2]
                o += 3
            }
            return o == capacity ? nil : "aiMesh::mFaces holds fewer triangles than its primitive types say (mesh \(name))"
        }

        /// Converts packed floats into `SIMD3<Float>`s.
        static func unpack(_ source: UnsafeRawPointer, count: Int) -> [SIMD3<Float>] {
            [SIMD3<Float>](unsafeUninitializedCapacity: count) { out, initialized in
                adviseHugePages(UnsafeMutableRawBufferPointer(out))
                let floats = source.assumingMemoryBound(to: Float.self)
                for i in 0..<count {
                    out[i] = SIMD3(floats[3 * i], floats[3 * i + 1], floats[3 * i + 2])
                }
                initialized = count
            }
        }
    }

    let parseSeconds: Double
    let nodes: [ImportedScene.Node]
    let meshes: [MeshView]

    init(scene: UnsafePointer<aiScene>, parseSeconds: Double, file: String) throws(LayoutError) {
        self.parseSeconds = parseSeconds
        guard let root = scene.pointee.mRootNode else {
            throw .importFailed(file: file, message: "the file has no root node")
        }
        let materials = Self.materialColors(scene.pointee)
        // Geometry is held to what Assimp's own ValidateDataStructure step demands of it, with its
        // words: a scene with meshes, meshes with vertices and faces, face indices in range, nodes
        // naming meshes that exist. (That step is not run itself: it also refuses files for what
        // does not touch geometry, such as two cameras with one name.)
        func invalid(_ message: String) -> LayoutError { .importFailed(file: file, message: "Validation failed: " + message) }
        if scene.pointee.mNumMeshes == 0 {
            throw invalid("aiScene::mNumMeshes is 0. At least one mesh must be there (the file holds no geometry Assimp can read)")
        }
        guard scene.pointee.mMeshes != nil else { throw invalid("aiScene::mMeshes is nullptr") }
        var meshes: [MeshView] = []
        for m in 0..<Int(scene.pointee.mNumMeshes) {
            guard let pointer = scene.pointee.mMeshes[m] else {
                throw .importFailed(file: file, message: "mesh \(m) is missing")
            }
            let mesh = pointer.pointee
            let faceCount = Int(mesh.mNumFaces)
            let meshName = mesh.mName.length == 0 ? "\(m)" : Self.string(mesh.mName)
            guard mesh.mNumVertices > 0, mesh.mVertices != nil else { throw invalid("The mesh \(meshName) contains no vertices") }
            guard faceCount > 0, let faces = mesh.mFaces else { throw invalid("Mesh \(meshName) contains no faces") }
            // A mesh of triangles alone (what Triangulate and SortByPType leave, nearly always)
            // has one per face; the faces themselves are checked when their indices are gathered.
            var triangles = faceCount
            if mesh.mPrimitiveTypes & 0xF != aiPrimitiveType_TRIANGLE.rawValue {
                triangles = 0
                for f in 0..<faceCount where faces[f].mNumIndices == 3 { triangles += 1 }
            }
            let material = Int(mesh.mMaterialIndex)
            meshes.append(MeshView(
                name: meshName, vertexCount: Int(mesh.mNumVertices),
                vertices: mesh.mVertices.map { UnsafeRawPointer($0) }, normals: mesh.mNormals.map { UnsafeRawPointer($0) },
                faces: mesh.mFaces.map { UnsafePointer($0) }, faceCount: faceCount, triangleCount: triangles,
                baseColor: material < materials.count ? materials[material] : SIMD4(0.8, 0.8, 0.8, 1)))
        }
        self.meshes = meshes
        nodes = try Self.readNodes(root, meshCount: UInt32(meshes.count), file: file)
    }

    var skippedNonTriangleFaces: Int { meshes.reduce(0) { $0 + $1.faceCount - $1.triangleCount } }

    /// The scene copied into Swift arrays; throws what Assimp's validation would say of a bad face.
    func importedScene(file: String) throws(LayoutError) -> ImportedScene {
        var problem: String?
        var converted: [ImportedScene.Mesh] = []
        converted.reserveCapacity(meshes.count)
        for m in meshes {
            let positions = m.vertices.map { MeshView.unpack($0, count: m.vertexCount) } ?? []
            let normals = m.normals.map { MeshView.unpack($0, count: m.vertexCount) } ?? []
            let indices = [UInt32](unsafeUninitializedCapacity: m.triangleCount * 3) { out, initialized in
                if m.triangleCount > 0 { problem = m.gatherIndices(into: out.baseAddress!) }
                initialized = problem == nil ? m.triangleCount * 3 : 0
            }
            if let problem { throw .importFailed(file: file, message: "Validation failed: " + problem) }
            converted.append(ImportedScene.Mesh(name: m.name, geometry: TriangleMesh(positions: positions, normals: normals, indices: indices),
                                                baseColor: m.baseColor, hadNormals: m.normals != nil))
        }
        return ImportedScene(nodes: nodes, meshes: converted, skippedNonTriangleFaces: skippedNonTriangleFaces,
                             parseSeconds: parseSeconds)
    }

    static func string(_ s: aiString) -> String {
        withUnsafePointer(to: s) { pointer in
            let length = min(Int(twin_ai_string_length(pointer)), 1023)
            return twin_ai_string_data(pointer)!.withMemoryRebound(to: UInt8.self, capacity: length) {
                String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
            }
        }
    }

    private static func materialColors(_ scene: aiScene) -> [SIMD4<Float>] {
        (0..<Int(scene.mNumMaterials)).map { i in
            guard let material = scene.mMaterials[i] else { return SIMD4(0.8, 0.8, 0.8, 1) }
            var color = aiColor4D()
            var rgba = SIMD4<Float>(0.8, 0.8, 0.8, 1)
            if twin_ai_material_color(material, "$clr.base", &color) != 0
                || twin_ai_material_color(material, "$clr.diffuse", &color) != 0 {
                rgba = SIMD4(Float(color.r), Float(color.g), Float(color.b), Float(color.a))
            }
            var opacity: Float = 1
            if twin_ai_material_float(material, "$mat.opacity", &opacity) != 0 { rgba.w = min(rgba.w, opacity) }
            for c in 0..<4 { rgba[c] = rgba[c].isFinite ? min(max(rgba[c], 0), 1) : 1 }
            return rgba
        }
    }

    /// Reads the hierarchy depth first, parents before children. Assimp rejects recursive
    /// glTF nodes itself; the depth limit guards against any other cycle or absurd nesting.
    private static func readNodes(_ root: UnsafeMutablePointer<aiNode>, meshCount: UInt32,
                                  file: String) throws(LayoutError) -> [ImportedScene.Node] {
        var nodes: [ImportedScene.Node] = []
        var stack: [(UnsafeMutablePointer<aiNode>, Int32, Int)] = [(root, -1, 0)]
        while let (pointer, parentIndex, depth) = stack.popLast() {
            guard depth < 1024, nodes.count < 10_000_000 else {
                throw .importFailed(file: file, message: "the node hierarchy is nested deeper than 1024 levels or holds too many nodes")
            }
            let node = pointer.pointee
            let t = node.mTransformation
            let transform = Matrix4x4(rowMajor: [t.a1, t.a2, t.a3, t.a4, t.b1, t.b2, t.b3, t.b4,
                                                 t.c1, t.c2, t.c3, t.c4, t.d1, t.d2, t.d3, t.d4].map { Double($0) })
            var meshes: [UInt32] = []
            if let list = node.mMeshes {
                for i in 0..<Int(node.mNumMeshes) {
                    guard list[i] < meshCount else {
                        throw .importFailed(file: file, message: "Validation failed: aiNode::mMeshes[\(i)] is out of range (maximum is \(meshCount - 1))")
                    }
                    meshes.append(list[i])
                }
            }
            let index = Int32(nodes.count)
            nodes.append(ImportedScene.Node(name: string(node.mName), parent: parentIndex,
                                            localTransform: transform, meshes: meshes))
            if let children = node.mChildren {
                for c in stride(from: Int(node.mNumChildren) - 1, through: 0, by: -1) {
                    if let child = children[c] { stack.append((child, index, depth + 1)) }
                }
            }
        }
        return nodes
    }
}

/// Asks the kernel to back a large, not yet touched buffer with 2 MiB pages: filling it then
/// costs one page fault per 2 MiB instead of one per 4 KiB. A hint only; harmless where refused.
func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
    #if os(Linux)
    let huge = 2 << 20
    guard buffer.count >= 2 * huge, let base = buffer.baseAddress else { return }
    let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
    let end = (Int(bitPattern: base) + buffer.count) & ~(huge - 1)
    if end > start { madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE) }
    #endif
}

