import Foundation
import TwinGeometry
import TwinLayout

/// Generates a demo plant from a `DemoPlantSpec`: an assembly hall (walls, columns), blocks of
/// machines of several kinds facing AGV aisles, roller conveyors, racks, transfer and charging
/// stations, a fleet of AGVs, a VDA 5050-style network with straight and curved edges, routes,
/// zones and cameras. The same spec always gives the same files, byte for byte.
public struct DemoPlantGenerator {
    public let spec: DemoPlantSpec

    /// What `write(to:)` produced.
    public struct Output: Sendable {
        public var files: [String]
        public var triangles: Int
        public var machines: Int
    }

    public init(spec: DemoPlantSpec) { self.spec = spec }

    // The floor plan, in meters on the floor (x east, y north).
    var hallLength: Double { 7 * Double(spec.machinesPerRow) + 25 }
    func aisleY(_ k: Int) -> Double { 8 + 22 * Double(k) }
    var hallDepth: Double { aisleY(spec.blocks) + 7 }
    static let aisleInset = 8.0
    static let cornerRadius = 4.0

    /// Writes plant.yaml, hall.glb and the library models into `directory`.
    public func write(to directory: String, progress: (_ step: String, _ done: Int, _ of: Int) -> Void = { _, _, _ in }) throws -> Output {
        let fm = FileManager.default
        let steps = 5
        progress("laying out the hall", 0, steps)
        try fm.createDirectory(atPath: directory + "/library", withIntermediateDirectories: true)
        var rng = SeededRandom(seed: spec.seed)
        let layout = buildLayout(&rng)
        progress("writing hall.glb", 1, steps)
        try GLBWriter.write(layout.hall, to: directory + "/hall.glb")
        progress("writing the library", 2, steps)
        var agv = GLTFDocument.withPalette()
        agv.addPart(HallModels.agv(detail: spec.detail), name: "AGV", parent: nil)
        try GLBWriter.write(agv, to: directory + "/library/agv.glb")
        var charger = GLTFDocument.withPalette()
        charger.addPart(HallModels.charger(detail: spec.detail), name: "Charger", parent: nil)
        try GLBWriter.write(charger, to: directory + "/library/charger.glb")
        progress("writing plant.yaml and state.json", 3, steps)
        let manifest = manifestText(layout)
        try manifest.write(toFile: directory + "/plant.yaml", atomically: true, encoding: .utf8)
        try stateText(layout).write(toFile: directory + "/state.json", atomically: true, encoding: .utf8)
        progress("done", steps, steps)
        let triangles = layout.hall.triangleCount + layout.chargers.count * charger.triangleCount
            + spec.agvs * agv.triangleCount
        return Output(files: ["plant.yaml", "state.json", "hall.glb", "library/agv.glb", "library/charger.glb"],
                      triangles: triangles, machines: layout.machines.count)
    }

    /// A moment of the shift for the demo's snapshots: most machines running, a few idle,
    /// starved, blocked, in maintenance or at fault; AGVs on the aisles or charging.
    func stateText(_ layout: Layout) -> String {
        var rng = SeededRandom(seed: spec.seed ^ 0x5EED_57A7)
        var lines: [String] = []
        for m in layout.machines {
            let roll = rng.uniform(0...1)
            let status = roll < 0.70 ? "running" : roll < 0.80 ? "idle" : roll < 0.86 ? "starved" : roll < 0.91 ? "blocked"
                : roll < 0.95 ? "maintenance" : roll < 0.98 ? "fault" : "offline"
            lines.append("    \"\(m.id)\": {\"status\": \"\(status)\"}")
        }
        // AGVs spread over the aisles, heading the way the aisle runs; the rest stay charging.
        let stops = layout.nodes.filter { n in
            n.theta != nil && !n.id.hasPrefix("CH") && !n.id.hasSuffix("-J") && Int(n.id.filter(\.isNumber)).map { $0 % 3 == 1 } == true
        }
        for i in 0..<spec.agvs {
            let id = String(format: "AGV-%02d", i + 1)
            if i % 2 == 0 || i >= layout.chargers.count {
                let node = stops[(i * stops.count / max(spec.agvs, 1) + 1) % stops.count]
                lines.append("    \"\(id)\": {\"pose\": {\"x\": \(f(node.x)), \"y\": \(f(node.y)), \"theta\": \(angle(node.theta ?? 0))}}")
            }
        }
        return "{\n  \"time\": \"2026-05-04T08:15:00Z\",\n  \"entities\": {\n" + lines.joined(separator: ",\n") + "\n  }\n}\n"
    }

