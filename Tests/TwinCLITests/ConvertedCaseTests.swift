import Foundation
import Testing
import TwinGeometry
import TwinLayout

/// The path cases of ../shared/bench/collision converted to the project's own format (a plant.yaml
/// with sketched boxes and cylinders, mesh obstacles as a glTF model, the path as network nodes
/// with straight and NURBS edges, the AGV and its route) and checked with `twin check`, against
/// FCL's answers within 1 mm. Needs ../shared/; skipped where it is absent.
@Suite("Shared collision cases as plants", .enabled(if: ConvertedCases.available, "needs ../shared/bench/collision"))
struct ConvertedCaseTests {
    @Test(arguments: ConvertedCases.pathCases)
    func twinCheckAnswersLikeFCL(_ file: String) throws {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: ConvertedCases.directory + "/" + file))) as? [String: Any])
        let expected = try #require(json["expected"] as? [String: Any])
        let plant = try ConvertedCases.convert(json)
        let result = try TwinBinary.run(["check", plant, "--route", "R-CASE", "--json"])
        #expect(result.status == ((expected["collides"] as! Bool) || !(expected["within_margin"] as! [String]).isEmpty ? 1 : 0), "\(result.stderr)")
        let out = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let route = try #require((out["routes"] as? [[String: Any]])?.first)
        #expect(abs((route["length_m"] as? Double ?? 0) - (expected["path_length_m"] as! Double)) < 1e-3)
        #expect(route["collides"] as? Bool == expected["collides"] as? Bool)
        if let first = expected["first_contact"] as? [String: Any] {
            let contact = try #require(route["first_contact"] as? [String: Any])
            #expect(abs((contact["s_m"] as? Double ?? -1) - (first["s_m"] as! Double)) < 1e-3)
            let name = (contact["entity"] as? String) ?? (contact["node"] as? String)
            #expect(name == first["obstacle"] as? String)
        }
        let clearance = try #require(route["min_clearance"] as? [String: Any])
        #expect(abs((clearance["distance_m"] as? Double ?? -1) - ((expected["min_clearance"] as! [String: Any])["distance_m"] as! Double)) < 1e-3)
        #expect((route["within_margin"] as? [String] ?? []).sorted() == (expected["within_margin"] as! [String]).sorted())
    }
}

