import TwinGeometry

/// A rule the layout breaks: which rule, the entities involved, what was measured against what
/// the rule requires, and where.
public struct Violation: Sendable, Equatable {
    public enum Rule: String, Sendable, CaseIterable {
        case overlap
        case clearance
        case wallClearance = "wall-clearance"
        case building
        case zone
        case safety
        case route
        case station
        case aisle
        /// Escape routes and exits (ASR A2.3).
        case escape
        /// Free floor in front of a door.
        case door
        /// Headroom under a lintel or a crane's hook.
        case overhead
        /// A service area kept free.
        case service
        /// A forklift's working aisle in front of a rack.
        case forklift
        /// A material-flow link within reach.
        case flow
    }

    public var rule: Rule
    public var entities: [String]
    /// Meters; nil where the rule measures nothing (an unreachable station).
    public var measured: Double?
    public var required: Double?
    /// Where on the floor (x, y).
    public var place: SIMD2<Double>?
    public var message: String
    /// The smallest move that would fix it, where one part's move can ("move M-002 0.210 m west").
    public var fix: String?

    public init(rule: Rule, entities: [String], measured: Double? = nil, required: Double? = nil, place: SIMD2<Double>? = nil, message: String) {
        self.rule = rule; self.entities = entities; self.measured = measured; self.required = required
        self.place = place; self.message = message
    }
}
