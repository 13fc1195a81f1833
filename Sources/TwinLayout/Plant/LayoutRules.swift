/// The rules a layout must keep, from the manifest's `rules:` section; every rule is on by
/// default with the values below, and a numeric rule is switched off with `off`.
///
/// ```yaml
/// rules:
///   overlap: true                  # no two machines intersect (mesh against mesh) or stand one inside the other
///   clearance_m: 0.5               # between machines ...
///   clearance_pairs:               # ... or more for some pairs of kinds
///     - {kinds: [press, press], m: 1.0}
///   wall_clearance_m: 0.3          # machines to walls and columns
///   free_zones: [keep-out, walkway]
///   route_margin: true             # every route clear by its AGV's margin
///   stations_reachable: true       # every station's nearest network node reachable
///   station_access_m: 3.0          # how far a station may lie from its network node (default: off)
///   aisle_width_m: 1.8             # free width across every route (default: widest AGV + 1 m, or its extent across its travel + 1 m where more)
/// ```
public struct LayoutRules: Sendable, Equatable {
    /// A larger clearance between machines of two kinds.
    public struct PairClearance: Sendable, Equatable {
        public var kinds: Set<String>
        public var meters: Double
        public init(kinds: Set<String>, meters: Double) { self.kinds = kinds; self.meters = meters }
    }

    public var overlap = true
    public var machineClearance: Double? = 0.5
    public var pairClearances: [PairClearance] = []
    public var wallClearance: Double? = 0.3
    public var freeZones: [Zone.Kind] = [.keepOut, .walkway]
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
        var required = machineClearance
        for pair in pairClearances {
            let kinds = Set([a ?? "", b ?? ""])
            if kinds == pair.kinds || (pair.kinds.count == 1 && a == b && pair.kinds.contains(a ?? "")) {
                required = max(required ?? 0, pair.meters)
            }
        }
        return required
    }
}
