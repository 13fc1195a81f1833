import TwinGeometry

/// A door, gate or passage in the plant: where people leave a hall (an exit) and where AGVs pass
/// under a lintel. Given by the two ends of its opening on the floor.
public struct Door: Sendable, Identifiable, Equatable {
    public var id: String
    /// The ends of the clear opening on the floor (x, y).
    public var from: SIMD2<Double>
    public var to: SIMD2<Double>
    /// The clear height under the lintel, metres (nil: unlimited, an open passage).
    public var height: Double?
    /// An emergency exit: escape routes lead to it.
    public var exit: Bool
    public var line: Int?

    public init(id: String, from: SIMD2<Double>, to: SIMD2<Double>, height: Double? = nil, exit: Bool = false, line: Int? = nil) {
        self.id = id; self.from = from; self.to = to; self.height = height; self.exit = exit; self.line = line
    }

    /// The clear width of the opening.
    public var width: Double { let d = to - from; return (d * d).sum().squareRoot() }

    /// The unit normal of the opening on the floor (to the left going from `from` to `to`); the
    /// door's two sides lie along it and against it.
    public var normal: SIMD2<Double> { let d = to - from; return SIMD2(-d.y, d.x) / width }
}

/// The floor area an overhead crane serves: what stands under it must stay below the crane's
/// hook height, so that a load carried on the hook clears it.
public struct CraneArea: Sendable, Identifiable, Equatable {
    public var id: String
    /// Corners on the floor (x, y), in order.
    public var polygon: [SIMD2<Double>]
    /// The hook's height in its highest position, metres above the floor.
    public var hookHeight: Double
    public var line: Int?

    public init(id: String, polygon: [SIMD2<Double>], hookHeight: Double, line: Int? = nil) {
        self.id = id; self.polygon = polygon; self.hookHeight = hookHeight; self.line = line
    }
}

/// Space kept free beside an entity for service: in front of a control cabinet, a machine's door,
/// a tool changer. It lies along one side of the entity's floor box (compass sides of the plant,
/// +y is north), as deep as `depth` (nil: the rules' `service_depth_m`).
public struct ServiceArea: Sendable, Equatable {
    public enum Side: String, Sendable, CaseIterable {
        case north, east, south, west

        /// The outward normal on the floor.
        public var normal: SIMD2<Double> {
            switch self {
            case .north: return SIMD2(0, 1)
            case .east: return SIMD2(1, 0)
            case .south: return SIMD2(0, -1)
            case .west: return SIMD2(-1, 0)
            }
        }
    }

    public var side: Side
    public var depth: Double?

    public init(side: Side, depth: Double? = nil) { self.side = side; self.depth = depth }
}

/// A material-flow link: the entity hands material to (or takes it from) another, so they must
/// stay within reach of each other: a conveyor that meets its transfer station, a machine and its
/// supply dock.
public struct MaterialLink: Sendable, Equatable {
    /// The entity at the other end.
    public var to: String
    /// How far apart the two may stand (nil: the rules' `link_gap_m`).
    public var within: Double?

    public init(to: String, within: Double? = nil) { self.to = to; self.within = within }
}
