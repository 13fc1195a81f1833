import Foundation
import TwinGeometry

/// The machine kinds of the demo plants, each built from boxes and cylinders with enough detail
/// to look like what it is from above and from the side. Local frame: X across, Y up, Z toward
/// the machine's front (the aisle it faces); the origin is the footprint's center on the floor.
enum MachineKind: String, CaseIterable {
    case cnc = "cnc-mill"
    case press
    case robotCell = "robot-cell"
    case molding = "injection-molder"
    case laser = "laser-cutter"

    /// Width (X) and depth (Z) of the footprint, meters.
    var footprint: SIMD2<Double> {
        switch self {
        case .cnc: return SIMD2(3.6, 3.2)
        case .press: return SIMD2(3.2, 3.0)
        case .robotCell: return SIMD2(4.6, 3.8)
        case .molding: return SIMD2(5.2, 2.4)
        case .laser: return SIMD2(4.8, 3.0)
        }
    }

    /// Seconds per part at the ideal rate, the manifest's `cycle_s`.
    var cycleSeconds: Double {
        switch self {
        case .cnc: return 95
        case .press: return 45
        case .robotCell: return 60
        case .molding: return 38
        case .laser: return 70
        }
    }

    func build(_ rng: inout SeededRandom, detail: Double) -> PartBuilder {
        var p = PartBuilder(detail: detail)
        switch self {
        case .cnc: Self.cnc(&p, &rng)
        case .press: Self.press(&p, &rng)
        case .robotCell: Self.robotCell(&p, &rng)
        case .molding: Self.molding(&p, &rng)
        case .laser: Self.laser(&p, &rng)
        }
        return p
    }

    /// A machining center: enclosure with a window, spindle head, control panel, chip conveyor.
    private static func cnc(_ p: inout PartBuilder, _ rng: inout SeededRandom) {
        let h = rng.uniform(2.3...2.7)
        let accent: Palette = rng.chance(0.5) ? .machineBlue : .darkSteel
        for x in [-1.5, 1.5] { for z in [-1.1, 1.1] { p.box(.darkSteel, center: SIMD3(x, 0.05, z), size: SIMD3(0.2, 0.1, 0.2)) } }
        p.box(.machineWhite, min: SIMD3(-1.6, 0.1, -1.3), max: SIMD3(1.2, h, 1.2))
        p.box(accent, min: SIMD3(-1.6, h, -1.3), max: SIMD3(1.2, h + 0.12, 1.2))
        p.box(accent, min: SIMD3(-1.62, 0.1, 1.2), max: SIMD3(1.22, 0.5, 1.25))
        // Sliding door with its window, and the spindle head seen through the roof hatch.
        p.box(.glass, min: SIMD3(-1.1, 0.9, 1.2), max: SIMD3(0.4, 2.0, 1.26))
        p.box(.steel, min: SIMD3(-1.2, 0.8, 1.24), max: SIMD3(-1.1, 2.1, 1.3))
        p.cylinder(.steel, from: SIMD3(-0.4, h + 0.12, 0), to: SIMD3(-0.4, h + 0.7, 0), radius: 0.28)
        p.cylinder(.darkSteel, from: SIMD3(-0.4, h + 0.7, 0), to: SIMD3(-0.4, h + 0.85, 0), radius: 0.2)
        // Control panel on an arm at the front right.
        p.box(.cabinetGrey, min: SIMD3(1.2, 1.1, 0.9), max: SIMD3(1.75, 1.9, 1.25))
        p.box(.screen, min: SIMD3(1.28, 1.35, 1.25), max: SIMD3(1.67, 1.8, 1.28))
        for i in 0..<4 {
            p.cylinder(.signalRed, from: SIMD3(1.32 + Double(i) * 0.1, 1.2, 1.25), to: SIMD3(1.32 + Double(i) * 0.1, 1.2, 1.3),
                       radius: 0.025, segments: 8)
        }
        // Chip conveyor out of the back, and the coolant tank.
        p.box(.darkSteel, min: SIMD3(-1.4, 0.1, -1.6), max: SIMD3(-0.6, 0.6, -1.3))
        p.box(.darkSteel, min: SIMD3(-1.4, 0.6, -1.6), max: SIMD3(-0.6, 1.3, -1.45))
        p.box(.cabinetGrey, min: SIMD3(0.2, 0.1, -1.6), max: SIMD3(1.1, 0.8, -1.3))
        // Signal tower.
        p.cylinder(.steel, from: SIMD3(1.0, h + 0.12, -1.0), to: SIMD3(1.0, h + 0.4, -1.0), radius: 0.03, segments: 8)
        p.cylinder(.signalRed, from: SIMD3(1.0, h + 0.4, -1.0), to: SIMD3(1.0, h + 0.55, -1.0), radius: 0.05)
        p.cylinder(.safetyYellow, from: SIMD3(1.0, h + 0.55, -1.0), to: SIMD3(1.0, h + 0.7, -1.0), radius: 0.05)
    }

