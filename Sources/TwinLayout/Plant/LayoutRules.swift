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