    // MARK: Layout

    struct PlacedMachine {
        var id: String
        var kind: MachineKind
        var x: Double, y: Double, theta: Double
    }

    struct NetworkNode { var id: String; var x: Double; var y: Double; var theta: Double? }
    struct NetworkEdge {
        var start: String, end: String
        var arc: (center: SIMD2<Double>, radius: Double, startAngle: Double, sweep: Double)?
        var bidirectional: Bool
    }

    struct Layout {
        var hall = GLTFDocument.withPalette()
        var machines: [PlacedMachine] = []
        var conveyors: [String] = []
        var racks: [String] = []
        var stations: [(id: String, node: String)] = []
        var chargers: [(id: String, x: Double, y: Double, node: String)] = []
        var nodes: [NetworkNode] = []
        var edges: [NetworkEdge] = []
        var routes: [(id: String, nodes: [String], agv: String)] = []
        var docks: [Dock] = []
        var parking: [String] = []

        /// Where AGV `i` (from 0) stands at the start: a charger each while there are chargers,
        /// then the parking places in turn.
        func start(ofAGV i: Int) -> String {
            i < chargers.count ? chargers[i].node : parking[(i - chargers.count) % parking.count]
        }
    }

    /// A network node off an aisle: a machine's or rack's dock, or a parking place.
    struct Dock {
        var id: String
        /// The aisle it leaves from (0 the south aisle, `blocks` the north one) and where it lies.
        var aisle: Int
        var x: Double, y: Double
        var parking = false
    }

    /// Where the docks and parking places go: 2.2 m from the aisle's middle toward what they serve.
    func dockPlan(_ layout: Layout) -> [Dock] {
        var docks: [Dock] = []
        let offset = 2.2
        for m in layout.machines {
            // Row 0 of block b faces aisle b from the north (theta 0); row 1 faces aisle b + 1 from the south.
            let block = Int(((m.y - aisleY(0)) / 22).rounded(.down))
            let facesSouth = m.theta == 0
            let aisle = facesSouth ? block : block + 1
            let y = aisleY(aisle) + (facesSouth ? offset : -offset)
            docks.append(Dock(id: m.id + "-IN", aisle: aisle, x: m.x - 1.2, y: y))
            docks.append(Dock(id: m.id + "-OUT", aisle: aisle, x: m.x + 1.2, y: y))
        }
        let rackLength = 3 * 2.7 + 0.08
        var x = 12.0
        for rack in layout.racks {
            docks.append(Dock(id: rack + "-D", aisle: spec.blocks, x: x + rackLength / 2, y: aisleY(spec.blocks) + offset))
            x += rackLength + 0.9
        }
        // Parking places south of the south aisle, across from the machines' docks, leaving the
        // walkway that crosses the aisle in the middle of the hall free.
        let south = docks.filter { $0.aisle == 0 }.map(\.x).filter { abs($0 - hallLength / 2) > 3 }.sorted()
        for (i, px) in south.enumerated() {
            docks.append(Dock(id: String(format: "P-%02d", i + 1), aisle: 0, x: px, y: aisleY(0) - 2.6, parking: true))
        }
        return docks
    }

