import Foundation
import TwinCollision
import TwinGeometry
import TwinJSON
import TwinLayout
import TwinOperations
import TwinRender

extension TransportPlan {
    /// The figures and, per AGV and per order, what the plan does: `twin plan --json`.
    public func json(includeOrders: Bool = true) -> JSONObject {
        let m = metrics
        func n(_ v: Double, _ digits: Double = 1000) -> JSONValue { v.isFinite ? .number((v * digits).rounded() / digits) : .null }
        var o = JSONObject()
        func add(_ k: String, _ v: JSONValue) { o.members.append(.init(key: k, value: v)) }
        add("orders", .number(Double(m.orders + rejected.count)))
        add("rejected", .array(rejected.map { .string($0) }))
        add("planned", .number(Double(m.orders)))
        add("done", .number(Double(m.done)))
        add("on_time", .number(Double(m.onTime)))
        add("on_time_share", n(m.onTimeShare))
        add("mean_lead_time_s", n(m.meanLeadTime, 10))
        add("p95_lead_time_s", n(m.p95LeadTime, 10))
        add("makespan_s", n(m.makespan, 10))
        add("agv_utilization", n(m.utilization))
        add("empty_travel_share", n(m.emptyTravelShare))
        add("waiting_s", n(m.waiting, 10))
        add("charges", .number(Double(m.charges)))
        add("planning_s", n(m.planningSeconds))
        add("verification_s", n(m.verificationSeconds))
        add("minimum_separation_m", n(m.minimumSeparation))
        add("conflicts", .number(Double(verification.conflicts.count)))
        add("deadlocks", .number(0))
        add("agvs", .array(timelines.map { v in
            .object(JSONObject([
                .init(key: "id", value: .string(v.agv.id)),
                .init(key: "orders", value: .number(Double(v.tasks.filter { $0.kind == .drop }.count))),
                .init(key: "driven_m", value: n(v.driven, 10)),
                .init(key: "loaded_m", value: n(v.loadedDistance, 10)),
                .init(key: "battery_end_percent", value: n(v.battery, 10)),
            ]))
        }))
        if includeOrders {
            add("plan", .array(result.outcomes.map { r in
                var e = JSONObject([.init(key: "order", value: .string(r.order))])
                if let agv = r.agv { e.members.append(.init(key: "agv", value: .string(agv))) }
                if let t = r.picked { e.members.append(.init(key: "picked_s", value: n(t, 10))) }
                if let t = r.dropped { e.members.append(.init(key: "dropped_s", value: n(t, 10))) }
                if let why = r.reason { e.members.append(.init(key: "not_planned", value: .string(why))) }
                return .object(e)
            }))
        }
        return o
    }

    /// The summary lines `twin plan` prints.
    public var summaryLines: [String] {
        let m = metrics
        return [
            "orders      \(m.orders + rejected.count) read, \(rejected.count) rejected, \(m.done) of \(m.orders) done, " + String(format: "%.1f %% on time", 100 * m.onTimeShare),
            String(format: "lead time   mean %.1f s, p95 %.1f s; makespan %@", m.meanLeadTime, m.p95LeadTime, Self.clock(m.makespan)),
            String(format: "fleet       %d AGVs, utilization %.0f %%, empty travel %.0f %%, waiting %.0f s, %d charges",
                   timelines.count, 100 * m.utilization, 100 * m.emptyTravelShare, m.waiting, m.charges),
            String(format: "verified    %d conflicts, 0 deadlocks, smallest separation %.3f m (exact fleet check, %.2f s)",
                   verification.conflicts.count, m.minimumSeparation, m.verificationSeconds),
            String(format: "planning    %.2f s", m.planningSeconds),
        ]
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
    }