enum ConvertedCases {
    static let directory = URL(fileURLWithPath: TwinBinary.repository).deletingLastPathComponent()
        .appendingPathComponent("shared/bench/collision/cases").path
    static var available: Bool { FileManager.default.fileExists(atPath: directory) }
    static var pathCases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { name in
            guard name.hasSuffix(".json"), let data = FileManager.default.contents(atPath: directory + "/" + name),
                  let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
            return json["path"] != nil
        }.sorted()
    }

    /// Writes the case as a plant and returns its manifest's path.
    static func convert(_ json: [String: Any]) throws -> String {
        let dir = NSTemporaryDirectory() + "twin-case-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        func numbers(_ v: Any?) -> [Double] { (v as? [Any] ?? []).map { ($0 as! NSNumber).doubleValue } }
        func f(_ v: Double) -> String { String(format: "%.9f", v) }
        var yaml = "name: case\n"
        var obstacles: [String] = []
        var document = GLTFDocument()
        document.materials = [.init(name: "grey", baseColor: SIMD4(0.5, 0.5, 0.5, 1))]
        var machines: [String] = []
        for o in json["obstacles"] as? [[String: Any]] ?? [] {
            let name = o["name"] as! String
            switch o["type"] as! String {
            case "box":
                let c = numbers(o["center"]), size = numbers(o["size"])
                let yaw = (o["yaw_deg"] as? NSNumber)?.doubleValue ?? 0
                obstacles.append("  - {id: \(name), box: {position: [\(f(c[0])), \(f(c[1])), \(f(c[2] - size[2] / 2))], size: [\(f(size[0])), \(f(size[1])), \(f(size[2]))], yaw_deg: \(f(yaw))}}")
            case "cylinder":
                let c = numbers(o["center"])
                let r = (o["radius"] as! NSNumber).doubleValue, h = (o["height"] as! NSNumber).doubleValue
                obstacles.append("  - {id: \(name), cylinder: {position: [\(f(c[0])), \(f(c[1])), \(f(c[2] - h / 2))], radius: \(f(r)), height: \(f(h))}}")
            default:
                // A mesh in the floor frame becomes a node of a glTF model (Y up: (x, y, z) -> (x, z, -y)).
                let v = numbers(o["vertices"]), idx = (o["indices"] as! [Any]).map { ($0 as! NSNumber).uint32Value }
                var mesh = TriangleMesh(positions: stride(from: 0, to: v.count, by: 3).map { SIMD3<Float>(Float(v[$0]), Float(v[$0 + 2]), Float(-v[$0 + 1])) },
                                        indices: idx)
                mesh.generateNormals()
                let m = document.addMesh(.init(name: name, primitives: [(material: 0, geometry: mesh)]))
                document.addNode(.init(name: name, mesh: m), parent: nil)
                machines.append("  - {id: \(name), node: meshes/\(name)}")
            }
        }
        if !machines.isEmpty {
            // A second top-level node keeps the model's root a group, so node paths read meshes/NAME.
            document.addNode(.init(name: "anchor"), parent: nil)
            try GLBWriter.write(document, to: dir + "/meshes.glb")
            yaml += "models:\n  - {id: meshes, file: meshes.glb}\nmachines:\n" + machines.joined(separator: "\n") + "\n"
        }
        if !obstacles.isEmpty { yaml += "obstacles:\n" + obstacles.joined(separator: "\n") + "\n" }
        // The path: a node at every segment's ends, straight edges and NURBS arcs between them.
        var nodes: [SIMD2<Double>] = []
        var edges: [String] = []
        for (k, segment) in (json["path"] as! [[String: Any]]).enumerated() {
            if segment["type"] as! String == "line" {
                let a = numbers(segment["from"]), b = numbers(segment["to"])
                if nodes.isEmpty { nodes.append(SIMD2(a[0], a[1])) }
                nodes.append(SIMD2(b[0], b[1]))
                edges.append("    - {id: E\(k), start: N\(nodes.count - 2), end: N\(nodes.count - 1)}")
            } else {
                let c = numbers(segment["center"]), r = (segment["radius"] as! NSNumber).doubleValue
                let a0 = (segment["start_deg"] as! NSNumber).doubleValue * .pi / 180, sweep = (segment["sweep_deg"] as! NSNumber).doubleValue * .pi / 180
                let curve = NURBSCurve.circularArc(center: SIMD2(c[0], c[1]), radius: r, startAngle: a0, sweep: sweep)
                if nodes.isEmpty { nodes.append(curve.startPoint) }
                nodes.append(curve.endPoint)
                let points = curve.controlPoints.map { "{x: \(f($0.x)), y: \(f($0.y)), weight: \(f($0.weight))}" }.joined(separator: ", ")
                edges.append("    - {id: E\(k), start: N\(nodes.count - 2), end: N\(nodes.count - 1), trajectory: {degree: 2, knot_vector: [\(curve.knots.map(f).joined(separator: ", "))], control_points: [\(points)]}}")
            }
        }
        yaml += "network:\n  nodes:\n" + nodes.enumerated().map { "    - {id: N\($0.offset), x: \(f($0.element.x)), y: \(f($0.element.y))}" }.joined(separator: "\n")
        yaml += "\n  edges:\n" + edges.joined(separator: "\n") + "\n"
        let agv = json["agv"] as! [String: Any]
        let margin = (json["margin"] as? NSNumber)?.doubleValue ?? 0
        yaml += "agvs:\n  - id: AGV-1\n    footprint: {length: \(agv["length"]!), width: \(agv["width"]!), height: \(agv["height"]!)}\n    start: N0\n    margin: \(f(margin))\n"
        yaml += "routes:\n  - {id: R-CASE, agv: AGV-1, nodes: [\((0..<nodes.count).map { "N\($0)" }.joined(separator: ", "))]}\n"
        try yaml.write(toFile: dir + "/plant.yaml", atomically: true, encoding: .utf8)
        return dir + "/plant.yaml"
    }
}
