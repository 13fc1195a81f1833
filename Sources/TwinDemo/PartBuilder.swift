import TwinGeometry
import TwinLayout

/// The demo plants' materials: name and linear base color.
enum Palette: Int, CaseIterable {
    case concrete, wall, steel, darkSteel, machineWhite, machineBlue, safetyYellow, robotOrange, glass,
         fenceMesh, rackBlue, beamOrange, wood, cardboard, rubber, conveyorGrey, cabinetGrey, screen,
         moldingGreen, agvBody, signalRed, copper

    var material: GLTFDocument.Material {
        func c(_ r: Float, _ g: Float, _ b: Float, _ a: Float = 1) -> SIMD4<Float> { SIMD4(r, g, b, a) }
        switch self {
        case .concrete: return .init(name: "concrete", baseColor: c(0.42, 0.42, 0.40))
        case .wall: return .init(name: "wall", baseColor: c(0.70, 0.70, 0.68))
        case .steel: return .init(name: "steel", baseColor: c(0.55, 0.56, 0.58), metallic: 1, roughness: 0.4)
        case .darkSteel: return .init(name: "dark-steel", baseColor: c(0.12, 0.13, 0.14), metallic: 1, roughness: 0.5)
        case .machineWhite: return .init(name: "machine-white", baseColor: c(0.80, 0.80, 0.78))
        case .machineBlue: return .init(name: "machine-blue", baseColor: c(0.05, 0.18, 0.45))
        case .safetyYellow: return .init(name: "safety-yellow", baseColor: c(0.90, 0.65, 0.02))
        case .robotOrange: return .init(name: "robot-orange", baseColor: c(0.90, 0.28, 0.02))
        case .glass: return .init(name: "glass", baseColor: c(0.25, 0.35, 0.40))
        case .fenceMesh: return .init(name: "fence", baseColor: c(0.75, 0.62, 0.02))
        case .rackBlue: return .init(name: "rack-blue", baseColor: c(0.02, 0.12, 0.40))
        case .beamOrange: return .init(name: "beam-orange", baseColor: c(0.85, 0.25, 0.02))
        case .wood: return .init(name: "pallet-wood", baseColor: c(0.55, 0.38, 0.18))
        case .cardboard: return .init(name: "cardboard", baseColor: c(0.60, 0.42, 0.22))
        case .rubber: return .init(name: "rubber", baseColor: c(0.03, 0.03, 0.03))
        case .conveyorGrey: return .init(name: "conveyor-frame", baseColor: c(0.20, 0.22, 0.25))
        case .cabinetGrey: return .init(name: "cabinet", baseColor: c(0.58, 0.60, 0.62))
        case .screen: return .init(name: "screen", baseColor: c(0.02, 0.05, 0.10))
        case .moldingGreen: return .init(name: "molding-green", baseColor: c(0.10, 0.35, 0.20))
        case .agvBody: return .init(name: "agv-body", baseColor: c(0.85, 0.55, 0.05))
        case .signalRed: return .init(name: "signal-red", baseColor: c(0.70, 0.02, 0.02))
        case .copper: return .init(name: "copper", baseColor: c(0.70, 0.35, 0.15), metallic: 1, roughness: 0.35)
        }
    }
}

/// Collects the solids of one part per material; `mesh` turns them into a glTF mesh with one
/// primitive per material used.
struct PartBuilder {
    private var builders: [Palette: MeshBuilder] = [:]
    /// Tessellation: sides of a round part with radius `r` get about `segmentsPerMeter * r`, within limits.
    let detail: Double

    init(detail: Double) { self.detail = detail }

    func segments(radius: Double, minimum: Int = 8) -> Int {
        min(96, max(minimum, Int((Double(minimum) + radius * 40) * detail)))
    }

    mutating func box(_ material: Palette, min a: SIMD3<Double>, max b: SIMD3<Double>, transform: Matrix4x4 = .identity) {
        builders[material, default: MeshBuilder()].addBox(min: a, max: b, transform: transform)
    }

    mutating func box(_ material: Palette, center: SIMD3<Double>, size: SIMD3<Double>, transform: Matrix4x4 = .identity) {
        builders[material, default: MeshBuilder()].addBox(center: center, size: size, transform: transform)
    }

    mutating func cylinder(_ material: Palette, from a: SIMD3<Double>, to b: SIMD3<Double>, radius: Double,
                           segments: Int? = nil, transform: Matrix4x4 = .identity) {
        builders[material, default: MeshBuilder()].addCylinder(
            from: a, to: b, radius: radius, segments: segments ?? self.segments(radius: radius), transform: transform)
    }

    var triangleCount: Int { builders.values.reduce(0) { $0 + $1.mesh.triangleCount } }

    func mesh(named name: String) -> GLTFDocument.Mesh {
        let primitives = builders.keys.sorted { $0.rawValue < $1.rawValue }.map { key in
            (material: key.rawValue, geometry: builders[key]!.mesh)
        }
        return GLTFDocument.Mesh(name: name, primitives: primitives)
    }
}

extension GLTFDocument {
    /// A document with every palette material, in palette order, so that material indices are the palette's.
    static func withPalette() -> GLTFDocument {
        var document = GLTFDocument()
        document.materials = Palette.allCases.map(\.material)
        return document
    }

    /// Adds `part` as a mesh on a new node.
    @discardableResult
    mutating func addPart(_ part: PartBuilder, name: String, transform: Matrix4x4 = .identity, parent: Int?) -> Int {
        let mesh = addMesh(part.mesh(named: name))
        return addNode(Node(name: name, transform: transform, mesh: mesh), parent: parent)
    }
}