    func buildLayout(_ rng: inout SeededRandom) -> Layout {
        var layout = Layout()
        let length = hallLength, depth = hallDepth, detail = spec.detail
        let doors = (0..<spec.blocks).map { k in (aisleY(k) + 9.5)...(aisleY(k) + 12.5) }

        // Building.
        let building = layout.hall.addNode(.init(name: "Building"), parent: nil)
        let (floor, walls, columns) = HallModels.building(length: length, depth: depth, wallHeight: 9,
                                                           detail: detail, doorsEast: doors)
        layout.hall.addPart(floor, name: "Floor", parent: building)
        layout.hall.addPart(walls, name: "Walls", parent: building)
        layout.hall.addPart(columns, name: "Columns", parent: building)

        // Machines: two rows per block, facing the aisle on their side.
        let machinesNode = layout.hall.addNode(.init(name: "Machines"), parent: nil)
        let kinds = MachineKind.allCases
        var number = 0
        for block in 0..<spec.blocks {
            for row in 0..<2 {
                let primary = kinds[(2 * block + row) % kinds.count]
                let y = aisleY(block) + (row == 0 ? 5.5 : 16.5)
                let theta = row == 0 ? 0.0 : Double.pi
                for i in 0..<spec.machinesPerRow {
                    number += 1
                    let kind = rng.chance(0.2) ? kinds[rng.index(kinds.count)] : primary
                    let id = String(format: "M-%03d", number)
                    let x = 16 + 7 * Double(i)
                    let part = kind.build(&rng, detail: detail)
                    layout.hall.addPart(part, name: id, transform: FloorFrame.placement(x: x, y: y, theta: theta),
                                        parent: machinesNode)
                    layout.machines.append(PlacedMachine(id: id, kind: kind, x: x, y: y, theta: theta))
                }
            }
        }

        // Conveyors between the rows of each block, in 12 m sections, with transfer stations at both ends.
        let conveyorsNode = layout.hall.addNode(.init(name: "Conveyors"), parent: nil)
        let stationsNode = layout.hall.addNode(.init(name: "Stations"), parent: nil)
        let sections = Int((length - 24) / 12)
        for block in 0..<spec.blocks {
            let y = aisleY(block) + 11
            for s in 0..<sections {
                let id = String(format: "C-%d%02d", block + 1, s + 1)
                layout.hall.addPart(HallModels.conveyor(length: 12, detail: detail), name: id,
                                    transform: FloorFrame.placement(x: 12 + 12 * Double(s), y: y, theta: 0),
                                    parent: conveyorsNode)
                layout.conveyors.append(id)
            }
            for (side, x) in [("W", 10.4), ("E", 12 + 12 * Double(sections) + 1.0)] {
                let id = "ST-\(side)\(block + 1)"
                layout.hall.addPart(HallModels.transferStation(detail: detail), name: id,
                                    transform: FloorFrame.placement(x: x, y: y, theta: 0), parent: stationsNode)
                layout.stations.append((id, side == "W" ? "W-S\(block + 1)" : "E-S\(block + 1)"))
            }
        }

        // Racks along the north wall, behind the last aisle.
        let racksNode = layout.hall.addNode(.init(name: "Racks"), parent: nil)
        let rackLength = 3 * 2.7 + 0.08
        var x = 12.0, rackNumber = 0
        while x + rackLength < length - 12 {
            rackNumber += 1
            let id = String(format: "R-%02d", rackNumber)
            layout.hall.addPart(HallModels.rack(bays: 3, levels: 4, rng: &rng, detail: detail), name: id,
                                transform: FloorFrame.placement(x: x, y: aisleY(spec.blocks) + 3.5, theta: 0),
                                parent: racksNode)
            layout.racks.append(id)
            x += rackLength + 0.9
        }

        buildNetwork(&layout)
        return layout
    }

