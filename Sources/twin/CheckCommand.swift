import ArgumentParser
import Foundation
import TwinCollision
import TwinGeometry
import TwinJSON
import TwinLayout
import TwinOperations
import TwinRender
import TwinState

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check AGV routes for collisions: continuous, exact to the millimetre.",
        discussion: """
            Every route of the plant (or --route ID) is driven by its AGV's body (the footprint extruded to its \
            height) past all layout geometry but the floor and the keep-out zones. Reports the first contact, \
            the smallest clearance and every entity within the margin. --case FILE checks a case in the format \
            of ../shared/bench/collision. Exit status: 0 clean, 1 contacts or clearances below the margin, 2 bad input.

            Examples:
              twin check Assets/demo/plant.yaml
              twin check Assets/demo/plant.yaml --route R-LOOP --margin 0.2 --json
              twin check Assets/demo/plant.yaml --image check.png --timings
              twin check Assets/demo/plant.yaml --order order.json --agv AGV-01
              twin check Assets/demo/plant.yaml --fleet fleet.yaml
            """)

    @Argument(help: "A plant.yaml manifest or a model file.")
    var plant: String?

    @Option(help: "Check only this route.")
    var route: String?

    @Option(help: "The AGV that drives (default: the route's own).")
    var agv: String?

    // Unconditional parsing: a value may start with a minus sign, which is then refused clearly.
    @Option(parsing: .unconditional, help: "Required clearance in meters (default: each AGV's margin, else the manifest's collision.margin, else 0.1).")
    var margin: Double?

    @Option(help: "Check a VDA 5050 order (JSON) instead of the plant's routes; the AGV is --agv or the order's manufacturer and serial number.")
    var order: String?

    @Option(help: "Check a fleet file: AGVs on routes or orders with start times and speeds, for conflicts between them.")
    var fleet: String?

    @Option(name: .customLong("case"), help: "A collision case file (../shared/bench/collision format) instead of a plant.")
    var caseFile: String?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Option(help: "Write a plan view with the routes colored by clearance and the contacts marked.")
    var image: String?

    @Flag(help: "Print one JSON line of where the time went to stderr: load, setup, and per route the contact pass, the smallest clearance and the margin search.")
    var timings = false

    @OptionGroup var load: LoadOptions

    func validate() throws {
        guard (plant == nil) != (caseFile == nil) else { throw ValidationError("give a PLANT or --case FILE") }
        guard [route != nil, order != nil, fleet != nil].filter({ $0 }).count <= 1 else {
            throw ValidationError("give at most one of --route, --order and --fleet")
        }
        if let margin { guard margin.isFinite, margin >= 0 else { throw ValidationError("--margin must be a finite, non-negative number") } }
    }

    func run() throws {
        if let caseFile { return try runCase(caseFile) }
        let clock = ContinuousClock()
        let started = clock.now
        let loaded = try load.loadPlant(plant!)
        let loadedAt = clock.now
        if let fleet { return try runFleet(fleet, plant: loaded) }
        let world = PlantCollision(plant: loaded)
        let setUpAt = clock.now
        var routes = loaded.routes
        var network = loaded.network
        var orderAGV: String?
        if let order {
            let parsed: VDA5050Order
            do { parsed = try VDA5050Order.load(path: order, network: loaded.network) } catch { throw CLIFailure.badInput(error.description) }
            for note in parsed.notes { FileHandle.standardError.write(Data("twin: note: \(order): \(note)\n".utf8)) }
            network = parsed.network
            routes = [Route(id: parsed.orderId, nodes: parsed.nodeSequence)]
            orderAGV = loaded.entities.first {
                $0.category == .agv && $0.manufacturer != nil && $0.manufacturer == parsed.manufacturer && $0.serialNumber == parsed.serialNumber
            }?.id
        }
        // Nothing to check is said, not answered with silence (a bare model file has no routes).
        guard !routes.isEmpty else {
            throw CLIFailure.badInput("\(plant!): no AGV routes to check (a plant.yaml lists them under routes:; or give --order FILE or --fleet FILE)")
        }
        if let route {
            guard let found = routes.first(where: { $0.id == route }) else {
                throw CLIFailure.badInput(TwinError.unknownRoute(route, known: routes.map(\.id)).description)
            }
            routes = [found]
        }
        let checked: [RouteResult]
        do { checked = try world.check(routes: routes, plant: loaded, network: network, agv: agv ?? orderAGV, margin: margin) } catch {
            throw CLIFailure.badInput(error.description)
        }
        let lines = checked.map { Self.text(route: $0.route.id, agv: $0.agv, report: $0.report, margin: $0.margin) }
        let violations = checked.contains(where: \.isViolation)
        if timings {
            // Where a slow check spent its time, in one JSON line on stderr.
            let routeTimes: [JSONValue] = checked.map { r in
                let s = r.report.seconds
                return ["route": .string(r.route.id), "contact_pass_s": Self.seconds(s.contactPass), "clearance_s": Self.seconds(s.clearance),
                        "margin_search_s": Self.seconds(s.marginSearch), "queries": .number(Double(r.report.queries)),
                        "contact_pass_queries": .number(Double(r.report.queriesPerPhase.contactPass)),
                        "clearance_queries": .number(Double(r.report.queriesPerPhase.clearance)),
                        "margin_search_queries": .number(Double(r.report.queriesPerPhase.marginSearch))]
            }
            let line: JSONValue = ["load_s": Self.seconds((loadedAt - started).seconds), "setup_s": Self.seconds((setUpAt - loadedAt).seconds),
                                   "check_s": Self.seconds((clock.now - setUpAt).seconds), "routes": .array(routeTimes)]
            FileHandle.standardError.write(Data(JSONWriter.line(line, pretty: false).utf8))
        }
        if json {
            print(JSONWriter.string(RouteResult.json(checked, plant: loaded, defaultMargin: margin ?? loaded.defaultMargin), pretty: true))
        } else {
            print(lines.joined(separator: "\n"))
        }
        if let image { try drawImage(image, plant: loaded, results: checked) }
        if violations { throw ExitCode(1) }
    }

    /// Seconds with microsecond digits, for --timings.
    static func seconds(_ s: Double) -> JSONValue { .number(s, places: 6) }

    static func text(route: String, agv: String, report: RouteReport, margin: Double) -> String {
        var line = "\(route) (\(agv), \(String(format: "%.2f", report.length)) m): "
        if let c = report.firstContact {
            line += String(format: "COLLIDES with %@ at s = %.3f m (x %.3f, y %.3f)", c.obstacle, c.s, c.pose.x, c.pose.y)
        } else if let m = report.minimumClearance {
            line += String(format: "clear, smallest clearance %.3f m to %@ at s = %.3f m", m.distance, m.obstacle, m.s)
        } else {
            line += "clear, nothing near"
        }
        if !report.withinMargin.isEmpty {
            line += String(format: "; within the %.2f m margin: ", margin) + report.withinMargin.joined(separator: ", ")
        }
        return line
    }

    /// Several AGVs at once: conflicts between their bodies in time, and the smallest separation.
    private func runFleet(_ file: String, plant: Plant) throws {
        let plan: FleetPlan
        do { plan = try FleetPlan.load(path: file, plant: plant) } catch { throw CLIFailure.badInput(error.description) }
        // An AGV's entries are legs driven one after another, each from the heading the one before ended with.
        var order: [String] = []
        var byAGV: [String: [FleetPlan.Entry]] = [:]
        for entry in plan.entries {
            if byAGV[entry.agv] == nil { order.append(entry.agv) }
            byAGV[entry.agv, default: []].append(entry)
        }
        var members: [FleetCheck.Member] = []
        for agv in order {
            guard let (body, ownMargin) = PlantCollision.body(of: plant.entity(id: byAGV[agv]![0].bodyOf)!, plant: plant) else { continue }
            var legs: [FleetCheck.Member.Leg] = []
            var previous: FleetPlan.Entry?
            for entry in byAGV[agv]!.sorted(by: { $0.startSeconds < $1.startSeconds }) {
                let here = "\(file):\(entry.line.map(String.init) ?? "?")"
                let path: AGVPath
                let start = entry.startHeading ?? legs.last.map { $0.path.pose(at: $0.path.length).theta }
                do {
                    switch entry.source {
                    case .route(let r): path = try PlantCollision.path(of: r, in: plant.network, initialHeading: start)
                    case .order(let o):
                        for note in o.notes { FileHandle.standardError.write(Data("twin: note: order \(o.orderId): \(note)\n".utf8)) }
                        path = try PlantCollision.path(of: Route(id: o.orderId, nodes: o.nodeSequence), in: o.network, initialHeading: start)
                    case .nodes(let nodes) where nodes.count == 1:
                        // Standing at one node, with the heading it has.
                        guard let start else {
                            throw CLIFailure.badInput("\(here): \(agv) stands at \(nodes[0]): give start_heading_rad (no entry before it says which way it faces)")
                        }
                        let p = plant.network.node(id: nodes[0])!.position
                        path = AGVPath([.turn(at: p, from: start, to: start)])
                    case .nodes(let nodes):
                        path = try PlantCollision.path(of: Route(id: "\(agv) from \(entry.startSeconds) s", nodes: nodes), in: plant.network,
                                                       initialHeading: start)
                    }
                } catch let failure as CLIFailure {
                    throw failure
                } catch {
                    throw CLIFailure.badInput("\(here): \(error)")
                }
                let leg = FleetCheck.Member.Leg(body: body, path: path, speed: entry.speed,
                                                rotationSpeed: entry.rotationSpeed ?? FleetCheck.Member.Leg.defaultRotationSpeed,
                                                start: entry.startSeconds)
                // One AGV's entries follow one another: each sets off where and after the one before ends.
                if let last = legs.last, let previous {
                    let lastLine = previous.line ?? 0
                    let end = last.path.pose(at: last.path.length), begin = path.pose(at: 0)
                    let gap = ((end.x - begin.x) * (end.x - begin.x) + (end.y - begin.y) * (end.y - begin.y)).squareRoot()
                    if gap > 0.01 {
                        throw CLIFailure.badInput(String(format: "%@: %@ sets off at (%.2f, %.2f), %.2f m from where its entry on line %d leaves it at (%.2f, %.2f)",
                                                         here, agv, begin.x, begin.y, gap, lastLine, end.x, end.y))
                    }
                    if entry.startSeconds < last.start + last.duration - 1e-6 {
                        throw CLIFailure.badInput(String(format: "%@: %@ sets off at %.3f s, before its entry on line %d arrives at %.3f s",
                                                         here, agv, entry.startSeconds, lastLine, last.start + last.duration))
                    }
                }
                previous = entry
                legs.append(leg)
            }
            members.append(FleetCheck.Member(name: agv, legs: legs, margin: margin ?? ownMargin))
        }
        let report = FleetCheck(members: members).check()
        if json {
            print(JSONWriter.string(.object(report.json), pretty: true))
        } else {
            for c in report.conflicts {
                print(String(format: "CONFLICT at t = %.3f s: %@ at (%.2f, %.2f)", c.time, c.agvs.joined(separator: " and "), c.position.x, c.position.y))
            }
            for n in report.withinMargin {
                print(String(format: "WITHIN MARGIN at t = %.3f s: %@ %.3f m apart (margin %.2f m)", n.time, n.agvs.joined(separator: " and "),
                             n.separation, n.margin))
            }
            print(String(format: "smallest separation %.3f m at t = %.3f s", report.minimumSeparation, report.minimumSeparationTime))
        }
        if !report.conflicts.isEmpty || !report.withinMargin.isEmpty { throw ExitCode(1) }
    }

    private func runCase(_ file: String) throws {
        let c: CollisionCase
        do { c = try CollisionCase.load(path: file) } catch { throw CLIFailure.badInput(error.description) }
        if !c.fleet.isEmpty {
            let report = FleetCheck(members: c.fleet).check()
            var object: JSONObject = ["case": .string(c.name)]
            object.merge(report.json)
            print(JSONWriter.string(.object(object), pretty: true))
            if !report.conflicts.isEmpty { throw ExitCode(1) }
            return
        }
        guard let path = c.path, let body = c.body else { throw CLIFailure.badInput("\(file): needs a path and an agv, or agvs") }
        let report = RouteCheck(body: body, margin: margin ?? c.margin, obstacles: c.obstacles).check(path)
        if json {
            var object: JSONObject = ["case": .string(c.name)]
            object.merge(report.json(margin: margin ?? c.margin))
            print(JSONWriter.string(.object(object), pretty: true))
        } else {
            print(Self.text(route: c.name, agv: "agv", report: report, margin: margin ?? c.margin))
        }
        if report.collides || !report.withinMargin.isEmpty { throw ExitCode(1) }
    }

    /// A plan view with each route drawn in the color of its clearance (see `ClearanceImage`).
    private func drawImage(_ path: String, plant: Plant, results: [RouteResult]) throws {
        do {
            try PNGEncoder.write(try ClearanceImage.render(Twin(plant: plant), results: results), to: path)
        } catch {
            throw CLIFailure.badInput("\(error)")
        }
    }
}
