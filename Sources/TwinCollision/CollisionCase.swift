import Foundation
import TwinGeometry
import TwinJSON

/// A collision case in the format of ../shared/bench/collision: an AGV, a margin, obstacles and a
/// path (or a fleet), with FCL's answers under `expected`. Lengths in meters, angles in degrees.
public struct CollisionCase: Sendable {
    public var name: String
    public var body: AGVBody?
    public var margin: Double
    public var obstacles: [Obstacle]
    public var path: AGVPath?
    public var fleet: [FleetCheck.Member]

    public static func load(path file: String) throws(CollisionError) -> CollisionCase {
        let document: JSONValue
        do { document = try JSONDocument.read(path: file) } catch { throw CollisionError(file: file, field: "", message: error.reason) }
        do throws(JSONError) {
            return try parse(document, name: URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent)
        } catch {
            throw CollisionError(file: file, field: error.field, message: error.message)
        }
    }

    /// Reads a case from decoded JSON; `name` when the case names itself not.
    public static func parse(_ document: JSONValue, name defaultName: String) throws(JSONError) -> CollisionCase {
        let reader = CaseFields()
        let top = try document.object("")
        let name = try top["name"]?.string("name") ?? defaultName
        var result = CollisionCase(name: name, body: nil, margin: 0, obstacles: [], path: nil, fleet: [])
        result.margin = try top["margin"].map { v throws(JSONError) in try reader.nonNegative(v, "margin") } ?? 0
        if let agv = top["agv"] { result.body = try reader.body(agv, "agv") }
        for (i, o) in try (top["obstacles"] ?? []).array("obstacles").enumerated() {
            result.obstacles.append(try reader.obstacle(o, "obstacles[\(i)]"))
        }
        if let path = top["path"] { result.path = try reader.path(path, "path") }
        if let agvs = top["agvs"] {
            for (i, a) in try agvs.array("agvs").enumerated() {
                let f = "agvs[\(i)]"
                let m = try a.object(f)
                guard let agv = m["agv"], let path = m["path"] else { throw JSONError(field: f, message: "needs agv and path") }
                result.fleet.append(FleetCheck.Member(
                    name: try m["name"]?.string(f + ".name") ?? "AGV-\(i + 1)", body: try reader.body(agv, f + ".agv"),
                    path: try reader.path(path, f + ".path"), speed: try reader.positive(m["speed_mps"] ?? 1.0, f + ".speed_mps"),
                    start: try reader.nonNegative(m["start_s"] ?? 0.0, f + ".start_s")))
            }
        }
        if result.path != nil && result.body == nil { throw JSONError(field: "agv", message: "missing (a path needs an AGV)") }
        return result
    }
}

/// The shapes of a case file (bodies, obstacles, paths), read with errors that name the field.
struct CaseFields {
    func fail(_ field: String, _ message: String) -> JSONError { JSONError(field: field, message: message) }

    func number(_ v: JSONValue?, _ field: String) throws(JSONError) -> Double {
        guard let v else { throw fail(field, "missing") }
        return try v.number(field)
    }

    func positive(_ v: JSONValue?, _ field: String) throws(JSONError) -> Double {
        let n = try number(v, field)
        guard n > 0 else { throw fail(field, "must be greater than zero, found \(n)") }
        return n
    }

    func nonNegative(_ v: JSONValue?, _ field: String) throws(JSONError) -> Double {
        let n = try number(v, field)
        guard n >= 0 else { throw fail(field, "must not be negative, found \(n)") }
        return n
    }

    func vector(_ v: JSONValue?, _ field: String, count: Int) throws(JSONError) -> [Double] {
        guard let a = v?.arrayValue, a.count == count else { throw fail(field, "expected \(count) numbers") }
        var out: [Double] = []
        for (i, x) in a.enumerated() { out.append(try x.number("\(field)[\(i)]")) }
        return out
    }

    func body(_ v: JSONValue, _ field: String) throws(JSONError) -> AGVBody {
        let o = try v.object(field)
        return AGVBody(length: try positive(o["length"], field + ".length"), width: try positive(o["width"], field + ".width"),
                       height: try positive(o["height"], field + ".height"))
    }

