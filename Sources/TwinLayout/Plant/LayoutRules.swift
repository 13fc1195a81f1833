/// The rules a layout must keep, from the manifest's `rules:` section; every rule is on by
/// default with the values below, and a numeric rule is switched off with `off`.
///
/// ```yaml
/// rules:
///   overlap: true                  # no two parts cross (mesh against mesh) or stand one inside the other
///   clearance_m: 0.5               # between machines ...
///   clearance_pairs:               # ... or more for some pairs of kinds or categories
///     - {kinds: [press, press], m: 1.0}
///     - {kinds: [machine, rack], m: 1.0}
///   wall_clearance_m: 0.3          # machines to walls and columns
///   inside_building: true          # every part within the building's outline ...
///   building: [[0, 0], [100, 0], [100, 60], [0, 60]]   # ... as given (default: the walls' extent)
///   free_zones: [keep-out, walkway]
///   safety_zones_clear: true       # a safety zone holds its machine only: no other part, walkway or AGV route
///   route_margin: true             # every route clear by its AGV's margin
///   stations_reachable: true       # every station's nearest network node reachable
///   station_access_m: 3.0          # how far a station may lie from its network node (default: off)
///   aisle_width_m: 1.8             # free width across every route (default: widest AGV + 1 m, or its extent across its travel + 1 m where more)
///   # Rules from practice (see docs/validation.md for their sources):
///   escape_distance_m: 35          # workplace to the nearest exit, straight line (ASR A2.3 Table 1)
///   escape_walk_factor: 1.5        # the walk itself at most this times that (ASR A2.3)
///   escape_width_m: 0.90           # clear width all the way (ASR A2.3 Table 2, up to 5 people)
///   exit_width_m: 0.80             # an exit's clear width (ASR A2.3 Table 2, doors)
///   exit_height_m: 1.95            # an exit's clear height (ASR A2.3)
///   door_clearance_m: 1.0          # free floor on both sides of every door, across its opening
///   overhead_margin_m: 0.1         # headroom above an AGV under a lintel, above a part under a crane's hook
///   service_depth_m: 0.7           # a service area's depth where the entity gives none (IEC 60364-7-729)
///   forklift_aisles: {turning_radius_m: 1.95, load_distance_m: 0.45, load_length_m: 1.2}   # VDI 2198 Ast (default: off)
///   material_flow: true            # every declared link within reach
///   link_gap_m: 0.05               # how far apart linked entities may stand, where a link gives no distance
/// ```
public struct LayoutRules: Sendable, Equatable {
    /// A larger clearance between machines of two kinds.
    public struct PairClearance: Sendable, Equatable {
        /// Machine kinds (`press`) or categories (`machine`, `conveyor`, `rack`, `station`,
        /// `object`, `structure`), one or two.
        public var kinds: Set<String>
        public var meters: Double
        public init(kinds: Set<String>, meters: Double) { self.kinds = kinds; self.meters = meters }
    }

    public var overlap = true
    public var machineClearance: Double? = 0.5
    public var pairClearances: [PairClearance] = []
    public var wallClearance: Double? = 0.3
    public var insideBuilding = true
    /// The building's outline on the floor; nil: the extent of its walls and columns.
    public var building: [SIMD2<Double>]?
    public var freeZones: [Zone.Kind] = [.keepOut, .walkway]
    /// Safety zones hold only the machine they guard: no other part, no walkway, no AGV route.
    public var safetyZonesClear = true
    public var routeMargin = true
    public var stationsReachable = true
    /// How far a station may lie from its nearest network node; nil: any distance (only
    /// reachability is checked).
    public var stationAccess: Double?
    /// Nil: the widest AGV's width plus 1 m (0.5 m each side, as ISO 3691-4 asks beside driverless trucks).
    public var aisleWidth: Double?
    public var aisleWidthOff = false

    // Rules from practice. Escape routes: ASR A2.3 "Fluchtwege und Notausgänge" (German technical
    // rule for workplaces, 2022): Table 1's 35 m straight line from where people work to an exit
    // (rooms of normal fire hazard; 25 m and 10 m where it is higher), the walk at most 1.5 times
    // that, Table 2's clear widths for up to 5 people (0.90 m along the route, 0.80 m through a
    // door) and 1.95 m clear height at doors. Checked where the plant declares an exit.

    public var escapeDistance: Double? = 35
    public var escapeWalkFactor = 1.5
    public var escapeWidth: Double? = 0.90
    public var exitWidth: Double? = 0.80
    public var exitHeight: Double? = 1.95
    /// Free floor on both sides of every door, across its opening (ours: no standard gives one figure).
    public var doorClearance: Double? = 1.0
    /// Headroom above an AGV passing under a door's lintel and above a part under a crane's hook.
    public var overheadMargin: Double? = 0.1
    /// A service area's depth where the entity gives none: IEC 60364-7-729's 0.7 m gangway in front
    /// of switchgear and control gear.
    public var serviceDepth = 0.7
    /// Forklift working aisles in front of racks (nil: not checked).
    public var forklift: ForkliftAisle?
    /// Every declared material-flow link (`links:`) within reach.
    public var materialFlow = true
    public var linkGap = 0.05

    /// The working aisle a forklift needs in front of a rack: VDI 2198's Ast = Wa + x + l6 + a
    /// (turning radius, the load's distance from the front axle, the load's length, and a safety
    /// distance of 2 x 100 mm), or a datasheet's Ast given directly.
    public struct ForkliftAisle: Sendable, Equatable {
        public var turningRadius = 0.0
        public var loadDistance = 0.0
        public var loadLength = 1.2
        public var safety = 0.2
        /// The Ast from a datasheet, instead of the sum.
        public var given: Double?
        /// The rack kinds served by forklift (empty: every rack).
        public var rackKinds: [String] = []
        public init() {}

        public var width: Double { given ?? turningRadius + loadDistance + loadLength + safety }
    }

    /// The manifest line of the section, for reports.
    public var line: Int?

    public init() {}

    /// The clearance two machines of these kinds must keep.
    public func clearance(between a: String?, _ b: String?) -> Double? {
        clearance(between: (a, "machine"), (b, "machine"))
    }

    /// The clearance two parts must keep, each named by its kind (if any) and its category
    /// (`machine`, `rack`, ..., `structure`): `clearance_m` between machines, and the largest
    /// `clearance_pairs` entry that names the two (by kind or by category). Nil: none asked for
    /// (they must still not cross, under `overlap`).
    public func clearance(between a: (kind: String?, category: String), _ b: (kind: String?, category: String)) -> Double? {
        var required = a.category == "machine" && b.category == "machine" ? machineClearance : nil
        func names(_ p: (kind: String?, category: String), _ name: String) -> Bool { p.kind == name || p.category == name }
        for pair in pairClearances {
            let listed = Array(pair.kinds)
            let matches = listed.count == 1
                ? names(a, listed[0]) && names(b, listed[0])
                : (names(a, listed[0]) && names(b, listed[1])) || (names(a, listed[1]) && names(b, listed[0]))
            if matches { required = max(required ?? 0, pair.meters) }
        }
        return required
    }
}