    /// A Markdown report: the figures, each AGV's day, the late and unplanned orders.
    public func markdown(plant: String, ordersFile: String) -> String {
        let m = metrics
        var s = "# Transport plan: \(plant)\n\n"
        s += "Orders from `\(ordersFile)`, \(timelines.count) AGVs. Every AGV's plan was checked against every other's with the exact fleet check "
        s += String(format: "(%d conflicts, smallest separation %.3f m).\n\n", verification.conflicts.count, m.minimumSeparation)
        s += "| figure | value |\n| --- | --- |\n"
        s += "| orders read / rejected / planned | \(m.orders + rejected.count) / \(rejected.count) / \(m.orders) |\n"
        s += "| orders done | \(m.done) |\n"
        s += String(format: "| on time | %.1f %% (%d) |\n", 100 * m.onTimeShare, m.onTime)
        s += String(format: "| lead time, mean / p95 | %.1f s / %.1f s |\n", m.meanLeadTime, m.p95LeadTime)
        s += "| makespan | \(Self.clock(m.makespan)) |\n"
        s += String(format: "| AGV utilization | %.0f %% |\n| empty travel | %.0f %% of the distance |\n", 100 * m.utilization, 100 * m.emptyTravelShare)
        s += String(format: "| waiting on the way | %.0f s in all |\n| charges | %d |\n", m.waiting, m.charges)
        s += String(format: "| planning / verification | %.2f s / %.2f s |\n\n", m.planningSeconds, m.verificationSeconds)
        s += "## AGVs\n\n| AGV | orders | driven | loaded | battery at the end |\n| --- | ---: | ---: | ---: | ---: |\n"
        for v in timelines {
            s += String(format: "| %@ | %d | %.0f m | %.0f m | %.0f %% |\n", v.agv.id, v.tasks.filter { $0.kind == .drop }.count, v.driven, v.loadedDistance, v.battery)
        }
        let byId = Dictionary(result.orders.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let late = result.outcomes.filter { r in r.dropped.map { $0 > byId[r.order]!.due } ?? false }
            .sorted { ($0.dropped! - byId[$0.order]!.due) > ($1.dropped! - byId[$1.order]!.due) }
        if !late.isEmpty {
            s += "\n## Latest orders (\(late.count) late)\n\n| order | from | to | due | dropped | late by |\n| --- | --- | --- | --- | --- | ---: |\n"
            for r in late.prefix(20) {
                let o = byId[r.order]!
                s += String(format: "| %@ | %@ | %@ | %@ | %@ | %.0f s |\n", o.id, o.from, o.to, Self.clock(o.due), Self.clock(r.dropped!), r.dropped! - o.due)
            }
        }
        let unplanned = result.outcomes.filter { $0.reason != nil }
        if !unplanned.isEmpty || !rejected.isEmpty {
            s += "\n## Not planned\n\n"
            for line in rejected { s += "- \(line)\n" }
            for r in unplanned { s += "- order \(r.order): \(r.reason!)\n" }
        }
        return s
    }

    /// The plan as a fleet file for `twin check --fleet`: one entry per stretch driven without
    /// stopping, in order; each AGV's entries continue from where the one before left it.
    public func fleetYAML() -> String {
        var s = "# A transport plan written by `twin plan`: each entry is a stretch an AGV drives without stopping,\n"
        s += "# from start_s on; an AGV's entries follow one another; 'like' names the plant's AGV an added one copies.\n"
        s += "# Check it: twin check PLANT --fleet THIS_FILE\n"
        s += "agvs:\n"
        for v in timelines {
            for (k, leg) in TransportPlanner.legs(of: v, graph: graph).enumerated() {
                var line = "  - {agv: \(v.agv.id), " + (v.agv.copyOf.map { "like: \($0), " } ?? "") + "nodes: [\(leg.nodes.joined(separator: ", "))], start_s: \(Self.exact(leg.start)), "
                line += "speed_mps: \(Self.exact(v.agv.drive.speed)), rotation_speed_radps: \(Self.exact(v.agv.drive.rotationSpeed))"
                if k == 0 { line += ", start_heading_rad: \(Self.exact(v.startHeading))" }
                s += line + "}\n"
            }
        }
        return s
    }

    /// A number written so that it reads back to the same double.
    static func exact(_ v: Double) -> String { "\(v)" }

    /// VDA 5050 2.1 orders, one per transport order and AGV: from where the AGV stands through
    /// the pickup (released: the base) to the drop (not yet released: the horizon, released
    /// once the load is on), with a pick action at the pickup and a drop action at the drop.
    public func vda5050Orders(plant: Plant, time: String = "2026-05-04T06:00:00.000Z") -> [(agv: String, order: String, json: String)] {
        var out: [(String, String, String)] = []
        for v in timelines {
            let entity = plant.entity(id: v.agv.id)
            var moveIndex = 0
            var header = 0
            for task in v.tasks where task.kind == .pick {
                guard let order = task.order, let drop = v.tasks.first(where: { $0.kind == .drop && $0.order == order }) else { continue }
                // The moves of this order: from the first after the previous stop up to the drop.
                var moves: [TimedMove] = []
                while moveIndex < v.moves.count && v.moves[moveIndex].arrival <= drop.start + 1e-6 {
                    moves.append(v.moves[moveIndex]); moveIndex += 1
                }
                let pickAt = moves.lastIndex { $0.arrival <= task.start + 1e-6 }.map { $0 + 1 } ?? 0
                let nodes = [moves.first.map { graph.arcs[$0.arc].from }].compactMap { $0 } + moves.map { graph.arcs[$0.arc].to }
                guard !nodes.isEmpty else { continue }
                header += 1
                var nodeValues: [JSONValue] = []
                var edgeValues: [JSONValue] = []
                for (k, node) in nodes.enumerated() {
                    var actions: [JSONValue] = []
                    if k == pickAt { actions.append(Self.action("pick", id: "\(order)-pick", node: task.node, load: order)) }
                    if k == nodes.count - 1 { actions.append(Self.action("drop", id: "\(order)-drop", node: drop.node, load: order)) }
                    let p = graph.positions[node]
                    nodeValues.append(.object(JSONObject([
                        .init(key: "nodeId", value: .string(graph.nodeIds[node])),
                        .init(key: "sequenceId", value: .number(Double(2 * k))),
                        .init(key: "released", value: .bool(k <= pickAt)),
                        .init(key: "nodePosition", value: .object(JSONObject([
                            .init(key: "x", value: .number((p.x * 1000).rounded() / 1000)), .init(key: "y", value: .number((p.y * 1000).rounded() / 1000)),
                            .init(key: "mapId", value: .string("hall")),
                        ]))),
                        .init(key: "actions", value: .array(actions)),
                    ])))
                    if k > 0 {
                        let arc = graph.arcs[moves[k - 1].arc]
                        edgeValues.append(.object(JSONObject([
                            .init(key: "edgeId", value: .string(arc.edge)),
                            .init(key: "sequenceId", value: .number(Double(2 * k - 1))),
                            .init(key: "released", value: .bool(k <= pickAt)),
                            .init(key: "startNodeId", value: .string(graph.nodeIds[arc.from])),
                            .init(key: "endNodeId", value: .string(graph.nodeIds[arc.to])),
                            .init(key: "maxSpeed", value: .number(v.agv.drive.speed)),
                            .init(key: "actions", value: .array([])),
                        ])))
                    }
                }
                let object = JSONObject([
                    .init(key: "headerId", value: .number(Double(header))),
                    .init(key: "timestamp", value: .string(time)),
                    .init(key: "version", value: .string("2.1.0")),
                    .init(key: "manufacturer", value: .string(entity?.manufacturer ?? "factorytwin")),
                    .init(key: "serialNumber", value: .string(entity?.serialNumber ?? v.agv.id.lowercased())),
                    .init(key: "orderId", value: .string(order)),
                    .init(key: "orderUpdateId", value: .number(0)),
                    .init(key: "nodes", value: .array(nodeValues)),
                    .init(key: "edges", value: .array(edgeValues)),
                ])
                out.append((v.agv.id, order, JSONWriter.string(.object(object), pretty: true)))
            }
        }
        return out
    }

    static func action(_ type: String, id: String, node: String, load: String) -> JSONValue {
        .object(JSONObject([
            .init(key: "actionType", value: .string(type)),
            .init(key: "actionId", value: .string(id)),
            .init(key: "blockingType", value: .string("HARD")),
            .init(key: "actionParameters", value: .array([
                .object(JSONObject([.init(key: "key", value: .string("stationName")), .init(key: "value", value: .string(node))])),
                .object(JSONObject([.init(key: "key", value: .string("loadId")), .init(key: "value", value: .string(load))])),
            ])),
        ]))
    }

    /// A plan view of the traffic: every edge driven, blue where AGVs carry a load and grey where
    /// they drive empty (thicker the more often), and amber discs where AGVs wait for others
    /// (larger the longer).
    public func trafficImage(_ twin: Twin, width: Int = 1920, height: Int = 1080) throws(TwinError) -> Image {
        let plant = twin.layout
        let camera = CameraPresets.plan(bounds: plant.bounds, aspect: Double(width) / Double(max(height, 1)))
        let snapshot = try twin.render(SnapshotRequest(camera: .explicit(camera), width: width, height: height, samples: 4, outlines: true, overlays: false))
        var overlay = PlantOverlay.make(plant: plant, states: EntityStates(twin.state), statusColors: [:], cameraName: "plan")
        overlay.paths = []
        overlay.markers = []
        var loaded: [Int: Int] = [:], empty: [Int: Int] = [:]
        var waits: [Int: Double] = [:]
        for v in timelines {
            let carrying = v.tasks.filter { $0.kind == .pick }.compactMap { pick in
                v.tasks.first { $0.kind == .drop && $0.order == pick.order }.map { (pick.end, $0.start) }
            }
            for (k, move) in v.moves.enumerated() {
                if carrying.contains(where: { move.departure >= $0.0 - 1e-6 && move.arrival <= $0.1 + 1e-6 }) { loaded[move.arc, default: 0] += 1 } else { empty[move.arc, default: 0] += 1 }
                if k > 0 {
                    let gap = move.turnStart - v.moves[k - 1].arrival
                    let node = graph.arcs[move.arc].from
                    let working = v.tasks.contains { $0.node == graph.nodeIds[node] && abs($0.start - v.moves[k - 1].arrival) < 1e-6 }
                    if gap > 1e-3 && !working { waits[node, default: 0] += gap }
                }
            }
        }
        let most = Double(max(1, loaded.values.max() ?? 1, empty.values.max() ?? 1))
        for (arcs, color) in [(empty, SIMD4<Float>(0.45, 0.47, 0.5, 0.9)), (loaded, SIMD4<Float>(0.12, 0.42, 0.85, 0.95))] {
            for (a, count) in arcs {
                let arc = graph.arcs[a]
                let path = AGVPath([arc.segment])
                let steps = max(1, Int(path.length / 0.5))
                let points = (0...steps).map { k -> SIMD3<Double> in
                    let p = path.pose(at: path.length * Double(k) / Double(steps))
                    return FloorFrame.scenePoint(x: p.x, y: p.y, z: 0.05)
                }
                let width = 1.5 + 4 * Double(count) / most
                overlay.paths.append(Overlay.FloorPath(points: points, color: color, width: width, arrowForward: false))
            }
        }
        let longest = max(1, waits.values.max() ?? 1)
        for (node, seconds) in waits {
            let p = graph.positions[node]
            overlay.markers.append(Overlay.Marker(position: FloorFrame.scenePoint(x: p.x, y: p.y, z: 0.05), radius: 3 + 9 * seconds / longest,
                                                  fill: SIMD4(0.96, 0.62, 0.04, 0.85), ring: SIMD4(1, 1, 1, 1)))
        }
        overlay.legend = overlay.legend.filter { $0.text.hasSuffix("zone") } + [
            Overlay.LegendEntry(color: SIMD4(0.12, 0.42, 0.85, 1), text: "driven loaded"),
            Overlay.LegendEntry(color: SIMD4(0.45, 0.47, 0.5, 1), text: "driven empty"),
            Overlay.LegendEntry(color: SIMD4(0.96, 0.62, 0.04, 1), text: String(format: "waiting for others (%.0f s at most)", longest)),
        ]
        overlay.title = "\(plant.name) - transport plan: \(metrics.done) orders, \(timelines.count) AGVs"
        let frame = RenderedFrame(image: snapshot.image, items: snapshot.items, viewDepth: [], timings: RenderTimings(), trianglesBinned: 0)
        return OverlayPainter.paint(overlay, on: frame, view: ViewGeometry(camera: snapshot.camera, width: width, height: height))
    }
}
