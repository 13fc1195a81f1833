import Foundation
import TwinGeometry

/// The binary form in which an import worker hands a parsed scene to its parent process, through
/// an unlinked memory file. The worker writes each mesh's vertices and normals with one `pwrite`
/// straight from Assimp's memory (its indices gathered from Assimp's faces first); the parent reads
/// them with `pread` into the arrays it returns. Either side touches each byte once, with no
/// mapping to populate and no zeroed pages in between; a file system that fills up says so in the
/// write (ENOSPC) instead of a bus error on a mapped page.
///
/// Layout (little-endian, as the machine that wrote it): a header (magic, version, the header's
/// length, parse seconds, skipped faces; nodes (name, parent, 16 doubles column-major, mesh
/// indices); meshes (name, RGBA, has-normals, vertex and index counts, where its arrays start
/// after the header)), padded to 16 bytes, then the arrays: per mesh packed xyz floats for the
/// positions and the normals, and uint32 indices.
enum SceneArchive {
    static let magic: UInt32 = 0x4353_5754 // "TWSC"
    static let version: UInt32 = 3
    /// A header longer than this is not one the worker wrote.
    static let headerLimit = 1 << 30

    struct Malformed: Error {}

    /// The file system has no room for the archive (a full /dev/shm): `bytes` were needed.
    struct NoSpace: Error { var bytes: Int }

    /// A face of the scene breaks what Assimp's validation demands: `message` says which, in its words.
    struct Invalid: Error { var message: String }

