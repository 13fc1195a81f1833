import CAssimp
import Foundation
import TwinGeometry

/// Reads a model file through Assimp's C API into an `ImportedScene`, in this process.
///
/// Assimp can crash or exhaust memory on a hostile file; programs that load files they did not
/// write should go through `SceneImporter` with a worker process instead.
public enum AssimpImporter {
    /// The post-processing Assimp applies: triangulation only. Everything else (normals where
    /// missing, degenerate triangles, transforms) is done here, where it is measured and reported.
    static let postProcessFlags = UInt32(aiProcess_Triangulate.rawValue)

    /// The Assimp version string, e.g. "5.2.4".
    public static var version: String {
        "\(aiGetVersionMajor()).\(aiGetVersionMinor()).\(aiGetVersionPatch())"
    }

    /// Imports `path`; throws `LayoutError.importFailed` with Assimp's message when it refuses it.
    public static func importScene(at path: String) throws(LayoutError) -> ImportedScene {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .fileNotFound(path: path, referencedFrom: nil, line: nil)
        }
        let start = ContinuousClock.now
        guard let scene = aiImportFile(path, postProcessFlags) else {
            let message = String(cString: aiGetErrorString())
            throw .importFailed(file: path, message: message.isEmpty ? "unknown error" : message)
        }
        defer { aiReleaseImport(scene) }
        let parseSeconds = (ContinuousClock.now - start).seconds
        if scene.pointee.mFlags & UInt32(AI_SCENE_FLAGS_INCOMPLETE) != 0 && scene.pointee.mNumMeshes == 0 {
            throw .importFailed(file: path, message: "the file holds no complete scene")
        }
        guard let root = scene.pointee.mRootNode else {
            throw .importFailed(file: path, message: "the file has no root node")
        }
        var result = ImportedScene(nodes: [], meshes: [], parseSeconds: parseSeconds)
        let materials = readMaterialColors(scene.pointee)
        let meshCount = Int(scene.pointee.mNumMeshes)
        for m in 0..<meshCount {
            guard let meshPointer = scene.pointee.mMeshes[m] else {
                throw .importFailed(file: path, message: "mesh \(m) is missing")
            }
            let (mesh, skipped) = readMesh(meshPointer.pointee, materials: materials)
            result.meshes.append(mesh)
            result.skippedNonTriangleFaces += skipped
        }
        try readNodes(root, parent: -1, meshCount: UInt32(meshCount), into: &result.nodes, file: path)
        return result
    }

    private static func string(_ s: aiString) -> String {
        withUnsafePointer(to: s) { pointer in
            let length = Int(twin_ai_string_length(pointer))
            let data = twin_ai_string_data(pointer)!
            return data.withMemoryRebound(to: UInt8.self, capacity: length) {
                String(decoding: UnsafeBufferPointer(start: $0, count: min(length, 1023)), as: UTF8.self)
            }
        }
    }

    private static func readMaterialColors(_ scene: aiScene) -> [SIMD4<Float>] {
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
            let clamped = simd_clamp01(rgba)
            return clamped
        }
    }

    private static func simd_clamp01(_ v: SIMD4<Float>) -> SIMD4<Float> {
        var c = v
        for i in 0..<4 { c[i] = c[i].isFinite ? min(max(c[i], 0), 1) : 1 }
        return c
    }

    private static func readMesh(_ mesh: aiMesh, materials: [SIMD4<Float>]) -> (ImportedScene.Mesh, Int) {
        let vertexCount = Int(mesh.mNumVertices)
        var positions = [SIMD3<Float>](repeating: .zero, count: vertexCount)
        var normals: [SIMD3<Float>] = []
        if let source = mesh.mVertices {
            positions.withUnsafeMutableBufferPointer { out in
                for i in 0..<vertexCount {
                    let v = source[i]
                    out[i] = SIMD3(Float(v.x), Float(v.y), Float(v.z))
                }
            }
        }
        let hadNormals = mesh.mNormals != nil
        if let source = mesh.mNormals {
            normals = [SIMD3<Float>](repeating: .zero, count: vertexCount)
            normals.withUnsafeMutableBufferPointer { out in
                for i in 0..<vertexCount {
                    let n = source[i]
                    out[i] = SIMD3(Float(n.x), Float(n.y), Float(n.z))
                }
            }
        }
        var indices: [UInt32] = []
        indices.reserveCapacity(Int(mesh.mNumFaces) * 3)
        var skipped = 0
        if let faces = mesh.mFaces {
            for f in 0..<Int(mesh.mNumFaces) {
                let face = faces[f]
                guard face.mNumIndices == 3, let idx = face.mIndices else {
                    skipped += 1
                    continue
                }
                indices.append(idx[0]); indices.append(idx[1]); indices.append(idx[2])
            }
        }
        var geometry = TriangleMesh(positions: positions, normals: normals, indices: indices)
        let material = Int(mesh.mMaterialIndex)
        let color = material < materials.count ? materials[material] : SIMD4<Float>(0.8, 0.8, 0.8, 1)
        if !hadNormals { geometry.normals = [] }
        return (ImportedScene.Mesh(name: string(mesh.mName), geometry: geometry, baseColor: color, hadNormals: hadNormals),
                skipped)
    }

    /// Reads the hierarchy depth first, parents before children. Assimp rejects recursive
    /// glTF nodes itself; the depth limit guards against any other cycle or absurd nesting.
    private static func readNodes(_ root: UnsafeMutablePointer<aiNode>, parent: Int32, meshCount: UInt32,
                                  into nodes: inout [ImportedScene.Node], file: String) throws(LayoutError) {
        var stack: [(UnsafeMutablePointer<aiNode>, Int32, Int)] = [(root, parent, 0)]
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
                for i in 0..<Int(node.mNumMeshes) where list[i] < meshCount { meshes.append(list[i]) }
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
    }
}

extension Duration {
    /// The duration in seconds as a Double.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
