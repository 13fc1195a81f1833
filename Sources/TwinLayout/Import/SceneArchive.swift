import Foundation
import TwinGeometry

/// The binary form in which an import worker hands a parsed scene to its parent process. The
/// worker writes it straight from Assimp's memory into a memory-mapped file of the exact size;
/// the parent maps that file and copies each array once into the scene it returns.
///
/// Layout (little-endian, as the machine that wrote it): magic, version, parse seconds, skipped
/// faces; nodes (name, parent, 16 doubles column-major, mesh indices); meshes (name, RGBA,
/// has-normals, vertex and index counts, then 4-aligned packed xyz floats for positions and
/// normals, and uint32 indices).
enum SceneArchive {
    static let magic: UInt32 = 0x4353_5754 // "TWSC"
    static let version: UInt32 = 2

    struct Malformed: Error {}

    /// The file system has no room for the archive (a full /dev/shm): `bytes` were needed.
    struct NoSpace: Error { var bytes: Int }

    /// Writes `view` to `path`, sized exactly.
    static func write(_ view: AssimpSceneView, to path: String) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw Malformed() }
        defer { close(fd) }
        try write(view, toDescriptor: fd)
    }

    /// Writes `view` into the open file `fd`, sized exactly. The space is reserved first, so that
    /// a full file system (tmpfs) is an error here rather than a bus error when a mapped page is
    /// touched.
    static func write(_ view: AssimpSceneView, toDescriptor fd: Int32) throws {
        var counter = ArchiveSink(base: nil)
        encode(view, into: &counter)
        let size = counter.offset
        guard ftruncate(fd, 0) == 0 else { throw Malformed() }
        guard size > 0 else { return }
        let reserved = posix_fallocate(fd, 0, off_t(size))
        if reserved == ENOSPC || reserved == EFBIG { throw NoSpace(bytes: size) }
        guard reserved == 0 || ftruncate(fd, off_t(size)) == 0 else { throw Malformed() }
        // Populated up front: one call maps every page instead of one fault per page.
        guard let map = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0), map != MAP_FAILED else {
            throw Malformed()
        }
        defer { munmap(map, size) }
        var sink = ArchiveSink(base: map)
        encode(view, into: &sink)
        // The meshes' arrays, each at the offset the pass above gave it, on all cores: gathering
        // Assimp's faces (one small allocation each) is most of the encoding.
        let meshes = view.meshes, payloads = sink.payloads
        parallelFor(payloads.count) { k in
            let (m, offset) = payloads[k]
            let mesh = meshes[m]
            var at = map + offset
            if let vertices = mesh.vertices {
                at.copyMemory(from: vertices, byteCount: mesh.vertexCount * 12)
                at += mesh.vertexCount * 12
                if let normals = mesh.normals {
                    at.copyMemory(from: normals, byteCount: mesh.vertexCount * 12)
                    at += mesh.vertexCount * 12
                }
            }
            mesh.gatherIndices(into: at.assumingMemoryBound(to: UInt32.self))
        }
    }

    private static func encode(_ view: AssimpSceneView, into w: inout ArchiveSink) {
        w.put(magic); w.put(version)
        w.put(view.parseSeconds)
        w.put(UInt64(view.skippedNonTriangleFaces))
        w.put(UInt64(view.nodes.count))
        for node in view.nodes {
            w.put(node.name)
            w.put(node.parent)
            for v in node.localTransform.columnMajor { w.put(v) }
            w.put(UInt64(node.meshes.count))
            for m in node.meshes { w.put(m) }
        }
        w.put(UInt64(view.meshes.count))
        for (m, mesh) in view.meshes.enumerated() {
            w.put(mesh.name)
            w.put(mesh.baseColor)
            w.put(UInt8(mesh.normals != nil ? 1 : 0))
            w.put(UInt64(mesh.vertices != nil ? mesh.vertexCount : 0))
            w.put(UInt64(mesh.triangleCount * 3))
            w.alignTo4()
            // The arrays are left to write afterwards (see write(_:toDescriptor:)): their place only.
            w.reserve(mesh: m, bytes: (mesh.vertices != nil ? mesh.vertexCount * 12 * (mesh.normals != nil ? 2 : 1) : 0) + mesh.triangleCount * 12)
        }
    }

    /// Maps the archive at `path` and reads it into an `ImportedScene`.
    static func read(path: String) throws -> ImportedScene {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Malformed() }
        defer { close(fd) }
        return try read(descriptor: fd)
    }

    /// Maps the archive in the open file `fd` and reads it.
    static func read(descriptor fd: Int32) throws -> ImportedScene {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { throw Malformed() }
        let size = Int(info.st_size)
        guard let map = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), map != MAP_FAILED else { throw Malformed() }
        defer { munmap(map, size) }
        return try decode(UnsafeRawBufferPointer(start: map, count: size))
    }

    static func decode(_ raw: UnsafeRawBufferPointer) throws -> ImportedScene {
        var r = ArchiveReader(raw)
        guard try r.get(UInt32.self) == magic, try r.get(UInt32.self) == version else { throw Malformed() }
        let parseSeconds = try r.get(Double.self)
        let skipped = Int(try r.get(UInt64.self))
        let nodeCount = try r.count(atMost: raw.count)
        var nodes: [ImportedScene.Node] = []
        nodes.reserveCapacity(nodeCount)
        for _ in 0..<nodeCount {
            let name = try r.getString()
            let parent = try r.get(Int32.self)
            var m = [Double](repeating: 0, count: 16)
            for i in 0..<16 { m[i] = try r.get(Double.self) }
            let transform = Matrix4x4(columns: SIMD4(m[0], m[1], m[2], m[3]), SIMD4(m[4], m[5], m[6], m[7]),
                                      SIMD4(m[8], m[9], m[10], m[11]), SIMD4(m[12], m[13], m[14], m[15]))
            let meshCount = try r.count(atMost: raw.count)
            var meshes: [UInt32] = []
            meshes.reserveCapacity(meshCount)
            for _ in 0..<meshCount { meshes.append(try r.get(UInt32.self)) }
            guard parent >= -1, Int(parent) < nodes.count else { throw Malformed() }
            nodes.append(ImportedScene.Node(name: name, parent: parent, localTransform: transform, meshes: meshes))
        }
        let meshCount = try r.count(atMost: raw.count)
        // First every mesh's header and where its arrays lie (checked against the archive's end),
        // then the arrays copied out on all cores.
        struct Located {
            var name: String, color: SIMD4<Float>, hadNormals: Bool, vertexCount: Int, indexCount: Int
            var positions: UnsafeRawPointer, normals: UnsafeRawPointer?, indices: UnsafeRawPointer
        }
        var located: [Located] = []
        located.reserveCapacity(meshCount)
        for _ in 0..<meshCount {
            let name = try r.getString()
            let color = try r.get(SIMD4<Float>.self)
            let hadNormals = try r.get(UInt8.self) != 0
            let vertexCount = try r.count(atMost: raw.count / 12)
            let indexCount = try r.count(atMost: raw.count / 4)
            r.alignTo4()
            let positions = try r.take(vertexCount * 12)
            let normals = hadNormals ? try r.take(vertexCount * 12) : nil
            let indices = try r.take(indexCount * 4)
            located.append(Located(name: name, color: color, hadNormals: hadNormals, vertexCount: vertexCount, indexCount: indexCount,
                                   positions: positions, normals: normals, indices: indices))
        }
        var decoded = [ImportedScene.Mesh?](repeating: nil, count: meshCount)
        decoded.withUnsafeMutableBufferPointer { decoded in
            parallelFor(meshCount) { m in
                let mesh = located[m]
                let positions = AssimpSceneView.MeshView.unpack(mesh.positions, count: mesh.vertexCount)
                let normals = mesh.normals.map { AssimpSceneView.MeshView.unpack($0, count: mesh.vertexCount) } ?? []
                let indices = [UInt32](unsafeUninitializedCapacity: mesh.indexCount) { out, initialized in
                    adviseHugePages(UnsafeMutableRawBufferPointer(out))
                    if mesh.indexCount > 0 {
                        UnsafeMutableRawPointer(out.baseAddress!).copyMemory(from: mesh.indices, byteCount: mesh.indexCount * 4)
                    }
                    initialized = mesh.indexCount
                }
                decoded[m] = ImportedScene.Mesh(name: mesh.name, geometry: TriangleMesh(positions: positions, normals: normals, indices: indices),
                                                baseColor: mesh.color, hadNormals: mesh.hadNormals)
            }
        }
        let meshes = decoded.map { $0! }
        return ImportedScene(nodes: nodes, meshes: meshes, skippedNonTriangleFaces: skipped, parseSeconds: parseSeconds)
    }
}

