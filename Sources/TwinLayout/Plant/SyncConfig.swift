/// How live data maps onto the plant, from the manifest's `sync:` section.
///
/// ```yaml
/// sync:
///   vda5050: {interface: uagv, versions: [v2, v3]}   # {interface}/{version}/{manufacturer}/{serialNumber}/state
///   machines:
///     - topic: plant/+/{id}/status              # {id}: the level that names the entity
///       status: state                           # payload fields: status, running, speed_mps, time
///       status_map: {RUN: running, STOP: idle}  # payload values to statuses, where they differ
///       signals: {spindle_temp_C: temp}         # signal name: payload field
///       counters: {good: parts_ok}
///       time: ts                                # an ISO 8601 time in the payload (default: arrival)
///       connection: conn                        # ONLINE / OFFLINE (a gateway's last will, say)
///   no_data_after_s: 600                        # silent this long: "no data", not its last status
/// ```
public struct SyncConfig: Sendable, Equatable {
    /// One machine topic pattern and what its payload fields mean.
    public struct MachineTopic: Sendable, Equatable {
        public var pattern: String
        /// The level of the topic that names the entity.
        public var idLevel: Int
        public var statusField: String?
        public var statusMap: [String: String] = [:]
        /// A payload field with the status's reasons: one text, or an array of them.
        public var reasonsField: String?
        public var runningField: String?
        public var speedField: String?
        public var timeField: String?
        /// A payload field saying whether the source is connected: ONLINE, OFFLINE,
        /// CONNECTIONBROKEN (as VDA 5050 spells them; lower case taken too).
        public var connectionField: String?
        public var signals: [String: String] = [:]
        public var counters: [String: String] = [:]
        public var line: Int?

        /// The MQTT subscription: the pattern with `+` for `{id}`.
        public var subscription: String {
            pattern.split(separator: "/", omittingEmptySubsequences: false).map { $0 == "{id}" ? "+" : String($0) }.joined(separator: "/")
        }

        public init(pattern: String, idLevel: Int) { self.pattern = pattern; self.idLevel = idLevel }
    }

    public var interfaceName = "uagv"
    /// The VDA 5050 major versions followed (topic level 2): 2.x and 3.x by default.
    public var majorVersions = ["v2", "v3"]
    public var machines: [MachineTopic] = []
    /// Seconds of silence after which an entity's data is "no data" rather than its last values
    /// (nil: never; VDA 5050 connection and last wills say so at once).
    public var noDataAfter: Double?

    public init() {}
}
