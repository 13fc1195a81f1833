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
            For the path cases of ../shared/bench/collision, three plateau scenes (a rack aisle of uprights \
            at one clearance along a straight, clear and with a late hit, and posts along an arc, each in a \
            hall of 400 more obstacles) and every route of demo and demo-large: the time \
            to build the acceleration structures (apart), and route-metres checked per second, exact and \
            continuous; then FCL's discrete checks at poses every 5 cm through reference.py --bench (the \
            plant routes exported to that case format with every obstacle, their turns on the spot left \
            out). Needs python-fcl \
            for the FCL column.

            Examples:
              twin bench collision
              twin bench collision --plants demo --margin 0.2
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
        let plateaus = Self.plateauCases()
        let plantNames = plants.split(separator: ",").map(String.init)
        var progress = BenchProgress("twin bench collision", steps: files.count + plateaus.count + plantNames.count)
        /// One row, with FCL's figure for the same case measured now, printed as soon as it is known.
        func report(_ name: String, _ length: Double, _ build: Double, _ contact: Double, _ full: Double, _ casePath: String) throws {
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
            progress.clear()
            print(pad(name, 30) + padLeft(String(format: "%.1f", length), 9) + padLeft(String(format: "%.3f", build), 9)
                  + padLeft(String(format: "%.0f", length / contact), 13) + padLeft(String(format: "%.0f", length / full), 10)
                  + padLeft(fcl, 9) + padLeft(ratio, 13) + padLeft(fullRatio, 10))
        }
        for file in files {
            progress.step(file)
            let path = Self.cases + "/" + file
            let buildStart = ContinuousClock.now
            guard let c = try? CollisionCase.load(path: path), let route = c.path, let body = c.body else { continue }
            let build = (ContinuousClock.now - buildStart).seconds
            let (contact, full) = time(RouteCheck(body: body, margin: c.margin, obstacles: c.obstacles), route)
            try report(c.name, route.travel, build, contact, full, path)
        }
        // Plateaus of equal minima: a rack aisle of uprights at one clearance, in a hall of 400
        // more obstacles, along a straight (clear, and with a late hit) and along an arc.
        for (name, document) in plateaus {
            progress.step(name)
            let file = NSTemporaryDirectory() + "twin-bench-\(name).json"
            try Data(JSONWriter.string(document).utf8).write(to: URL(fileURLWithPath: file))
            let c = try CollisionCase.load(path: file)
            guard let route = c.path, let body = c.body else { continue }
            let (contact, full) = time(RouteCheck(body: body, margin: c.margin, obstacles: c.obstacles), route)
            try report(name, route.travel, 0, contact, full, file)
        }
        for name in plantNames {
            progress.step(name)
            if name == "demo-large" { _ = try ensureDemoLarge() }
            let plant = try load.loadPlant("Assets/\(name)/plant.yaml")
            let buildStart = ContinuousClock.now
            let world = PlantCollision(plant: plant)
            let build = (ContinuousClock.now - buildStart).seconds
            for route in plant.routes {
                guard let agvId = route.agv, let entity = plant.entity(id: agvId), let (body, _) = PlantCollision.body(of: entity, plant: plant),
                      let path = try? PlantCollision.path(of: route, in: plant.network) else { continue }
                let (contact, full) = time(RouteCheck(body: body, margin: margin, obstacles: world.obstacleSet), path)
                var exported = ""
                if haveFCL {
                    exported = NSTemporaryDirectory() + "twin-bench-\(name)-\(route.id).json"
                    try Self.export(path: path, body: body, margin: margin, obstacles: world.obstacles, name: route.id, to: exported)
                }
                try report("\(name) \(route.id)", path.travel, build, contact, full, exported)
            }
        }
        progress.finish()
        print("contact: our exact first-contact pass; full: with the smallest clearance and the margin check; FCL: collision queries at poses 5 cm apart")
    }

    /// The plateau scenes, as cases of the shared format: an AGV 1.2 x 0.8 m along 150 uprights
    /// (0.1 m square, 1.3 m apart) whose faces all stand 0.2 m from its side, over 200 m; 400
    /// boxes elsewhere in the hall; the same with one upright 0.01 m into the path near the end;
    /// and 120 posts on a circle 0.2 m outside a 170-degree arc of radius 30 m.
    static func plateauCases() -> [(String, JSONValue)] {
        func n(_ x: Double) -> JSONValue { .number(x) }
        func box(_ name: String, _ x: Double, _ y: Double, _ size: Double) -> JSONValue {
            ["name": .string(name), "type": "box", "center": [n(x), n(y), 1], "size": [n(size), n(size), 2]]
        }
        // The hall: 400 boxes 5 m or more off the aisle, placed by a fixed rule (no randomness).
        let hall: [JSONValue] = (0..<400).map { i in
            let x = -20 + Double((i * 7919) % 240), y = (5 + Double((i * 104_729) % 35)) * (i % 2 == 0 ? 1 : -1)
            return box("X-\(i)", x, y, 1)
        }
        let uprights: [JSONValue] = (0..<150).map { box("U-\($0)", 5 + Double($0) * 1.3, 0.65, 0.1) }
        let agv: JSONValue = ["length": 1.2, "width": 0.8, "height": 0.4]
        let straight: JSONValue = [["type": "line", "from": [0, 0], "to": [200, 0]]]
        let posts: [JSONValue] = (0..<120).map { i in
            let a = Double(i) * 1.4 * .pi / 180, r = 30.65
            return ["name": .string("C-\(i)"), "type": "cylinder", "center": [n(r * cos(a)), n(r * sin(a)), 1], "radius": 0.05, "height": 2]
        }
        let ring: [JSONValue] = (0..<400).map { i in
            let a = Double(i) * 0.9 * .pi / 180, r = 36 + Double((i * 31) % 40)
            return box("X-\(i)", r * cos(a), r * sin(a), 1)
        }
        return [
            ("plateau_aisle_clear", ["name": "plateau_aisle_clear", "agv": agv, "margin": 0.1, "obstacles": .array(uprights + hall), "path": straight]),
            ("plateau_aisle_late_hit", ["name": "plateau_aisle_late_hit", "agv": agv, "margin": 0.1,
                                        "obstacles": .array(uprights + hall + [box("HIT", 190, 0.44, 0.1)]), "path": straight]),
            ("plateau_arc_clear", ["name": "plateau_arc_clear", "agv": agv, "margin": 0.1, "obstacles": .array(posts + ring),
                                   "path": [["type": "arc", "center": [0, 0], "radius": 30, "start_deg": 0, "sweep_deg": 170]]]),
        ]
    }

    /// Writes a route as a case of the shared format: the body, the margin, every obstacle, the
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
        // Every obstacle, as the case format writes it: boxes and cylinders as themselves, polygon
        // prisms and meshes as triangles; a keep-out zone (no top) 50 m high, far above any AGV.
        var shapes: [JSONValue] = []
        func n(_ x: Double) -> JSONValue { .number(x) }
        for obstacle in obstacles {
            switch obstacle.shape {
            case .box(let b) where b.polygon == nil:
                let top = b.top.isFinite ? b.top : b.bottom + 50
                shapes.append(["name": .string(obstacle.name), "type": "box", "center": [n(b.center.x), n(b.center.y), n((b.bottom + top) / 2)],
                               "size": [n(2 * b.halfSize.x), n(2 * b.halfSize.y), n(top - b.bottom)], "yaw_deg": n(b.yaw * 180 / .pi)])
            case .box(let b):
                shapes.append(mesh(obstacle.name, prism(b.corners, bottom: b.bottom, top: b.top.isFinite ? b.top : b.bottom + 50)))
            case .zone(let ring):
                // A zone is keep-out at any height: its walls from below the floor to 50 m.
                shapes.append(mesh(obstacle.name, prism(ring, bottom: -1, top: 50)))
            case .cylinder(let c):
                let top = c.top.isFinite ? c.top : c.bottom + 50
                shapes.append(["name": .string(obstacle.name), "type": "cylinder", "center": [n(c.center.x), n(c.center.y), n((c.bottom + top) / 2)],
                               "radius": n(c.radius), "height": n(top - c.bottom)])
            case .mesh(let bvh):
                shapes.append(mesh(obstacle.name, bvh.corners))
            }
        }
        /// A prism on `ring` as triangles: its sides, and its ends as fans (exact for convex rings;
        /// the sides are what a body at floor level meets).
        func prism(_ ring: [SIMD2<Double>], bottom: Double, top: Double) -> [SIMD3<Double>] {
            var corners: [SIMD3<Double>] = []
            for k in 1..<max(1, ring.count - 1) {
                corners += [SIMD3(ring[0].x, ring[0].y, bottom), SIMD3(ring[k + 1].x, ring[k + 1].y, bottom), SIMD3(ring[k].x, ring[k].y, bottom)]
                corners += [SIMD3(ring[0].x, ring[0].y, top), SIMD3(ring[k].x, ring[k].y, top), SIMD3(ring[k + 1].x, ring[k + 1].y, top)]
            }
            for k in ring.indices {
                let p = ring[k], q = ring[(k + 1) % ring.count]
                corners += [SIMD3(p.x, p.y, bottom), SIMD3(q.x, q.y, bottom), SIMD3(q.x, q.y, top),
                            SIMD3(p.x, p.y, bottom), SIMD3(q.x, q.y, top), SIMD3(p.x, p.y, top)]
            }
            return corners
        }
        func mesh(_ name: String, _ corners: [SIMD3<Double>]) -> JSONValue {
            ["name": .string(name), "type": "mesh", "vertices": .array(corners.flatMap { [JSONValue.number($0.x), .number($0.y), .number($0.z)] }),
             "indices": .array((0..<corners.count).map { .number(Double($0)) })]
        }
        let object: JSONValue = ["name": .string(name), "agv": ["length": .number(body.length), "width": .number(body.width), "height": .number(body.height)],
                                 "margin": .number(margin), "obstacles": .array(shapes), "path": .array(segments)]
        try Data(JSONWriter.string(object).utf8).write(to: URL(fileURLWithPath: file))
    }
}