    func obstacle(_ v: JSONValue, _ field: String) throws(JSONError) -> Obstacle {
        let o = try v.object(field)
        let name = try o["name"]?.string(field + ".name") ?? field
        switch o["type"]?.stringValue {
        case "box":
            let c = try vector(o["center"], field + ".center", count: 3), s = try vector(o["size"], field + ".size", count: 3)
            guard s.allSatisfy({ $0 > 0 }) else { throw fail(field + ".size", "sizes must be greater than zero") }
            let yaw = try number(o["yaw_deg"] ?? 0.0, field + ".yaw_deg") * .pi / 180
            return Obstacle(name: name, shape: .box(UprightBox(center: SIMD2(c[0], c[1]), halfSize: SIMD2(s[0], s[1]) / 2, yaw: yaw,
                                                                bottom: c[2] - s[2] / 2, top: c[2] + s[2] / 2)))
        case "cylinder":
            let c = try vector(o["center"], field + ".center", count: 3)
            let r = try positive(o["radius"], field + ".radius"), h = try positive(o["height"], field + ".height")
            return Obstacle(name: name, shape: .cylinder(UprightCylinder(center: SIMD2(c[0], c[1]), radius: r, bottom: c[2] - h / 2, top: c[2] + h / 2)))
        case "mesh":
            let vertices = try (o["vertices"] ?? []).array(field + ".vertices")
            let indices = try (o["indices"] ?? []).array(field + ".indices")
            guard vertices.count % 3 == 0, indices.count % 3 == 0 else { throw fail(field, "vertices and indices come in threes") }
            var points: [SIMD3<Double>] = []
            points.reserveCapacity(vertices.count / 3)
            for k in stride(from: 0, to: vertices.count, by: 3) {
                points.append(SIMD3(try vertices[k].number(field + ".vertices[\(k)]"), try vertices[k + 1].number(field + ".vertices[\(k + 1)]"),
                                    try vertices[k + 2].number(field + ".vertices[\(k + 2)]")))
            }
            var corners: [SIMD3<Double>] = []
            corners.reserveCapacity(indices.count)
            for (k, i) in indices.enumerated() {
                guard let n = i.numberValue, n == n.rounded(), n >= 0, n < Double(points.count) else {
                    throw fail(field + ".indices[\(k)]", "not a vertex index (0 to \(points.count - 1))")
                }
                corners.append(points[Int(n)])
            }
            return Obstacle(name: name, shape: .mesh(TriangleBVH(triangles: corners)))
        default:
            throw fail(field + ".type", "expected box, cylinder or mesh")
        }
    }

    func path(_ v: JSONValue, _ field: String) throws(JSONError) -> AGVPath {
        var segments: [AGVPath.Segment] = []
        for (i, s) in try v.array(field).enumerated() {
            let f = "\(field)[\(i)]"
            let o = try s.object(f)
            switch o["type"]?.stringValue {
            case "line":
                let a = try vector(o["from"], f + ".from", count: 2), b = try vector(o["to"], f + ".to", count: 2)
                segments.append(.line(from: SIMD2(a[0], a[1]), to: SIMD2(b[0], b[1])))
            case "arc":
                let c = try vector(o["center"], f + ".center", count: 2)
                segments.append(.arc(center: SIMD2(c[0], c[1]), radius: try positive(o["radius"], f + ".radius"),
                                     start: try number(o["start_deg"], f + ".start_deg") * .pi / 180,
                                     sweep: try number(o["sweep_deg"], f + ".sweep_deg") * .pi / 180))
            default:
                throw fail(f + ".type", "expected line or arc")
            }
        }
        guard !segments.isEmpty else { throw fail(field, "a path needs at least one segment") }
        return AGVPath(segments)
    }
}

/// Why a collision case cannot be used, the one error type of TwinCollision (the checks themselves
/// do not fail: they answer): the file and the field of the case that is wrong.
public struct CollisionError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var field: String
    public var message: String

    public init(file: String, field: String, message: String) {
        self.file = file; self.field = field; self.message = message
    }

    public var description: String { field.isEmpty ? "\(file): \(message)" : "\(file): \(field): \(message)" }
}