    /// The aisle loop (one way, counterclockwise, with curved corners), two-way cross aisles,
    /// spurs to the chargers, and routes found through it.
    func buildNetwork(_ layout: inout Layout) {
        let L = hallLength, inset = Self.aisleInset, r = Self.cornerRadius
        let south = aisleY(0), north = aisleY(spec.blocks)
        let west = inset, east = L - inset
        var nodes: [NetworkNode] = []
        var edges: [NetworkEdge] = []
        func node(_ id: String, _ x: Double, _ y: Double, _ theta: Double? = nil) -> String {
            nodes.append(NetworkNode(id: id, x: x, y: y, theta: theta))
            return id
        }
        /// Node ids along a straight run from a to b at about `spacing`, ends included, and the
        /// junctions asked for by name at their fractions (one within half a metre of another
        /// node is that node: `junction` answers which).
        var junction: [String: String] = [:]
        func run(_ prefix: String, from a: SIMD2<Double>, to b: SIMD2<Double>, stops: [Double], heading: Double?,
                 named: [(t: Double, id: String)] = []) -> [String] {
            let d = b - a
            let length = (d.x * d.x + d.y * d.y).squareRoot()
            var ts = Set((0...Int((length / 12).rounded(.up))).map { Double($0) / (length / 12).rounded(.up) })
            for stop in stops { ts.insert(stop) }
            var placed: [(t: Double, id: String)] = ts.sorted().enumerated().map { i, t in
                let p = a + d * t
                return (t, node("\(prefix)\(i + 1)", p.x, p.y, heading))
            }
            for (t, id) in named.sorted(by: { $0.t < $1.t }) where t > 0 && t < 1 {
                if let near = placed.first(where: { abs($0.t - t) * length < 0.5 }) { junction[id] = near.id; continue }
                let p = a + d * t
                placed.append((t, node(id, p.x, p.y, heading)))
                junction[id] = id
            }
            return placed.sorted { $0.t < $1.t }.map(\.id)
        }
        let chargerYs = (0..<min(4, spec.agvs)).map { south + 4 + Double($0) * 2.2 }
        let stationYs = (0..<spec.blocks).map { aisleY($0) + 11 }
        let crossYs = (1..<max(1, spec.blocks)).map { aisleY($0) }
        // Stops along the west and east aisles, as fractions of the run.
        let westStops = (chargerYs + stationYs + crossYs).map { (north - r - $0) / (north - south - 2 * r) }
        let eastStops = (stationYs + crossYs).map { ($0 - south - r) / (north - south - 2 * r) }

        // Docks: each machine's infeed (west of its middle) and outfeed (east), 2.2 m off the aisle
        // it faces; each rack's one dock off the north aisle; parking places off the south aisle.
        let docks = dockPlan(layout)
        func named(_ aisle: Int, from x0: Double, to x1: Double) -> [(t: Double, id: String)] {
            docks.filter { $0.aisle == aisle }.map { ((($0.x - x0) / (x1 - x0)), $0.id + "-J") }
        }
        let southRun = run("S", from: SIMD2(west + r, south), to: SIMD2(east - r, south), stops: [], heading: 0,
                           named: named(0, from: west + r, to: east - r))
        var eastRun = run("E", from: SIMD2(east, south + r), to: SIMD2(east, north - r), stops: eastStops, heading: .pi / 2)
        let northRun = run("N", from: SIMD2(east - r, north), to: SIMD2(west + r, north), stops: [], heading: .pi,
                           named: named(spec.blocks, from: east - r, to: west + r))
        var westRun = run("W", from: SIMD2(west, north - r), to: SIMD2(west, south + r), stops: westStops, heading: -.pi / 2)
        for runIds in [southRun, eastRun, northRun, westRun] {
            for (a, b) in zip(runIds, runIds.dropFirst()) { edges.append(NetworkEdge(start: a, end: b, arc: nil, bidirectional: false)) }
        }
        // Quarter-circle corners, counterclockwise.
        let corners: [(String, String, SIMD2<Double>, Double)] = [
            (southRun.last!, eastRun.first!, SIMD2(east - r, south + r), -.pi / 2),
            (eastRun.last!, northRun.first!, SIMD2(east - r, north - r), 0),
            (northRun.last!, westRun.first!, SIMD2(west + r, north - r), .pi / 2),
            (westRun.last!, southRun.first!, SIMD2(west + r, south + r), .pi),
        ]
        for (a, b, center, start) in corners {
            edges.append(NetworkEdge(start: a, end: b, arc: (center, r, start, .pi / 2), bidirectional: false))
        }
        func nearest(_ ids: [String], x: Double? = nil, y: Double? = nil) -> String {
            ids.min { p, q in
                let a = nodes.first { $0.id == p }!, b = nodes.first { $0.id == q }!
                return abs((x.map { a.x - $0 } ?? 0)) + abs((y.map { a.y - $0 } ?? 0))
                    < abs((x.map { b.x - $0 } ?? 0)) + abs((y.map { b.y - $0 } ?? 0))
            }!
        }
        // Cross aisles, two-way, between the west and east aisles.
        for (k, y) in crossYs.enumerated() {
            let cross = run("X\(k + 1)-", from: SIMD2(west + 4, y), to: SIMD2(east - 4, y), stops: [], heading: nil,
                            named: named(k + 1, from: west + 4, to: east - 4))
            for (a, b) in zip(cross, cross.dropFirst()) { edges.append(NetworkEdge(start: a, end: b, arc: nil, bidirectional: true)) }
            edges.append(NetworkEdge(start: nearest(westRun, y: y), end: cross.first!, arc: nil, bidirectional: true))
            edges.append(NetworkEdge(start: cross.last!, end: nearest(eastRun, y: y), arc: nil, bidirectional: true))
        }
        // Station stops: the aisle nodes beside the transfer stations, renamed for reading.
        for (k, y) in stationYs.enumerated() {
            for (old, new) in [(nearest(westRun, y: y), "W-S\(k + 1)"), (nearest(eastRun, y: y), "E-S\(k + 1)")] {
                for i in nodes.indices where nodes[i].id == old { nodes[i].id = new }
                for i in edges.indices {
                    if edges[i].start == old { edges[i].start = new }
                    if edges[i].end == old { edges[i].end = new }
                }
                westRun = westRun.map { $0 == old ? new : $0 }
                eastRun = eastRun.map { $0 == old ? new : $0 }
            }
        }
        // Chargers on the west wall, reached by two-way spurs from the west aisle.
        for (i, y) in chargerYs.enumerated() {
            let aisleNode = nearest(nodes.map(\.id).filter { $0.hasPrefix("W") && !$0.hasPrefix("W-S") }, y: y)
            let id = node("CH\(i + 1)", 3.3, y, .pi)
            edges.append(NetworkEdge(start: aisleNode, end: id, arc: nil, bidirectional: true))
            layout.chargers.append(("CS-\(i + 1)", 2.0, y, id))
        }
        // The docks and parking places, each on a two-way spur from its junction on the aisle.
        for dock in docks {
            guard let j = junction[dock.id + "-J"] else { continue }
            nodes.append(NetworkNode(id: dock.id, x: dock.x, y: dock.y, theta: nil))
            edges.append(NetworkEdge(start: j, end: dock.id, arc: nil, bidirectional: true))
            if dock.parking { layout.parking.append(dock.id) }
        }
        layout.docks = docks
        layout.nodes = nodes
        layout.edges = edges

        // Routes: a full loop, and supply runs from a charger past each block's stations.
        let graph = RouteFinder(nodes: nodes, edges: edges)
        let loop = southRun + eastRun + northRun + westRun + [southRun.first!]
        layout.routes.append(("R-LOOP", loop, "AGV-01"))
        for k in 0..<spec.blocks {
            // Each supply run starts and ends where its AGV stands.
            let agv = (k + 1) % spec.agvs
            let home = layout.start(ofAGV: agv)
            if let path = graph.path(through: [home, "E-S\(k + 1)", "W-S\(k + 1)", home]) {
                layout.routes.append(("R-SUPPLY-\(k + 1)", path, String(format: "AGV-%02d", agv + 1)))
            }
        }
    }
}

