import Foundation
import TwinGeometry

/// A collision case in the format of ../shared/bench/collision: an AGV, a margin, obstacles and a
/// path (or a fleet), with FCL's answers under `expected`. Lengths in meters, angles in degrees.
public struct CollisionCase: Sendable {
    public var name: String
    public var body: AGVBody?
    public var margin: Double
    public var obstacles: [Obstacle]
    public var path: AGVPath?
    public var fleet: [FleetCheck.Member]

    /// Why a case file cannot be used.
    public struct Problem: Error, CustomStringConvertible {
        public var file: String
        public var field: String
        public var message: String
        public var description: String { field.isEmpty ? "\(file): \(message)" : "\(file): \(field): \(message)" }
    }

    public static func load(path file: String) throws(Problem) -> CollisionCase {
        guard let data = FileManager.default.contents(atPath: file) else { throw Problem(file: file, field: "", message: "file not found") }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw Problem(file: file, field: "", message: "not valid JSON: \((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription)")
        }
        return try parse(object, file: file)
    }

    static func parse(_ object: Any, file: String) throws(Problem) -> CollisionCase {
        let reader = JSONFields(file: file)
        let top = try reader.object(object, "")
        let name = (top["name"] as? String) ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        var result = CollisionCase(name: name, body: nil, margin: 0, obstacles: [], path: nil, fleet: [])
        result.margin = try top["margin"].map { v throws(Problem) in try reader.nonNegative(v, "margin") } ?? 0
        if let agv = top["agv"] { result.body = try reader.body(agv, "agv") }
        for (i, o) in try reader.array(top["obstacles"] ?? [Any](), "obstacles").enumerated() {
            result.obstacles.append(try reader.obstacle(o, "obstacles[\(i)]"))
        }
        if let path = top["path"] { result.path = try reader.path(path, "path") }
        if let agvs = top["agvs"] {
            for (i, a) in try reader.array(agvs, "agvs").enumerated() {
                let f = "agvs[\(i)]"
                let m = try reader.object(a, f)
                guard let agv = m["agv"], let path = m["path"] else { throw Problem(file: file, field: f, message: "needs agv and path") }
                result.fleet.append(FleetCheck.Member(
                    name: (m["name"] as? String) ?? "AGV-\(i + 1)", body: try reader.body(agv, f + ".agv"),
                    path: try reader.path(path, f + ".path"), speed: try reader.positive(m["speed_mps"] ?? 1.0, f + ".speed_mps"),
                    start: try reader.nonNegative(m["start_s"] ?? 0.0, f + ".start_s")))
            }
        }
        if result.path != nil && result.body == nil { throw Problem(file: file, field: "agv", message: "missing (a path needs an AGV)") }
        return result
    }
}

/// Typed access to decoded JSON with errors that name the field.
struct JSONFields {
    let file: String

    func fail(_ field: String, _ message: String) -> CollisionCase.Problem {
        CollisionCase.Problem(file: file, field: field, message: message)
    }

    func object(_ v: Any, _ field: String) throws(CollisionCase.Problem) -> [String: Any] {
        guard let o = v as? [String: Any] else { throw fail(field, "expected an object") }
        return o
    }

    func array(_ v: Any, _ field: String) throws(CollisionCase.Problem) -> [Any] {
        guard let a = v as? [Any] else { throw fail(field, "expected a list") }
        return a
    }

    func number(_ v: Any?, _ field: String) throws(CollisionCase.Problem) -> Double {
        guard let n = v as? NSNumber, String(cString: n.objCType) != "c", n.doubleValue.isFinite else {
            throw fail(field, v == nil ? "missing" : "expected a finite number")
        }
        return n.doubleValue
    }

    func positive(_ v: Any?, _ field: String) throws(CollisionCase.Problem) -> Double {
        let n = try number(v, field)
        guard n > 0 else { throw fail(field, "must be greater than zero, found \(n)") }
        return n
    }

    func nonNegative(_ v: Any?, _ field: String) throws(CollisionCase.Problem) -> Double {
        let n = try number(v, field)
        guard n >= 0 else { throw fail(field, "must not be negative, found \(n)") }
        return n
    }

    func vector(_ v: Any?, _ field: String, count: Int) throws(CollisionCase.Problem) -> [Double] {
        guard let a = v as? [Any], a.count == count else { throw fail(field, "expected \(count) numbers") }
        var out: [Double] = []
        for (i, x) in a.enumerated() { out.append(try number(x, "\(field)[\(i)]")) }
        return out
    }

    func body(_ v: Any, _ field: String) throws(CollisionCase.Problem) -> AGVBody {
        let o = try object(v, field)
        return AGVBody(length: try positive(o["length"], field + ".length"), width: try positive(o["width"], field + ".width"),
                       height: try positive(o["height"], field + ".height"))
    }

    func obstacle(_ v: Any, _ field: String) throws(CollisionCase.Problem) -> Obstacle {
        let o = try object(v, field)
        let name = (o["name"] as? String) ?? field
        switch o["type"] as? String {
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
            let vertices = try array(o["vertices"] ?? [Any](), field + ".vertices")
            let indices = try array(o["indices"] ?? [Any](), field + ".indices")
            guard vertices.count % 3 == 0, indices.count % 3 == 0 else { throw fail(field, "vertices and indices come in threes") }
            var points: [SIMD3<Double>] = []
            for k in stride(from: 0, to: vertices.count, by: 3) {
                points.append(SIMD3(try number(vertices[k], field + ".vertices[\(k)]"), try number(vertices[k + 1], field + ".vertices[\(k + 1)]"),
                                    try number(vertices[k + 2], field + ".vertices[\(k + 2)]")))
            }
            var corners: [SIMD3<Double>] = []
            for (k, i) in indices.enumerated() {
                guard let index = (i as? NSNumber)?.intValue, index >= 0, index < points.count else {
                    throw fail(field + ".indices[\(k)]", "not a vertex index")
                }
                corners.append(points[index])
            }
            return Obstacle(name: name, shape: .mesh(TriangleBVH(triangles: corners)))
        default:
            throw fail(field + ".type", "expected box, cylinder or mesh")
        }
    }

    func path(_ v: Any, _ field: String) throws(CollisionCase.Problem) -> AGVPath {
        var segments: [AGVPath.Segment] = []
        for (i, s) in try array(v, field).enumerated() {
            let f = "\(field)[\(i)]"
            let o = try object(s, f)
            switch o["type"] as? String {
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
