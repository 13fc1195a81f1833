import Foundation
import TwinGeometry

extension DemoPlantGenerator {
    /// The plant.yaml of a generated layout.
    func manifestText(_ layout: Layout) -> String {
        let L = hallLength, D = hallDepth
        var y = YAMLText()
        y.line("# The FactoryTwin demo plant, written by `twin generate` (seed \(spec.seed)).")
        y.line("# Regenerate it rather than edit it: the same seed gives the same files.")
        y.line("name: \(spec.name)")
        y.line("description: An assembly hall of \(f(L, 0)) x \(f(D, 0)) m with \(layout.machines.count) machines, roller conveyors, racks and an AGV fleet.")
        y.line("")
        y.line("# Model files placed on the floor: the hall with its installations, and library models.")
        y.line("models:")
        y.line("  - id: hall")
        y.line("    file: hall.glb")
        for (i, charger) in layout.chargers.enumerated() {
            y.line("  - id: charger-\(i + 1)")
            y.line("    file: library/charger.glb")
            y.line("    position: [\(f(charger.x)), \(f(charger.y))]")
            y.line("    rotation_deg: 0")
        }
        y.line("")
        y.line("machines:")
        for m in layout.machines {
            y.line("  - {id: \(m.id), kind: \(m.kind.rawValue), node: hall/Machines/\(m.id), docks: {in: \(m.id)-IN, out: \(m.id)-OUT}, handling_s: 20}")
        }
        y.line("")
        y.line("# What machines of a kind share: the ideal cycle time (seconds per part at the ideal rate).")
        y.line("machine_kinds:")
        var kinds: [MachineKind] = []
        for m in layout.machines where !kinds.contains(m.kind) { kinds.append(m.kind) }
        for kind in kinds { y.line("  \(kind.rawValue): {cycle_s: \(f(kind.cycleSeconds))}") }
        y.line("")
        y.line("conveyors:")
        for c in layout.conveyors { y.line("  - {id: \(c), kind: roller, node: hall/Conveyors/\(c)}") }
        y.line("")
        y.line("racks:")
        for r in layout.racks { y.line("  - {id: \(r), kind: pallet-rack, node: hall/Racks/\(r), dock: \(r)-D, handling_s: 30}") }
        y.line("")
        y.line("# Production lines: each row of machines in flow order (west to east), and the conveyor")
        y.line("# sections between the two rows of its block that carry its parts.")
        y.line("lines:")
        let rows = Dictionary(grouping: layout.machines, by: { $0.y }).sorted { $0.key < $1.key }
        for (n, row) in rows.enumerated() {
            let machines = row.value.sorted { $0.x < $1.x }.map(\.id)
            let block = n / 2
            let conveyors = layout.conveyors.filter { $0.hasPrefix("C-\(block + 1)") && $0.count == 5 }
            y.line("  - {id: LINE-\(n + 1), machines: [\(machines.joined(separator: ", "))], conveyors: [\(conveyors.joined(separator: ", "))]}")
        }
        y.line("")
        y.line("# Working time: three shifts on weekdays (the week starts Monday 06:00) with their breaks, days off,")
        y.line("# and planned maintenance.")
        y.line("# Availability is measured against the planned busy time (ISO 22400-2): shifts less breaks and planned stops.")
        y.line("calendar:")
        y.line("  time_zone: UTC")
        y.line("  shifts:")
        y.line("    - {name: early, start: \"06:00\", end: \"14:00\", days: mon-fri, breaks: [\"09:00-09:15\", \"11:30-12:00\"]}")
        y.line("    - {name: late, start: \"14:00\", end: \"22:00\", days: mon-fri, breaks: [\"17:00-17:15\", \"19:30-20:00\"]}")
        y.line("    - {name: night, start: \"22:00\", end: \"06:00\", days: mon-thu, breaks: [\"02:00-02:30\"]}")
        y.line("  days_off: [2026-12-24, 2026-12-25, 2026-12-31, 2027-01-01]")
        y.line("  planned_stops:")
        y.line("    - {entities: [\(layout.machines[2].id)], from: \"2026-05-05T06:00\", to: \"2026-05-05T08:00\", reason: planned_maintenance}")
        y.line("")
        y.line("# Each station names the AGV network node that serves it; validation keeps it reachable.")
        y.line("stations:")
        for s in layout.stations { y.line("  - {id: \(s.id), kind: transfer, node: hall/Stations/\(s.id), network_nodes: [\(s.node)]}") }
        for (i, c) in layout.chargers.enumerated() { y.line("  - {id: \(c.id), kind: charger, model: charger-\(i + 1), network_nodes: [\(c.node)]}") }
        y.line("")
        y.line("agvs:")
        for i in 0..<spec.agvs {
            let id = String(format: "AGV-%02d", i + 1)
            let start = layout.start(ofAGV: i)
            y.line("  - id: \(id)")
            y.line("    kind: unit-load")
            y.line("    footprint: {length: 1.2, width: 0.8, height: 0.4}")
            y.line("    speed_mps: 1.2")
            y.line("    rotation_speed_radps: 0.6")
            y.line("    load_types: [bin, pallet]")
            y.line("    model: library/agv.glb")
            y.line("    start: \(start)")
            y.line("    manufacturer: factorytwin")
            y.line("    serial_number: \(id.lowercased())")
        }
        y.line("")
        y.line("# VDA 5050-style network: x, y in meters on the floor, theta in radians; the loop is one-way,")
        y.line("# counterclockwise, with quarter-circle corners (rational quadratic NURBS); the cross aisles are")
        y.line("# two-way. Every machine has an infeed and an outfeed dock, every rack one, on two-way spurs; idle")
        y.line("# AGVs stand at the parking places south of the south aisle.")
        y.line("network:")
        y.line("  nodes:")
        for n in layout.nodes {
            y.line("    - {id: \(n.id), x: \(f(n.x)), y: \(f(n.y))\(n.theta.map { ", theta: \(angle($0))" } ?? "")}")
        }
        y.line("  parking: [\(layout.parking.joined(separator: ", "))]")
        y.line("  edges:")
        for e in layout.edges {
            let two = e.bidirectional ? ", bidirectional: true" : ""
            guard let arc = e.arc else {
                y.line("    - {id: \(e.start)-\(e.end), start: \(e.start), end: \(e.end)\(two)}")
                continue
            }
            let curve = NURBSCurve.circularArc(center: arc.center, radius: arc.radius, startAngle: arc.startAngle, sweep: arc.sweep)
            y.line("    - id: \(e.start)-\(e.end)")
            y.line("      start: \(e.start)")
            y.line("      end: \(e.end)")
            y.line("      trajectory:")
            y.line("        degree: \(curve.degree)")
            y.line("        knot_vector: [\(curve.knots.map { f($0, 6) }.joined(separator: ", "))]")
            y.line("        control_points:")
            for p in curve.controlPoints {
                y.line("          - {x: \(f(p.x, 6)), y: \(f(p.y, 6)), weight: \(f(p.weight, 9))}")
            }
        }
        y.line("")
        y.line("routes:")
        for r in layout.routes {
            y.line("  - id: \(r.id)")
            y.line("    agv: \(r.agv)")
            y.line("    nodes: [\(r.nodes.joined(separator: ", "))]")
        }
        y.line("")
        y.line("zones:")
        y.line("  - {id: Z-WALK-SOUTH, kind: walkway, polygon: [[2, 1], [\(f(L - 2)), 1], [\(f(L - 2)), 4], [2, 4]]}")
        y.line("  - {id: Z-WALK-CROSSING, kind: walkway, polygon: [[\(f(L / 2 - 1)), 4], [\(f(L / 2 + 1)), 4], [\(f(L / 2 + 1)), \(f(aisleY(0) + 2))], [\(f(L / 2 - 1)), \(f(aisleY(0) + 2))]]}")
        y.line("  - {id: Z-DOCK, kind: keep-out, polygon: [[\(f(L - 4)), \(f(aisleY(0) + 8))], [\(f(L - 0.5)), \(f(aisleY(0) + 8))], [\(f(L - 0.5)), \(f(aisleY(spec.blocks - 1) + 14))], [\(f(L - 4)), \(f(aisleY(spec.blocks - 1) + 14))]]}")
        for m in layout.machines where m.kind == .press || m.kind == .robotCell {
            let size = m.kind.footprint + 1.6
            let corners = [SIMD2(-1.0, -1.0), SIMD2(1.0, -1.0), SIMD2(1.0, 1.0), SIMD2(-1.0, 1.0)].map { c -> String in
                // Local (X across, Z front) to the floor: x = X, y = -Z, then the machine's yaw.
                let lx = c.x * size.x / 2, ly = c.y * size.y / 2
                let x = m.x + lx * cos(m.theta) - ly * sin(m.theta), yy = m.y + lx * sin(m.theta) + ly * cos(m.theta)
                return "[\(f(x)), \(f(yy))]"
            }
            y.line("  - {id: Z-SAFETY-\(m.id), kind: safety, polygon: [\(corners.joined(separator: ", "))]}")
        }
        y.line("")
        y.line("# The dock doors in the east wall: their openings on the floor and the lintel's height.")
        y.line("doors:")
        for k in 0..<spec.blocks {
            y.line("  - {id: DOCK-\(k + 1), from: [\(f(L + 0.15)), \(f(aisleY(k) + 9.5))], to: [\(f(L + 0.15)), \(f(aisleY(k) + 12.5))], height_m: 4.5}")
        }
        y.line("")
        y.line("# Named views, in floor coordinates (z up): eye, target, and fov_deg or ortho_height.")
        y.line("cameras:")
        y.line("  - {name: overview, eye: [\(f(L + 15)), -30, 40], target: [\(f(L / 2)), \(f(D / 2)), 0], fov_deg: 45}")
        y.line("  - {name: aisle-south, eye: [3, \(f(aisleY(0))), 2.5], target: [\(f(L / 2)), \(f(aisleY(0))), 1], fov_deg: 60}")
        y.line("  - {name: block-1, eye: [\(f(L / 2)), \(f(aisleY(0) + 11 - 20)), 16], target: [\(f(L / 2)), \(f(aisleY(0) + 11)), 0], fov_deg: 50}")
        y.line("  - {name: docks, eye: [\(f(L - 30)), \(f(aisleY(0) + 11)), 9], target: [\(f(L)), \(f(aisleY(0) + 11)), 2], fov_deg: 55}")
        y.line("  - {name: west-detail, eye: [28, \(f(D / 2)), 50], target: [28, \(f(D / 2)), 0], up: [0, 1, 0], ortho_height: 32}")
        y.line("")
        y.line("# Live data (twin sync, twin serve --broker): VDA 5050 v2 topics of the AGVs, and the machines'")
        y.line("# status topic, its payload fields mapped to statuses, signals and counters.")
        y.line("sync:")
        y.line("  vda5050: {interface: uagv, versions: [v2, v3]}")
        y.line("  machines:")
        y.line("    - topic: plant/hall/{id}/status")
        y.line("      status: state")
        y.line("      status_map: {RUN: running, IDLE: idle, BLOCKED: blocked, STARVED: starved, FAULT: fault, MAINT: maintenance, SETUP: setup, OFF: offline}")
        y.line("      reasons: reason   # why: break, no_order, waiting_material, planned, repair, or the PLC's code")
        y.line("      signals: {spindle_temp_C: temp_C, program: program}")
        y.line("      counters: {good: parts_ok, scrap: parts_nok}")
        y.line("      time: ts")
        y.line("      connection: conn   # ONLINE / OFFLINE: the gateway's last will says OFFLINE")
        y.line("    - topic: plant/hall/{id}/belt")
        y.line("      running: running")
        y.line("      speed_mps: speed")
        return y.text
    }

    /// An angle in radians with 6 decimals, cut toward zero so that it stays inside [-π, π] as
    /// VDA 5050 requires (π rounded to 3.141593 lies above the schema's 3.14159265359).
    func angle(_ theta: Double) -> String {
        f((theta * 1e6).rounded(.towardZero) / 1e6, 6)
    }

    /// A number with up to `digits` decimals and no trailing zeros.
    func f(_ v: Double, _ digits: Int = 3) -> String {
        var s = String(format: "%.\(digits)f", v)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }
}

/// Lines of YAML text.
struct YAMLText {
    private(set) var text = ""
    mutating func line(_ s: String) { text += s + "\n" }
}