/// Shortest paths by length through the generator's network, for its routes.
struct RouteFinder {
    let nodes: [DemoPlantGenerator.NetworkNode]
    let edges: [DemoPlantGenerator.NetworkEdge]

    func path(through waypoints: [String]) -> [String]? {
        var result: [String] = [waypoints[0]]
        for (a, b) in zip(waypoints, waypoints.dropFirst()) {
            guard let leg = shortest(from: a, to: b) else { return nil }
            result += leg.dropFirst()
        }
        return result
    }

    private func shortest(from: String, to: String) -> [String]? {
        let position = Dictionary(uniqueKeysWithValues: nodes.map { ($0.id, SIMD2($0.x, $0.y)) })
        var next: [String: [(String, Double)]] = [:]
        for e in edges {
            let d = position[e.end]! - position[e.start]!
            let w = (d.x * d.x + d.y * d.y).squareRoot()
            next[e.start, default: []].append((e.end, w))
            if e.bidirectional { next[e.end, default: []].append((e.start, w)) }
        }
        var distance: [String: Double] = [from: 0]
        var previous: [String: String] = [:]
        var open: Set<String> = [from]
        while let current = open.min(by: { (distance[$0]!, $0) < (distance[$1]!, $1) }) {
            open.remove(current)
            if current == to { break }
            for (n, w) in next[current] ?? [] where distance[current]! + w < distance[n] ?? .infinity {
                distance[n] = distance[current]! + w
                previous[n] = current
                open.insert(n)
            }
        }
        guard distance[to] != nil else { return nil }
        var path = [to]
        while let p = previous[path[0]] { path.insert(p, at: 0) }
        return path
    }
}
