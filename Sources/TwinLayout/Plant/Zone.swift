/// A floor area with a meaning for people and AGVs.
public struct Zone: Sendable, Identifiable {
    public enum Kind: String, Sendable, CaseIterable {
        /// AGVs must not enter.
        case keepOut = "keep-out"
        /// People and machines share the space: slow down.
        case safety
        /// For people on foot; kept free of machines.
        case walkway
    }

    public var id: String
    public var kind: Kind
    /// Corners on the floor (x, y), in order; the polygon closes itself.
    public var polygon: [SIMD2<Double>]
    public var line: Int?

    public init(id: String, kind: Kind, polygon: [SIMD2<Double>], line: Int? = nil) {
        self.id = id; self.kind = kind; self.polygon = polygon; self.line = line
    }

    /// The signed area (positive when the corners run counterclockwise).
    public var signedArea: Double {
        var sum = 0.0
        for i in polygon.indices {
            let a = polygon[i], b = polygon[(i + 1) % polygon.count]
            sum += a.x * b.y - b.x * a.y
        }
        return sum / 2
    }
}
