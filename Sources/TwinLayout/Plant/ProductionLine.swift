/// A production line: machines in the order the parts flow through them, and the conveyors
/// (or buffers) that carry the parts between them. From the manifest's `lines:` section:
///
/// ```yaml
/// lines:
///   - id: LINE-2
///     name: Press line 2
///     machines: [M-012, M-013, M-014, M-015, M-016]   # in flow order
///     conveyors: [C-101, C-102, C-103]                # what carries its parts
///     within_m: 5                                     # reach between neighbours (default 5 m)
/// ```
///
/// `twin validate` checks that each machine stands within reach of the one before it and each
/// conveyor within reach of a machine of its line.
public struct ProductionLine: Sendable, Equatable {
    public var id: String
    public var name: String?
    public var machines: [String]
    public var conveyors: [String]
    /// How far apart (m) neighbours of the line may stand.
    public var within: Double
    public var line: Int?

    public static let defaultReach = 5.0

    public init(id: String, name: String? = nil, machines: [String], conveyors: [String] = [], within: Double = ProductionLine.defaultReach, line: Int? = nil) {
        self.id = id; self.name = name; self.machines = machines; self.conveyors = conveyors; self.within = within; self.line = line
    }
}