    /// A straight-side press: bed, four columns, crown with flywheel, ram and hydraulics.
    private static func press(_ p: inout PartBuilder, _ rng: inout SeededRandom) {
        let h = rng.uniform(3.4...4.2)
        p.box(.safetyYellow, min: SIMD3(-1.4, 0, -1.2), max: SIMD3(1.4, 0.9, 1.2))
        p.box(.steel, min: SIMD3(-1.0, 0.9, -0.8), max: SIMD3(1.0, 1.0, 0.8))
        for x in [-1.1, 1.1] {
            for z in [-0.9, 0.9] {
                p.cylinder(.steel, from: SIMD3(x, 0.9, z), to: SIMD3(x, h - 0.8, z), radius: 0.14)
            }
        }
        p.box(.safetyYellow, min: SIMD3(-1.5, h - 0.8, -1.25), max: SIMD3(1.5, h, 1.25))
        p.box(.darkSteel, min: SIMD3(-0.9, h - 1.6, -0.7), max: SIMD3(0.9, h - 0.8, 0.7))
        // Flywheel at the side of the crown, with its guard.
        p.cylinder(.darkSteel, from: SIMD3(1.5, h - 0.4, 0), to: SIMD3(1.75, h - 0.4, 0), radius: 0.6)
        p.cylinder(.steel, from: SIMD3(1.75, h - 0.4, 0), to: SIMD3(1.85, h - 0.4, 0), radius: 0.15)
        // Hydraulic cylinders on the crown, and the die cushion below the bed.
        for x in [-0.6, 0.6] {
            p.cylinder(.steel, from: SIMD3(x, h, 0), to: SIMD3(x, h + 0.6, 0), radius: 0.22)
            p.cylinder(.darkSteel, from: SIMD3(x, h + 0.6, 0), to: SIMD3(x, h + 0.7, 0), radius: 0.26)
        }
        // Light curtains at the front and the two-hand control station.
        for x in [-1.35, 1.35] {
            p.box(.darkSteel, min: SIMD3(x - 0.04, 0.9, 1.25), max: SIMD3(x + 0.04, 2.3, 1.33))
        }
        p.cylinder(.steel, from: SIMD3(0, 0, 1.45), to: SIMD3(0, 1.0, 1.45), radius: 0.04, segments: 8)
        p.box(.cabinetGrey, min: SIMD3(-0.4, 1.0, 1.35), max: SIMD3(0.4, 1.15, 1.55))
        for x in [-0.3, 0.3] {
            p.cylinder(.signalRed, from: SIMD3(x, 1.15, 1.45), to: SIMD3(x, 1.2, 1.45), radius: 0.04)
        }
    }

