import TwinJSON
import Foundation
import TwinGeometry

/// A scene to write as binary glTF (.glb): named nodes in a hierarchy, meshes made of one
/// primitive per material, and materials with a base color. Meters, Y up, as glTF requires.
public struct GLTFDocument: Sendable {
    public struct Material: Sendable {
        public var name: String
        /// Linear RGBA, glTF's baseColorFactor.
        public var baseColor: SIMD4<Float>
        public var metallic: Float
        public var roughness: Float

        public init(name: String, baseColor: SIMD4<Float>, metallic: Float = 0, roughness: Float = 0.8) {
            self.name = name; self.baseColor = baseColor; self.metallic = metallic; self.roughness = roughness
        }
    }

    public struct Mesh: Sendable {
        public var name: String
        /// One primitive per material: (material index, triangles).
        public var primitives: [(material: Int, geometry: TriangleMesh)]

        public init(name: String, primitives: [(material: Int, geometry: TriangleMesh)]) {
            self.name = name; self.primitives = primitives
        }
    }

    public struct Node: Sendable {
        public var name: String
        public var transform: Matrix4x4
        public var mesh: Int?
        public var children: [Int]

        public init(name: String, transform: Matrix4x4 = .identity, mesh: Int? = nil, children: [Int] = []) {
            self.name = name; self.transform = transform; self.mesh = mesh; self.children = children
        }
    }

    public var materials: [Material] = []
    public var meshes: [Mesh] = []
    public var nodes: [Node] = []
    /// The scene's top-level nodes.
    public var roots: [Int] = []

    public init() {}

    /// Adds a node and returns its index; `parent` nil makes it a top-level node.
    @discardableResult
    public mutating func addNode(_ node: Node, parent: Int?) -> Int {
        let index = nodes.count
        nodes.append(node)
        if let parent { nodes[parent].children.append(index) } else { roots.append(index) }
        return index
    }

    /// Adds a mesh and returns its index; empty primitives are left out.
    public mutating func addMesh(_ mesh: Mesh) -> Int {
        var mesh = mesh
        mesh.primitives.removeAll { $0.geometry.triangleCount == 0 }
        meshes.append(mesh)
        return meshes.count - 1
    }

    /// Triangles over all meshes (each mesh once).
    public var triangleCount: Int {
        meshes.reduce(0) { $0 + $1.primitives.reduce(0) { $0 + $1.geometry.triangleCount } }
    }
}

/// Writes a `GLTFDocument` as binary glTF 2.0: a JSON chunk and one binary buffer chunk holding
/// positions, normals (float32) and indices (uint32) for each primitive.
public enum GLBWriter {
    public static func data(for document: GLTFDocument) throws -> Data {
        var binary = Data()
        var accessors: [JSONValue] = []
        var bufferViews: [JSONValue] = []
        func int(_ n: Int) -> JSONValue { .number(Double(n)) }
        func floats(_ values: [Float]) -> JSONValue { .array(values.map { JSONValue.float($0) }) }

        func append(_ bytes: UnsafeRawBufferPointer, target: Int) -> Int {
            while binary.count % 4 != 0 { binary.append(0) }
            bufferViews.append(["buffer": 0, "byteOffset": int(binary.count), "byteLength": int(bytes.count), "target": int(target)])
            binary.append(contentsOf: bytes)
            return bufferViews.count - 1
        }

        var meshesJSON: [JSONValue] = []
        for mesh in document.meshes {
            var primitives: [JSONValue] = []
            for (material, geometry) in mesh.primitives {
                let positions = geometry.positions.flatMap { [$0.x, $0.y, $0.z] }
                let normals = geometry.normals.flatMap { [$0.x, $0.y, $0.z] }
                let bounds = geometry.bounds
                let positionView = positions.withUnsafeBytes { append($0, target: 34962) }
                accessors.append(["bufferView": int(positionView), "componentType": 5126, "count": int(geometry.vertexCount), "type": "VEC3",
                                  "min": floats([Float(bounds.min.x), Float(bounds.min.y), Float(bounds.min.z)]),
                                  "max": floats([Float(bounds.max.x), Float(bounds.max.y), Float(bounds.max.z)])])
                let positionAccessor = accessors.count - 1
                let normalView = normals.withUnsafeBytes { append($0, target: 34962) }
                accessors.append(["bufferView": int(normalView), "componentType": 5126, "count": int(geometry.vertexCount), "type": "VEC3"])
                let normalAccessor = accessors.count - 1
                let indexView = geometry.indices.withUnsafeBytes { append($0, target: 34963) }
                accessors.append(["bufferView": int(indexView), "componentType": 5125, "count": int(geometry.indices.count), "type": "SCALAR"])
                primitives.append(["attributes": ["NORMAL": int(normalAccessor), "POSITION": int(positionAccessor)],
                                   "indices": int(accessors.count - 1), "material": int(material), "mode": 4])
            }
            meshesJSON.append(["name": .string(mesh.name), "primitives": .array(primitives)])
        }
        while binary.count % 4 != 0 { binary.append(0) }

        let nodesJSON: [JSONValue] = document.nodes.map { node in
            var json: JSONObject = [:]
            if !node.children.isEmpty { json.append("children", .array(node.children.map(int))) }
            if node.transform != .identity { json.append("matrix", .array(node.transform.columnMajor.map { .number($0) })) }
            if let mesh = node.mesh { json.append("mesh", int(mesh)) }
            json.append("name", .string(node.name))
            return .object(json)
        }
        let materialsJSON: [JSONValue] = document.materials.map { m in
            ["name": .string(m.name), "pbrMetallicRoughness": [
                "baseColorFactor": floats([m.baseColor.x, m.baseColor.y, m.baseColor.z, m.baseColor.w]),
                "metallicFactor": .float(m.metallic), "roughnessFactor": .float(m.roughness)]]
        }
        // Top-level members in alphabetical order, as the files have always been written.
        var json: JSONObject = [:]
        if !meshesJSON.isEmpty { json.append("accessors", .array(accessors)) }
        json.append("asset", ["generator": "FactoryTwin", "version": "2.0"])
        if !meshesJSON.isEmpty { json.append("bufferViews", .array(bufferViews)) }
        json.append("buffers", [["byteLength": int(binary.count)]])
        if !materialsJSON.isEmpty { json.append("materials", .array(materialsJSON)) }
        if !meshesJSON.isEmpty { json.append("meshes", .array(meshesJSON)) }
        json.append("nodes", .array(nodesJSON))
        json.append("scene", 0)
        json.append("scenes", [["nodes": .array(document.roots.map(int))]])
        var jsonData = Data(JSONWriter.string(.object(json), sortedKeys: true).utf8)
        while jsonData.count % 4 != 0 { jsonData.append(0x20) }

        var out = Data()
        func put(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        put(0x4654_6C67) // "glTF"
        put(2)
        put(UInt32(12 + 8 + jsonData.count + 8 + binary.count))
        put(UInt32(jsonData.count)); put(0x4E4F_534A) // "JSON"
        out.append(jsonData)
        put(UInt32(binary.count)); put(0x004E_4942) // "BIN\0"
        out.append(binary)
        return out
    }

    /// Writes the document to `path`.
    public static func write(_ document: GLTFDocument, to path: String) throws {
        try data(for: document).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
