/// Where an AGV picks up and drops a load at an entity: a network node for the material coming
/// in (`in`) and one for the material going out (`out`), the same node where one dock serves
/// both (`dock:`), and how long handing a load over takes there.
///
/// ```yaml
/// machines:
///   - {id: M-001, node: hall/Machines/M-001, docks: {in: M-001-IN, out: M-001-OUT}, handling_s: 20, cycle_s: 95}
/// racks:
///   - {id: R-01, node: hall/Racks/R-01, dock: R-01-D}
/// ```
public struct Docks: Sendable, Equatable {
    /// The node where loads for the entity are dropped.
    public var inbound: String
    /// The node where the entity's loads are picked up.
    public var outbound: String
    /// Seconds to pick up or drop one load (nil: the planner's default).
    public var handlingSeconds: Double?

    public init(inbound: String, outbound: String, handlingSeconds: Double? = nil) {
        self.inbound = inbound; self.outbound = outbound; self.handlingSeconds = handlingSeconds
    }
}

/// How an AGV drives when the twin plans for it (`speed_mps`, `rotation_speed_radps`).
public struct AGVDrive: Sendable, Equatable {
    /// Metres per second on edges.
    public var speed: Double
    /// Radians per second when it turns on the spot.
    public var rotationSpeed: Double

    /// A careful unit-load AGV's: 1 m/s, half a radian per second.
    public static let standard = AGVDrive(speed: 1.0, rotationSpeed: 0.5)

    public init(speed: Double, rotationSpeed: Double) { self.speed = speed; self.rotationSpeed = rotationSpeed }
}
