import Foundation
import TwinGeometry

/// The fixed installations of the demo hall: the building shell, conveyors with rollers,
/// storage racks, transfer stations; and the library models placed by the manifest: the AGV
/// and its charging station. All in glTF's frame (meters, Y up).
enum HallModels {
    /// Floor slab, walls with dock door openings on the east side, and I-section columns along the walls.
    static func building(length: Double, depth: Double, wallHeight: Double, detail: Double,
                         doorsEast: [ClosedRange<Double>]) -> (floor: PartBuilder, walls: PartBuilder, columns: PartBuilder) {
        var floor = PartBuilder(detail: detail)
        // Scene Z = -y: the hall spans x 0..length, y 0..depth.
        floor.box(.concrete, min: SIMD3(-0.5, -0.2, -depth - 0.5), max: SIMD3(length + 0.5, 0, 0.5))
        var walls = PartBuilder(detail: detail)
        let t = 0.3
        walls.box(.wall, min: SIMD3(-t, 0, 0), max: SIMD3(length + t, wallHeight, t))
        walls.box(.wall, min: SIMD3(-t, 0, -depth - t), max: SIMD3(length + t, wallHeight, -depth))
        walls.box(.wall, min: SIMD3(-t, 0, -depth), max: SIMD3(0, wallHeight, 0))
        // East wall in pieces between the dock doors (y ranges), with lintels above the doors.
        var y = 0.0
        for door in doorsEast.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            walls.box(.wall, min: SIMD3(length, 0, -door.lowerBound), max: SIMD3(length + t, wallHeight, -y))
            walls.box(.wall, min: SIMD3(length, 4.5, -door.upperBound), max: SIMD3(length + t, wallHeight, -door.lowerBound))
            y = door.upperBound
        }
        walls.box(.wall, min: SIMD3(length, 0, -depth), max: SIMD3(length + t, wallHeight, -y))
        var columns = PartBuilder(detail: detail)
        func column(x: Double, y: Double) {
            let flange = 0.3, web = 0.02, flangeThickness = 0.03
            columns.box(.steel, center: SIMD3(x, wallHeight / 2, -y - flange / 2 + flangeThickness / 2),
                        size: SIMD3(flange, wallHeight, flangeThickness))
            columns.box(.steel, center: SIMD3(x, wallHeight / 2, -y + flange / 2 - flangeThickness / 2),
                        size: SIMD3(flange, wallHeight, flangeThickness))
            columns.box(.steel, center: SIMD3(x, wallHeight / 2, -y), size: SIMD3(web, wallHeight, flange))
        }
        var x = 0.0
        while x <= length + 1e-9 {
            column(x: x, y: 0.25)
            column(x: x, y: depth - 0.25)
            x += 10
        }
        var yc = 10.0
        while yc < depth - 1e-9 {
            column(x: 0.25, y: yc)
            yc += 10
        }
        return (floor, walls, columns)
    }

    /// A roller conveyor along local X, `length` long, 0.8 m wide, its rollers 0.8 m above the
    /// floor; origin at the start, centered across.
    static func conveyor(length: Double, detail: Double) -> PartBuilder {
        var p = PartBuilder(detail: detail)
        let width = 0.8, top = 0.8, rollerRadius = 0.03
        for z in [-width / 2 - 0.03, width / 2 + 0.03] {
            p.box(.conveyorGrey, min: SIMD3(0, top - 0.12, z - 0.03), max: SIMD3(length, top + 0.02, z + 0.03))
        }
        var x = 0.3
        while x < length {
            for z in [-width / 2 - 0.03, width / 2 + 0.03] {
                p.box(.conveyorGrey, center: SIMD3(x, (top - 0.12) / 2, z), size: SIMD3(0.06, top - 0.12, 0.06))
            }
            p.box(.conveyorGrey, center: SIMD3(x, 0.15, 0), size: SIMD3(0.05, 0.05, width))
            x += 2.0
        }
        let pitch = 0.12
        let count = Int(length / pitch)
        let segments = max(8, Int(10 * detail))
        for i in 0..<count {
            let rx = (Double(i) + 0.5) * pitch
            p.cylinder(.steel, from: SIMD3(rx, top - rollerRadius, -width / 2), to: SIMD3(rx, top - rollerRadius, width / 2),
                       radius: rollerRadius, segments: segments)
        }
        // Drive motor at the start, and a photo-eye pair at the end.
        p.cylinder(.machineBlue, from: SIMD3(0.3, top - 0.3, width / 2 + 0.06), to: SIMD3(0.3, top - 0.3, width / 2 + 0.4), radius: 0.1)
        for z in [-width / 2 - 0.08, width / 2 + 0.08] {
            p.box(.safetyYellow, center: SIMD3(length - 0.2, top + 0.12, z), size: SIMD3(0.04, 0.2, 0.04))
        }
        return p
    }

    /// A pallet rack along local X: `bays` bays of 2.7 m, 1.1 m deep (toward -Z), `levels`
    /// beam levels; thin uprights with diagonal bracing, pallets and boxes where the seed says.
    static func rack(bays: Int, levels: Int, rng: inout SeededRandom, detail: Double) -> PartBuilder {
        var p = PartBuilder(detail: detail)
        let bay = 2.7, depth = 1.1, height = 1.5 * Double(levels) + 0.6, upright = 0.08
        for i in 0...bays {
            let x = Double(i) * bay
            for z in [0.0, -depth] {
                p.box(.rackBlue, min: SIMD3(x, 0, z - upright / 2), max: SIMD3(x + upright, height, z + upright / 2))
            }
            // Side frame bracing: horizontals and diagonals between the two uprights.
            var y = 0.3
            var frontToBack = true
            while y + 1.0 < height {
                let (z0, z1) = frontToBack ? (0.0, -depth) : (-depth, 0.0)
                p.cylinder(.rackBlue, from: SIMD3(x + upright / 2, y, z0), to: SIMD3(x + upright / 2, y + 1.0, z1),
                           radius: 0.015, segments: 6)
                frontToBack.toggle()
                y += 1.0
            }
        }
        for level in 0..<levels {
            let y = 0.15 + Double(level) * 1.5
            for i in 0..<bays {
                let x0 = Double(i) * bay + upright, x1 = Double(i + 1) * bay
                for z in [0.0, -depth] {
                    p.box(.beamOrange, min: SIMD3(x0, y, z - 0.03), max: SIMD3(x1, y + 0.12, z + 0.03))
                }
                for slot in 0..<2 where rng.chance(0.7) {
                    let px = x0 + 0.1 + Double(slot) * 1.3
                    let py = y + 0.12
                    // A Euro pallet (1.2 x 0.8 m) with its three runners and a load of boxes.
                    for rz in [-0.1, -0.55, -1.0] {
                        p.box(.wood, min: SIMD3(px, py, rz - 0.05), max: SIMD3(px + 1.2, py + 0.1, rz + 0.05))
                    }
                    p.box(.wood, min: SIMD3(px, py + 0.1, -1.05), max: SIMD3(px + 1.2, py + 0.145, -0.05))
                    let loadHeight = rng.uniform(0.4...1.1)
                    p.box(.cardboard, min: SIMD3(px + 0.05, py + 0.145, -1.0), max: SIMD3(px + 1.15, py + 0.145 + loadHeight, -0.1))
                }
            }
        }
        return p
    }

    /// A transfer station at a conveyor's end: a table with guides, where AGVs pick and drop loads.
    static func transferStation(detail: Double) -> PartBuilder {
        var p = PartBuilder(detail: detail)
        for x in [-0.5, 0.5] { for z in [-0.4, 0.4] { p.box(.conveyorGrey, center: SIMD3(x, 0.35, z), size: SIMD3(0.06, 0.7, 0.06)) } }
        p.box(.steel, min: SIMD3(-0.6, 0.7, -0.5), max: SIMD3(0.6, 0.75, 0.5))
        for z in [-0.5, 0.5] { p.box(.safetyYellow, min: SIMD3(-0.6, 0.75, z - 0.02), max: SIMD3(0.6, 0.85, z + 0.02)) }
        return p
    }

    /// The AGV: chassis 1.2 x 0.8 m, 0.4 m high, driving along local +X; wheels, lidar, bumpers, beacon.
    static func agv(detail: Double) -> PartBuilder {
        var p = PartBuilder(detail: detail)
        p.box(.agvBody, min: SIMD3(-0.6, 0.06, -0.4), max: SIMD3(0.6, 0.34, 0.4))
        p.box(.darkSteel, min: SIMD3(-0.58, 0.34, -0.38), max: SIMD3(0.58, 0.4, 0.38))
        for x in [-0.42, 0.42] {
            for z in [-0.36, 0.36] {
                p.cylinder(.rubber, from: SIMD3(x, 0.075, z - 0.03), to: SIMD3(x, 0.075, z + 0.03), radius: 0.075)
            }
        }
        p.box(.rubber, min: SIMD3(0.6, 0.08, -0.38), max: SIMD3(0.64, 0.2, 0.38))
        p.box(.rubber, min: SIMD3(-0.64, 0.08, -0.38), max: SIMD3(-0.6, 0.2, 0.38))
        p.cylinder(.darkSteel, from: SIMD3(0.5, 0.28, 0), to: SIMD3(0.5, 0.34, 0), radius: 0.06)
        p.cylinder(.safetyYellow, from: SIMD3(-0.5, 0.4, 0.3), to: SIMD3(-0.5, 0.46, 0.3), radius: 0.03)
        return p
    }

    /// A charging station: a cabinet with a contact plate on the floor in front of it (+X).
    static func charger(detail: Double) -> PartBuilder {
        var p = PartBuilder(detail: detail)
        p.box(.cabinetGrey, min: SIMD3(-0.25, 0, -0.35), max: SIMD3(0.15, 1.3, 0.35))
        p.box(.screen, min: SIMD3(0.15, 0.9, -0.2), max: SIMD3(0.17, 1.15, 0.2))
        p.box(.copper, min: SIMD3(0.15, 0.02, -0.25), max: SIMD3(0.55, 0.05, 0.25))
        p.cylinder(.signalRed, from: SIMD3(0, 1.3, 0), to: SIMD3(0, 1.4, 0), radius: 0.05)
        return p
    }
}