/// Writes plain values at increasing offsets, or only counts the bytes when `base` is nil.
struct ArchiveSink {
    let base: UnsafeMutableRawPointer?
    private(set) var offset = 0

    init(base: UnsafeMutableRawPointer?) { self.base = base }

    mutating func put<T: BitwiseCopyable>(_ value: T) {
        if let base { withUnsafeBytes(of: value) { (base + offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) } }
        offset += MemoryLayout<T>.size
    }

    mutating func put(_ string: String) {
        let utf8 = Array(string.utf8)
        put(UInt64(utf8.count))
        utf8.withUnsafeBytes { putBytes($0.baseAddress, count: $0.count) }
    }

    mutating func putBytes(_ source: UnsafeRawPointer?, count: Int) {
        if let base, let source, count > 0 { (base + offset).copyMemory(from: source, byteCount: count) }
        offset += count
    }

    mutating func alignTo4() { offset = (offset + 3) & ~3 }

    /// Where each mesh's arrays go (mesh index, offset), written after the headers.
    private(set) var payloads: [(Int, Int)] = []

    mutating func reserve(mesh: Int, bytes: Int) {
        if base != nil { payloads.append((mesh, offset)) }
        offset += bytes
    }
}

/// Reads what `ArchiveSink` wrote, checking every length against what is left.
struct ArchiveReader {
    private let raw: UnsafeRawBufferPointer
    private var offset = 0

    init(_ raw: UnsafeRawBufferPointer) { self.raw = raw }

    mutating func get<T: BitwiseCopyable>(_: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        guard offset + size <= raw.count else { throw SceneArchive.Malformed() }
        defer { offset += size }
        return raw.loadUnaligned(fromByteOffset: offset, as: T.self)
    }

    /// A count that cannot exceed `limit` in a well-formed archive.
    mutating func count(atMost limit: Int) throws -> Int {
        let value = try get(UInt64.self)
        guard value <= UInt64(limit) else { throw SceneArchive.Malformed() }
        return Int(value)
    }

    mutating func take(_ count: Int) throws -> UnsafeRawPointer {
        guard count >= 0, offset + count <= raw.count else { throw SceneArchive.Malformed() }
        defer { offset += count }
        return raw.baseAddress! + offset
    }

    mutating func alignTo4() { offset = (offset + 3) & ~3 }

    mutating func getString() throws -> String {
        let count = try self.count(atMost: raw.count)
        return String(decoding: UnsafeRawBufferPointer(start: try take(count), count: count), as: UTF8.self)
    }
}
