import TwinGeometry

/// What an entity is in the plant. The raw values are the manifest's section names in the
/// singular and the keys of `twin info --json`'s `entities`.
public enum EntityCategory: String, Sendable, CaseIterable, Codable, Comparable {
    case machine, conveyor, rack, station, agv
    /// Building parts: walls, columns, floors (from bare model files).
    case structure
    /// A named part of a bare model file that fits no other category.
    case object

    public static func < (a: EntityCategory, b: EntityCategory) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// The body of an AGV for collision checks: a footprint rectangle extruded to a height.
public struct AGVFootprint: Sendable, Hashable {
    /// Along the heading, meters (for a polygon: the extent of its corners).
    public var length: Double
    public var width: Double
    public var height: Double
    /// A convex footprint instead of the rectangle: corners counterclockwise around the point
    /// the AGV turns about, x along the heading, y to its left.
    public var polygon: [SIMD2<Double>]?

    public init(length: Double, width: Double, height: Double) {
        self.length = length; self.width = width; self.height = height
    }

    public init(polygon: [SIMD2<Double>], height: Double) {
        let xs = polygon.map(\.x), ys = polygon.map(\.y)
        length = (xs.max() ?? 0) - (xs.min() ?? 0)
        width = (ys.max() ?? 0) - (ys.min() ?? 0)
        self.height = height
        self.polygon = polygon
    }
}

/// An entity of the plant: a machine, conveyor, rack, station or AGV, bound to the nodes of the
/// layout that draw it.
public struct Entity: Sendable, Identifiable {
    public var id: String
    public var category: EntityCategory
    /// The machine's kind (cnc, press, robot-cell ...), as the manifest names it; nil where none is given.
    public var kind: String?
    /// The plant node whose subtree draws this entity; nil for an AGV without a model.
    public var node: Int?
    /// For AGVs: the body and the pose it starts at.
    public var footprint: AGVFootprint?
    public var pose: Pose2D?
    /// For AGVs: the clearance to keep (meters; nil: the plant's default), a load that enlarges the
    /// footprint (length and width, centered), and where the footprint's center lies from the point
    /// the AGV turns about (along its heading, then to its left).
    public var margin: Double?
    public var load: SIMD2<Double>?
    public var referenceOffset = SIMD2<Double>(0, 0)
    /// For AGVs: VDA 5050 manufacturer and serial number, which identify it on MQTT topics.
    public var manufacturer: String?
    public var serialNumber: String?
    /// The AGV network nodes that serve it, as the manifest declares them (`network_nodes:`): a
    /// station's, a charger's, a machine's supply dock. Empty where none are declared.
    public var networkNodes: [String] = []
    /// Space kept free beside it for service (`service:`).
    public var serviceAreas: [ServiceArea] = []
    /// The entities it must stay within reach of (`links:`).
    public var links: [MaterialLink] = []
    /// Where AGVs drop its material and pick up its output (`docks:` or `dock:`).
    public var docks: Docks?
    /// For machines: seconds per part at the ideal rate (`cycle_s:`), for generated transport orders.
    public var cycleSeconds: Double?
    /// For AGVs: how fast it drives and turns when the twin plans for it (nil: `AGVDrive.standard`).
    public var drive: AGVDrive?
    /// For AGVs: the load types it carries (`load_types:`); empty: any.
    public var loadTypes: [String] = []
    /// The manifest line that declared it (nil for entities of bare model files).
    public var line: Int?

    public init(id: String, category: EntityCategory, kind: String? = nil, node: Int? = nil,
                footprint: AGVFootprint? = nil, pose: Pose2D? = nil, manufacturer: String? = nil,
                serialNumber: String? = nil, line: Int? = nil) {
        self.id = id
        self.category = category
        self.kind = kind
        self.node = node
        self.footprint = footprint
        self.pose = pose
        self.manufacturer = manufacturer
        self.serialNumber = serialNumber
        self.line = line
    }
}