    /// A welding robot cell: fence with posts and mesh panels, a six-axis arm on a pedestal,
    /// a turntable fixture and a controller cabinet.
    private static func robotCell(_ p: inout PartBuilder, _ rng: inout SeededRandom) {
        let w = 2.2, d = 1.8, fenceHeight = 2.0
        // Fence: posts every metre or so, panels between them, an opening at the front for loading.
        var corners: [SIMD3<Double>] = []
        let perimeter: [(SIMD3<Double>, SIMD3<Double>)] = [
            (SIMD3(-w, 0, -d), SIMD3(w, 0, -d)), (SIMD3(w, 0, -d), SIMD3(w, 0, d)),
            (SIMD3(w, 0, d), SIMD3(0.6, 0, d)), (SIMD3(-0.6, 0, d), SIMD3(-w, 0, d)), (SIMD3(-w, 0, d), SIMD3(-w, 0, -d)),
        ]
        for (a, b) in perimeter {
            let length = simdLength(b - a)
            let panels = max(1, Int((length / 1.1).rounded(.up)))
            for i in 0...panels {
                let t = Double(i) / Double(panels)
                corners.append(a + (b - a) * t)
            }
            for i in 0..<panels {
                let s = a + (b - a) * (Double(i) / Double(panels)), e = a + (b - a) * (Double(i + 1) / Double(panels))
                let along = simdNormalize(e - s)
                let inset = along * 0.05
                let lo = pointwiseMin(s + inset, e - inset), hi = pointwiseMax(s + inset, e - inset)
                p.box(.fenceMesh, min: SIMD3(lo.x - 0.01, 0.15, lo.z - 0.01), max: SIMD3(hi.x + 0.01, fenceHeight - 0.05, hi.z + 0.01))
            }
        }
        for c in corners {
            p.box(.safetyYellow, center: SIMD3(c.x, fenceHeight / 2, c.z), size: SIMD3(0.06, fenceHeight, 0.06))
        }
        // The robot: pedestal, turret, upper arm, forearm, wrist and torch, posed by the seed.
        let base = SIMD3<Double>(-0.6, 0, -0.4)
        p.cylinder(.darkSteel, from: base, to: base + SIMD3(0, 0.5, 0), radius: 0.35)
        p.cylinder(.robotOrange, from: base + SIMD3(0, 0.5, 0), to: base + SIMD3(0, 0.9, 0), radius: 0.3)
        let yaw = rng.uniform(-0.8...0.8), shoulder = rng.uniform(0.3...0.8), elbow = rng.uniform(-0.6...0.2)
        let turn = Matrix4x4.translation(base + SIMD3(0, 0.9, 0)) * .rotationY(yaw)
        let shoulderPoint = SIMD3<Double>(0.15, 0.15, 0)
        let elbowPoint = shoulderPoint + SIMD3(sin(shoulder), cos(shoulder), 0) * 1.0
        let wristPoint = elbowPoint + SIMD3(cos(elbow), sin(elbow), 0) * 0.9
        p.box(.robotOrange, center: SIMD3(0.1, 0.1, 0), size: SIMD3(0.5, 0.35, 0.45), transform: turn)
        p.cylinder(.robotOrange, from: shoulderPoint, to: elbowPoint, radius: 0.13, transform: turn)
        p.cylinder(.darkSteel, from: shoulderPoint + SIMD3(0, 0, -0.2), to: shoulderPoint + SIMD3(0, 0, 0.2), radius: 0.16, transform: turn)
        p.cylinder(.darkSteel, from: elbowPoint + SIMD3(0, 0, -0.15), to: elbowPoint + SIMD3(0, 0, 0.15), radius: 0.12, transform: turn)
        p.cylinder(.robotOrange, from: elbowPoint, to: wristPoint, radius: 0.09, transform: turn)
        p.cylinder(.steel, from: wristPoint, to: wristPoint + SIMD3(0.05, -0.25, 0), radius: 0.05, transform: turn)
        p.cylinder(.copper, from: wristPoint + SIMD3(0.05, -0.25, 0), to: wristPoint + SIMD3(0.1, -0.4, 0), radius: 0.02, transform: turn)
        // Turntable fixture with a part, and the controller cabinet outside the fence.
        p.cylinder(.darkSteel, from: SIMD3(0.9, 0, 0.2), to: SIMD3(0.9, 0.7, 0.2), radius: 0.6)
        p.box(.steel, center: SIMD3(0.9, 0.85, 0.2), size: SIMD3(0.8, 0.3, 0.5))
        p.box(.cabinetGrey, min: SIMD3(-2.15, 0, -1.75), max: SIMD3(-1.5, 1.8, -1.25))
        p.box(.screen, min: SIMD3(-2.05, 1.2, -1.25), max: SIMD3(-1.6, 1.6, -1.22))
    }

