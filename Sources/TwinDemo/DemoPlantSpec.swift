/// The size and seed of a generated demo plant.
public struct DemoPlantSpec: Sendable {
    public var name: String
    public var seed: UInt64
    /// Machines along each row.
    public var machinesPerRow: Int
    /// Production blocks: two machine rows and a conveyor between two aisles.
    public var blocks: Int
    /// Tessellation factor for round parts (1 = the demo's).
    public var detail: Double
    /// AGVs in the fleet.
    public var agvs: Int

    public init(name: String, seed: UInt64, machinesPerRow: Int, blocks: Int, detail: Double, agvs: Int) {
        self.name = name; self.seed = seed; self.machinesPerRow = machinesPerRow
        self.blocks = blocks; self.detail = detail; self.agvs = agvs
    }

    /// Machines in the plant: two rows of `machinesPerRow` in each block.
    public var machineCount: Int { 2 * blocks * machinesPerRow }

    /// The committed demo plant: about 150k triangles, 44 machines.
    public static let demo = DemoPlantSpec(name: "Demo Assembly Hall", seed: 42, machinesPerRow: 11, blocks: 2,
                                           detail: 1.75, agvs: 5)
    /// The benchmark plant, generated on demand: at least 1.5M triangles.
    public static let large = DemoPlantSpec(name: "Demo Assembly Hall (large)", seed: 4242, machinesPerRow: 30,
                                            blocks: 5, detail: 3.0, agvs: 12)

    /// The preset for a name given on the command line.
    public static func preset(named name: String) -> DemoPlantSpec? {
        switch name {
        case "demo": return .demo
        case "demo-large", "large": return .large
        default: return nil
        }
    }
}
