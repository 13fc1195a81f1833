import Foundation
import TwinGeometry

/// The binary form in which an import worker hands an `ImportedScene` to its parent process:
/// a header, then each array as raw little-endian bytes, so that reading it back is a few
/// memory copies rather than a parse.
enum SceneArchive {
    static let magic: UInt32 = 0x4353_5754 // "TWSC"
    static let version: UInt32 = 1

    static func encode(_ scene: ImportedScene) -> [UInt8] {
        var w = ByteWriter()
        w.put(magic); w.put(version)
        w.put(scene.parseSeconds)
        w.put(UInt64(scene.skippedNonTriangleFaces))
        w.put(UInt64(scene.nodes.count))
        for node in scene.nodes {
            w.put(node.name)
            w.put(node.parent)
            w.putArray(node.localTransform.columnMajor)
            w.putArray(node.meshes)
        }
        w.put(UInt64(scene.meshes.count))
        for mesh in scene.meshes {
            w.put(mesh.name)
            w.put(mesh.baseColor)
            w.put(UInt8(mesh.hadNormals ? 1 : 0))
            w.putArray(mesh.geometry.positions)
            w.putArray(mesh.geometry.normals)
            w.putArray(mesh.geometry.indices)
        }
        return w.bytes
    }

    struct Malformed: Error {}

    static func decode(_ data: Data) throws -> ImportedScene {
        try data.withUnsafeBytes { raw throws -> ImportedScene in
            var r = ByteReader(raw)
            guard try r.get(UInt32.self) == magic, try r.get(UInt32.self) == version else { throw Malformed() }
            let parseSeconds = try r.get(Double.self)
            let skipped = Int(try r.get(UInt64.self))
            let nodeCount = Int(try r.get(UInt64.self))
            guard nodeCount <= raw.count else { throw Malformed() }
            var nodes: [ImportedScene.Node] = []
            nodes.reserveCapacity(nodeCount)
            for _ in 0..<nodeCount {
                let name = try r.getString()
                let parent = try r.get(Int32.self)
                let m: [Double] = try r.getArray()
                guard m.count == 16 else { throw Malformed() }
                let transform = Matrix4x4(columns: SIMD4(m[0], m[1], m[2], m[3]), SIMD4(m[4], m[5], m[6], m[7]),
                                          SIMD4(m[8], m[9], m[10], m[11]), SIMD4(m[12], m[13], m[14], m[15]))
                nodes.append(ImportedScene.Node(name: name, parent: parent, localTransform: transform, meshes: try r.getArray()))
            }
            let meshCount = Int(try r.get(UInt64.self))
            guard meshCount <= raw.count else { throw Malformed() }
            var meshes: [ImportedScene.Mesh] = []
            meshes.reserveCapacity(meshCount)
            for _ in 0..<meshCount {
                let name = try r.getString()
                let color = try r.get(SIMD4<Float>.self)
                let hadNormals = try r.get(UInt8.self) != 0
                let geometry = TriangleMesh(positions: try r.getArray(), normals: try r.getArray(), indices: try r.getArray())
                meshes.append(ImportedScene.Mesh(name: name, geometry: geometry, baseColor: color, hadNormals: hadNormals))
            }
            return ImportedScene(nodes: nodes, meshes: meshes, skippedNonTriangleFaces: skipped, parseSeconds: parseSeconds)
        }
    }
}

/// Appends plain values and arrays of plain values as raw bytes.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    mutating func put<T: BitwiseCopyable>(_ value: T) {
        withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
    }

    mutating func put(_ string: String) {
        putArray(Array(string.utf8))
    }

    mutating func putArray<T: BitwiseCopyable>(_ array: [T]) {
        put(UInt64(array.count))
        array.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }
}

/// Reads what `ByteWriter` wrote, checking every length against what is left.
struct ByteReader {
    private let raw: UnsafeRawBufferPointer
    private var offset = 0

    init(_ raw: UnsafeRawBufferPointer) { self.raw = raw }

    mutating func get<T: BitwiseCopyable>(_: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        guard offset + size <= raw.count else { throw SceneArchive.Malformed() }
        defer { offset += size }
        return raw.loadUnaligned(fromByteOffset: offset, as: T.self)
    }

    mutating func getArray<T: BitwiseCopyable>() throws -> [T] {
        let count = Int(try get(UInt64.self))
        let stride = MemoryLayout<T>.stride
        guard count >= 0, count <= (raw.count - offset) / max(stride, 1) else { throw SceneArchive.Malformed() }
        let start = offset
        offset += count * stride
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(
                from: UnsafeRawBufferPointer(rebasing: raw[start..<(start + count * stride)]))
            initialized = count
        }
    }

    mutating func getString() throws -> String {
        let utf8: [UInt8] = try getArray()
        return String(decoding: utf8, as: UTF8.self)
    }
}
