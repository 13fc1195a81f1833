import ArgumentParser
import Foundation
import TwinCollision
import TwinGeometry
import TwinJSON
import TwinLayout
import TwinOperations
import TwinRender
import TwinState

struct CollisionBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collision",
        abstract: "Route checks per second next to FCL sampling the same routes every 5 cm, in one run.",
        discussion: """
            For the path cases of ../shared/bench/collision and every route of demo and demo-large: the time \
            to build the acceleration structures (apart), and route-metres checked per second, exact and \
            continuous; then FCL's discrete checks at poses every 5 cm through reference.py --bench (the \
            plant routes exported to that case format, their turns on the spot left out). Needs python-fcl \
            for the FCL column.
            """)

    @Option(help: "Plants whose routes to measure, comma separated.")
    var plants: String = "demo,demo-large"

    @Option(help: "Collision margin, meters.")
    var margin: Double = 0.1

    @OptionGroup var load: LoadOptions

    static let reference = "../shared/bench/collision/reference.py"
    static let cases = "../shared/bench/collision/cases"

    func validate() throws {
        guard margin.isFinite && margin >= 0 else { throw ValidationError("--margin must be a distance of 0 or more, in meters") }
    }

    func run() throws {
        let haveFCL = FileManager.default.fileExists(atPath: Self.reference)
            && ((try? ChildProcess.run(["python3", "-c", "import fcl"]).status) == 0)
        if !haveFCL { print("note: FCL column left out (needs \(Self.reference) and python-fcl)") }
        print("twin bench collision: exact continuous checks (ours) next to FCL discrete checks every 5 cm")
        print(pad("case / route", 30) + padLeft("length m", 9) + padLeft("build s", 9) + padLeft("contact m/s", 13)
              + padLeft("full m/s", 10) + padLeft("FCL m/s", 9) + padLeft("contact/FCL", 13) + padLeft("full/FCL", 10))
        var rows: [(String, Double, Double, Double, Double, String)] = []
        /// Seconds for the contact pass alone and for the full check (median of 3).
        func time(_ check: RouteCheck, _ path: AGVPath) -> (Double, Double) {
            var contact: [Double] = [], full: [Double] = []
            for _ in 0..<3 {
                var start = ContinuousClock.now
                _ = check.firstContact(path)
                contact.append((ContinuousClock.now - start).seconds)
                start = ContinuousClock.now
                _ = check.check(path)
                full.append((ContinuousClock.now - start).seconds)
            }
            return (contact.sorted()[1], full.sorted()[1])
        }
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: Self.cases)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        for file in files {
            let path = Self.cases + "/" + file
            let buildStart = ContinuousClock.now
            guard let c = try? CollisionCase.load(path: path), let route = c.path, let body = c.body else { continue }
            let build = (ContinuousClock.now - buildStart).seconds
            let (contact, full) = time(RouteCheck(body: body, margin: c.margin, obstacles: c.obstacles), route)
            rows.append((c.name, route.travel, build, contact, full, path))
        }
        for name in plants.split(separator: ",").map(String.init) {
            if name == "demo-large" { _ = try ensureDemoLarge() }
            let plant = try load.loadPlant("Assets/\(name)/plant.yaml")
            let buildStart = ContinuousClock.now
            let world = PlantCollision(plant: plant)
            let build = (ContinuousClock.now - buildStart).seconds
            for route in plant.routes {
                guard let agvId = route.agv, let entity = plant.entity(id: agvId), let (body, _) = PlantCollision.body(of: entity, plant: plant),
                      let path = try? PlantCollision.path(of: route, in: plant.network) else { continue }
                let (contact, full) = time(RouteCheck(body: body, margin: margin, obstacles: world.obstacles), path)
                var exported = ""
                if haveFCL {
                    exported = NSTemporaryDirectory() + "twin-bench-\(name)-\(route.id).json"
                    try Self.export(path: path, body: body, margin: margin, obstacles: world.obstacles, name: route.id, to: exported)
                }
                rows.append(("\(name) \(route.id)", path.travel, build, contact, full, exported))
            }
        }
        for (name, length, build, contact, full, casePath) in rows {
            var fcl = "", ratio = "", fullRatio = ""
            if haveFCL && !casePath.isEmpty {
                let result = try ChildProcess.run(["python3", Self.reference, "--bench", casePath])
                if let json = ChildProcess.json(in: result.stdout), let metres = json["route_m_per_s_collide"]?.numberValue {
                    fcl = String(format: "%.0f", metres)
                    ratio = String(format: "%.1fx", length / contact / metres)
                    fullRatio = String(format: "%.1fx", length / full / metres)
                } else {
                    fcl = "failed"
                }
            }
            print(pad(name, 30) + padLeft(String(format: "%.1f", length), 9) + padLeft(String(format: "%.3f", build), 9)
                  + padLeft(String(format: "%.0f", length / contact), 13) + padLeft(String(format: "%.0f", length / full), 10)
                  + padLeft(fcl, 9) + padLeft(ratio, 13) + padLeft(fullRatio, 10))
        }
        print("contact: our exact first-contact pass; full: with the smallest clearance and the margin check; FCL: collision queries at poses 5 cm apart")
    }

    /// Writes a route as a case of the shared format: the body, the margin, mesh obstacles, the
    /// path's lines and arcs (NURBS edges as the circular arcs they are; turns on the spot left out).
    static func export(path: AGVPath, body: AGVBody, margin: Double, obstacles: [Obstacle], name: String, to file: String) throws {
        var segments: [JSONValue] = []
        for segment in path.segments {
            switch segment {
            case let .line(a, b):
                segments.append(["type": "line", "from": [.number(a.x), .number(a.y)], "to": [.number(b.x), .number(b.y)]])
            case let .arc(center, radius, start, sweep):
                segments.append(["type": "arc", "center": [.number(center.x), .number(center.y)], "radius": .number(radius),
                                 "start_deg": .number(start * 180 / .pi), "sweep_deg": .number(sweep * 180 / .pi)])
            case let .curve(curve):
                // The circle through the start, middle and end points.
                let range = curve.parameterRange
                let a = curve.point(at: range.lowerBound), m = curve.point(at: (range.lowerBound + range.upperBound) / 2)
                let b = curve.point(at: range.upperBound)
                let d = 2 * (a.x * (m.y - b.y) + m.x * (b.y - a.y) + b.x * (a.y - m.y))
                guard abs(d) > 1e-12 else {
                    segments.append(["type": "line", "from": [.number(a.x), .number(a.y)], "to": [.number(b.x), .number(b.y)]])
                    continue
                }
                let a2 = a.x * a.x + a.y * a.y, m2 = m.x * m.x + m.y * m.y, b2 = b.x * b.x + b.y * b.y
                let center = SIMD2((a2 * (m.y - b.y) + m2 * (b.y - a.y) + b2 * (a.y - m.y)) / d,
                                   (a2 * (b.x - m.x) + m2 * (a.x - b.x) + b2 * (m.x - a.x)) / d)
                let r = ((a - center) * (a - center)).sum().squareRoot()
                let start = atan2(a.y - center.y, a.x - center.x), end = atan2(b.y - center.y, b.x - center.x)
                let cross = (m.x - a.x) * (b.y - a.y) - (m.y - a.y) * (b.x - a.x)
                var sweep = remainder(end - start, 2 * .pi)
                if (cross < 0) != (sweep > 0) { sweep = sweep > 0 ? sweep - 2 * .pi : sweep + 2 * .pi }
                segments.append(["type": "arc", "center": [.number(center.x), .number(center.y)], "radius": .number(r),
                                 "start_deg": .number(start * 180 / .pi), "sweep_deg": .number(sweep * 180 / .pi)])
            case .turn:
                continue
            }
        }
        var meshes: [JSONValue] = []
        for obstacle in obstacles {
            guard case .mesh(let bvh) = obstacle.shape else { continue }
            meshes.append(["name": .string(obstacle.name), "type": "mesh",
                           "vertices": .array(bvh.corners.flatMap { [JSONValue.number($0.x), .number($0.y), .number($0.z)] }),
                           "indices": .array((0..<bvh.corners.count).map { .number(Double($0)) })])
        }
        let object: JSONValue = ["name": .string(name), "agv": ["length": .number(body.length), "width": .number(body.width), "height": .number(body.height)],
                                 "margin": .number(margin), "obstacles": .array(meshes), "path": .array(segments)]
        try Data(JSONWriter.string(object).utf8).write(to: URL(fileURLWithPath: file))
    }
}