    /// Writes `view` to `path`.
    static func write(_ view: AssimpSceneView, to path: String) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw Malformed() }
        defer { close(fd) }
        try write(view, toDescriptor: fd)
    }

    /// Writes `view` into the open file `fd`, from offset 0.
    static func write(_ view: AssimpSceneView, toDescriptor fd: Int32) throws {
        var header = ArchiveSink()
        header.put(magic); header.put(version)
        header.put(UInt64(0)) // the header's length, filled in below
        header.put(view.parseSeconds)
        header.put(UInt64(view.skippedNonTriangleFaces))
        header.put(UInt64(view.nodes.count))
        for node in view.nodes {
            header.put(node.name)
            header.put(node.parent)
            for v in node.localTransform.columnMajor { header.put(v) }
            header.put(UInt64(node.meshes.count))
            for m in node.meshes { header.put(m) }
        }
        header.put(UInt64(view.meshes.count))
        var offsets: [Int] = []
        var dataBytes = 0
        for mesh in view.meshes {
            let arrays = (mesh.vertices != nil ? mesh.vertexCount * 12 * (mesh.normals != nil ? 2 : 1) : 0) + mesh.triangleCount * 12
            header.put(mesh.name)
            header.put(mesh.baseColor)
            header.put(UInt8(mesh.normals != nil ? 1 : 0))
            header.put(UInt64(mesh.vertices != nil ? mesh.vertexCount : 0))
            header.put(UInt64(mesh.triangleCount * 3))
            header.put(UInt64(dataBytes))
            offsets.append(dataBytes)
            dataBytes += (arrays + 15) & ~15
        }
        header.align(to: 16)
        let headerBytes = header.bytes.count
        header.patch(UInt64(headerBytes), at: 8)
        guard ftruncate(fd, 0) == 0 else { throw Malformed() }
        var failures = [Int32](repeating: 0, count: view.meshes.count)
        var problems = [String?](repeating: nil, count: view.meshes.count)
        var headerError = header.bytes.withUnsafeBytes { writeAll(fd, $0.baseAddress!, count: $0.count, at: 0) }
        if headerError == 0 {
            // Mesh by mesh on all cores: gathering Assimp's faces (one small allocation each) is most
            // of the work; the file system serializes the writes themselves.
            let meshes = view.meshes
            failures.withUnsafeMutableBufferPointer { failures in
                problems.withUnsafeMutableBufferPointer { problems in
                    parallelFor(meshes.count) { m in
                        let mesh = meshes[m]
                        var at = headerBytes + offsets[m]
                        if let vertices = mesh.vertices {
                            failures[m] = writeAll(fd, vertices, count: mesh.vertexCount * 12, at: at)
                            at += mesh.vertexCount * 12
                            if failures[m] == 0, let normals = mesh.normals {
                                failures[m] = writeAll(fd, normals, count: mesh.vertexCount * 12, at: at)
                                at += mesh.vertexCount * 12
                            }
                        }
                        let indexCount = mesh.triangleCount * 3
                        guard failures[m] == 0, indexCount > 0 else { return }
                        let gathered = UnsafeMutablePointer<UInt32>.allocate(capacity: indexCount)
                        defer { gathered.deallocate() }
                        if let problem = mesh.gatherIndices(into: gathered) {
                            problems[m] = problem
                        } else {
                            failures[m] = writeAll(fd, gathered, count: indexCount * 4, at: at)
                        }
                    }
                }
            }
        }
        if let problem = problems.first(where: { $0 != nil }) { throw Invalid(message: "Validation failed: " + problem!) }
        if headerError == 0 { headerError = failures.first(where: { $0 != 0 }) ?? 0 }
        if headerError == ENOSPC || headerError == EFBIG || headerError == EDQUOT { throw NoSpace(bytes: headerBytes + dataBytes) }
        guard headerError == 0 else { throw Malformed() }
    }

    /// Writes `count` bytes at `offset`, however many calls it takes; the errno of a failure, or 0.
    private static func writeAll(_ fd: Int32, _ source: UnsafeRawPointer, count: Int, at offset: Int) -> Int32 {
        var done = 0
        while done < count {
            let n = pwrite(fd, source + done, min(count - done, 1 << 30), off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return n == 0 ? ENOSPC : errno }
            done += n
        }
        return 0
    }

    /// Reads exactly `count` bytes at `offset` into `target`.
    private static func readAll(_ fd: Int32, _ target: UnsafeMutableRawPointer, count: Int, at offset: Int) -> Bool {
        var done = 0
        while done < count {
            let n = pread(fd, target + done, min(count - done, 1 << 30), off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            done += n
        }
        return true
    }

    /// Reads the archive at `path` into an `ImportedScene`.
    static func read(path: String) throws -> ImportedScene {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Malformed() }
        defer { close(fd) }
        return try read(descriptor: fd)
    }

    /// Reads the archive in the open file `fd`: the header at once, then every array straight into
    /// the Swift array it ends in, the arrays on all cores.
    static func read(descriptor fd: Int32) throws -> ImportedScene {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size >= 16 else { throw Malformed() }
        let size = Int(info.st_size)
        var prefix = [UInt8](repeating: 0, count: 16)
        guard prefix.withUnsafeMutableBytes({ readAll(fd, $0.baseAddress!, count: 16, at: 0) }) else { throw Malformed() }
        let (headMagic, headVersion, headerLength) = prefix.withUnsafeBytes {
            ($0.loadUnaligned(fromByteOffset: 0, as: UInt32.self), $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self),
             $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
        guard headMagic == magic, headVersion == version, headerLength >= 16, headerLength <= UInt64(min(size, headerLimit)) else { throw Malformed() }
        let headerBytes = Int(headerLength)
        var header = [UInt8](repeating: 0, count: headerBytes)
        guard header.withUnsafeMutableBytes({ readAll(fd, $0.baseAddress!, count: headerBytes, at: 0) }) else { throw Malformed() }
        return try header.withUnsafeBytes { raw throws -> ImportedScene in
            try decode(header: raw, descriptor: fd, fileSize: size)
        }
    }

    private static func decode(header raw: UnsafeRawBufferPointer, descriptor fd: Int32, fileSize: Int) throws -> ImportedScene {
        var r = ArchiveReader(raw)
        _ = try r.get(UInt32.self); _ = try r.get(UInt32.self); _ = try r.get(UInt64.self)
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
        // Every mesh's header and where its arrays lie, checked against the file's end.
        struct Located {
            var name: String, color: SIMD4<Float>, hadNormals: Bool, vertexCount: Int, indexCount: Int, offset: Int
        }
        var located: [Located] = []
        located.reserveCapacity(meshCount)
        for _ in 0..<meshCount {
            let name = try r.getString()
            let color = try r.get(SIMD4<Float>.self)
            let hadNormals = try r.get(UInt8.self) != 0
            let vertexCount = try r.count(atMost: fileSize / 12)
            let indexCount = try r.count(atMost: fileSize / 4)
            let offset = try r.count(atMost: fileSize)
            let bytes = vertexCount * 12 * (hadNormals ? 2 : 1) + indexCount * 4
            guard raw.count + offset + bytes <= fileSize else { throw Malformed() }
            located.append(Located(name: name, color: color, hadNormals: hadNormals, vertexCount: vertexCount,
                                   indexCount: indexCount, offset: raw.count + offset))
        }
        // Three arrays per mesh, each read by one task: positions, normals, indices.
        var positions = [[SIMD3<Float>]](repeating: [], count: meshCount)
        var normals = [[SIMD3<Float>]](repeating: [], count: meshCount)
        var indices = [[UInt32]](repeating: [], count: meshCount)
        var failed = [Bool](repeating: false, count: 3 * meshCount)
        positions.withUnsafeMutableBufferPointer { positions in
            normals.withUnsafeMutableBufferPointer { normals in
                indices.withUnsafeMutableBufferPointer { indices in
                    failed.withUnsafeMutableBufferPointer { failed in
                        parallelFor(3 * meshCount) { task in
                            let mesh = located[task / 3]
                            switch task % 3 {
                            case 0:
                                positions[task / 3] = readPoints(fd, count: mesh.vertexCount, at: mesh.offset, failed: &failed[task])
                            case 1:
                                guard mesh.hadNormals else { return }
                                normals[task / 3] = readPoints(fd, count: mesh.vertexCount, at: mesh.offset + mesh.vertexCount * 12,
                                                               failed: &failed[task])
                            default:
                                let at = mesh.offset + mesh.vertexCount * 12 * (mesh.hadNormals ? 2 : 1)
                                indices[task / 3] = [UInt32](unsafeUninitializedCapacity: mesh.indexCount) { out, initialized in
                                    adviseHugePages(UnsafeMutableRawBufferPointer(out))
                                    if mesh.indexCount > 0 && !readAll(fd, out.baseAddress!, count: mesh.indexCount * 4, at: at) {
                                        failed[task] = true
                                        initialized = 0
                                    } else {
                                        initialized = mesh.indexCount
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard !failed.contains(true) else { throw Malformed() }
        let meshes = (0..<meshCount).map { m in
            ImportedScene.Mesh(name: located[m].name,
                               geometry: TriangleMesh(positions: positions[m], normals: normals[m], indices: indices[m]),
                               baseColor: located[m].color, hadNormals: located[m].hadNormals)
        }
        return ImportedScene(nodes: nodes, meshes: meshes, skippedNonTriangleFaces: skipped, parseSeconds: parseSeconds)
    }

    /// Reads `count` packed xyz floats at `offset` into `SIMD3<Float>`s, a block at a time through a
    /// buffer small enough to stay in cache.
    private static func readPoints(_ fd: Int32, count: Int, at offset: Int, failed: inout Bool) -> [SIMD3<Float>] {
        let block = 1 << 16
        let packed = UnsafeMutablePointer<Float>.allocate(capacity: 3 * min(max(count, 1), block))
        defer { packed.deallocate() }
        return [SIMD3<Float>](unsafeUninitializedCapacity: count) { out, initialized in
            adviseHugePages(UnsafeMutableRawBufferPointer(out))
            var done = 0
            while done < count {
                let n = min(block, count - done)
                guard readAll(fd, packed, count: n * 12, at: offset + done * 12) else {
                    failed = true
                    break
                }
                for i in 0..<n { out[done + i] = SIMD3(packed[3 * i], packed[3 * i + 1], packed[3 * i + 2]) }
                done += n
            }
            initialized = failed ? 0 : count
        }
    }
}

/// Appends plain values to a byte buffer: the archive's header.
struct ArchiveSink {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1 << 16) }

    mutating func put<T: BitwiseCopyable>(_ value: T) {
        withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
    }

    mutating func put(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            put(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func align(to alignment: Int) {
        while bytes.count % alignment != 0 { bytes.append(0) }
    }

    /// Overwrites the bytes at `offset` with `value`.
    mutating func patch<T: BitwiseCopyable>(_ value: T, at offset: Int) {
        withUnsafeBytes(of: value) { source in
            for (i, byte) in source.enumerated() { bytes[offset + i] = byte }
        }
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

    mutating func getString() throws -> String {
        let count = try self.count(atMost: raw.count)
        return String(decoding: UnsafeRawBufferPointer(start: try take(count), count: count), as: UTF8.self)
    }
}