    /// An injection molding machine: base, clamp unit with tie bars, barrel with heater bands,
    /// hopper and a control panel.
    private static func molding(_ p: inout PartBuilder, _ rng: inout SeededRandom) {
        let color: Palette = rng.chance(0.5) ? .moldingGreen : .machineBlue
        p.box(color, min: SIMD3(-2.6, 0, -0.8), max: SIMD3(2.6, 1.0, 0.8))
        // Clamp: platens and four tie bars.
        for x in [-2.4, -1.7, -0.9] {
            p.box(.steel, min: SIMD3(x - 0.12, 1.0, -0.7), max: SIMD3(x + 0.12, 2.1, 0.7))
        }
        for y in [1.2, 1.9] {
            for z in [-0.55, 0.55] {
                p.cylinder(.steel, from: SIMD3(-2.5, y, z), to: SIMD3(-0.8, y, z), radius: 0.07)
            }
        }
        p.box(color, min: SIMD3(-2.4, 1.0, -0.75), max: SIMD3(-0.8, 2.2, -0.7))
        p.box(.glass, min: SIMD3(-2.4, 1.0, 0.72), max: SIMD3(-0.8, 2.2, 0.76))
        // Injection unit: barrel with heater bands, nozzle, hopper.
        p.box(color, min: SIMD3(0.0, 1.0, -0.5), max: SIMD3(2.5, 1.4, 0.5))
        p.cylinder(.steel, from: SIMD3(-0.8, 1.65, 0), to: SIMD3(2.2, 1.65, 0), radius: 0.11)
        for i in 0..<6 {
            let x = -0.5 + Double(i) * 0.42
            p.cylinder(.copper, from: SIMD3(x, 1.65, 0), to: SIMD3(x + 0.25, 1.65, 0), radius: 0.16)
        }
        p.cylinder(.darkSteel, from: SIMD3(2.2, 1.65, 0), to: SIMD3(2.55, 1.65, 0), radius: 0.25)
        p.cylinder(.steel, from: SIMD3(1.7, 1.8, 0), to: SIMD3(1.7, 2.2, 0), radius: 0.12)
        p.cylinder(.machineWhite, from: SIMD3(1.7, 2.2, 0), to: SIMD3(1.7, 2.8, 0), radius: 0.32)
        p.box(.cabinetGrey, min: SIMD3(-0.6, 1.0, 0.8), max: SIMD3(-0.1, 1.9, 1.1))
        p.box(.screen, min: SIMD3(-0.55, 1.4, 1.1), max: SIMD3(-0.15, 1.8, 1.12))
    }

    /// A flatbed laser cutter: bed, gantry on rails, cutting head, shuttle table and extraction duct.
    private static func laser(_ p: inout PartBuilder, _ rng: inout SeededRandom) {
        let gantry = rng.uniform(-1.6...1.6)
        p.box(.machineWhite, min: SIMD3(-2.4, 0, -1.3), max: SIMD3(2.0, 0.9, 1.3))
        p.box(.darkSteel, min: SIMD3(-2.2, 0.9, -1.1), max: SIMD3(1.8, 0.95, 1.1))
        // Slats of the bed.
        for i in 0..<16 {
            let x = -2.1 + Double(i) * 0.25
            p.box(.steel, min: SIMD3(x, 0.95, -1.05), max: SIMD3(x + 0.02, 1.0, 1.05))
        }
        for z in [-1.25, 1.25] {
            p.box(.steel, min: SIMD3(-2.4, 0.9, z - 0.05), max: SIMD3(2.0, 1.05, z + 0.05))
        }
        p.box(.machineBlue, min: SIMD3(gantry - 0.15, 1.05, -1.3), max: SIMD3(gantry + 0.15, 1.45, 1.3))
        p.box(.darkSteel, center: SIMD3(gantry, 1.2, 0.3), size: SIMD3(0.3, 0.35, 0.25))
        p.cylinder(.copper, from: SIMD3(gantry, 1.03, 0.3), to: SIMD3(gantry, 1.1, 0.3), radius: 0.03)
        // Shuttle table beside the bed, the laser source cabinet and the extraction duct.
        p.box(.steel, min: SIMD3(2.0, 0.6, -1.2), max: SIMD3(2.4, 0.8, 1.2))
        p.box(.cabinetGrey, min: SIMD3(-2.4, 0, -1.5), max: SIMD3(-1.2, 1.6, -1.3))
        p.cylinder(.steel, from: SIMD3(-0.5, 0.5, -1.3), to: SIMD3(-0.5, 0.5, -1.5), radius: 0.2)
        p.cylinder(.steel, from: SIMD3(-0.5, 0.5, -1.5), to: SIMD3(-0.5, 2.4, -1.5), radius: 0.2)
    }
}
