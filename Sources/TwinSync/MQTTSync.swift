import Foundation
import TwinState

/// Follows a plant live over MQTT: subscribes to the VDA 5050 topics of its AGVs and to its
/// machine topics, turns each message into an update of a ``LiveTwin``, and counts, logs and skips
/// what it cannot use (malformed, oversized, unknown). Reconnects with backoff on its own.
public final class MQTTSync: @unchecked Sendable {
    public let live: LiveTwin
    public let mapper: MessageMapper
    public let client: MQTTClient
    public let broker: BrokerAddress
    private let log: @Sendable (String) -> Void
    private let lock = NSLock()
    private var logged: [String: Int] = [:]

    /// What arrived from one AGV: when its last VDA 5050 message came (QoS 0 states are lost
    /// while the twin is away, so their age says how current the AGV's state is), and how many of
    /// its positions were left out because the vehicle said it was not localized.
    public struct AGVFeed: Sendable {
        public var lastMessage: Date?
        public var ignoredPoses = 0
    }
    private var feeds: [String: AGVFeed] = [:]

    /// Every AGV with a VDA 5050 identity, with what arrived from it.
    public var agvFeeds: [(id: String, feed: AGVFeed)] {
        lock.lock(); defer { lock.unlock() }
        return live.plant.entities.filter { $0.category == .agv && $0.serialNumber != nil }.map { ($0.id, feeds[$0.id] ?? AGVFeed()) }
    }

    public init(live: LiveTwin, broker: BrokerAddress, clientId: String, log: @escaping @Sendable (String) -> Void) throws(SyncError) {
        self.live = live
        self.broker = broker
        self.log = log
        mapper = MessageMapper(plant: live.plant)
        client = try MQTTClient(clientId: clientId, cleanSession: false)
    }

    public func start() throws(SyncError) {
        let mapper = self.mapper, live = self.live, log = self.log
        client.onSessionLoss { loss in
            let since = loss.awaySince.map { " since \(Timestamp($0))" } ?? ""
            log("the broker lost this twin's session (restarted without its saved state?): messages published for it while it was away\(since) are lost; subscribed again at \(Timestamp(loss.reconnected))")
        }
        client.subscribe(mapper.subscriptions, qos: 1) { [weak self] topic, payload in
            let now = Date()
            let arrival = Timestamp(now)
            let mapped = mapper.map(topic: topic, payload: payload, arrival: arrival)
            if let agv = mapped.agv { self?.heard(agv, at: now, ignoredPose: mapped.ignoredPoseOf != nil) }
            switch mapped.result {
            case .success(let update):
                if let error = live.apply(update) { self?.report("rejected", "\(topic): \(error)") }
            case .failure(let problem):
                live.count(problem)
                self?.report(problem.kind, problem.description)
            }
        }
        try client.connect(host: broker.host, port: broker.port)
    }

    private func heard(_ agv: String, at time: Date, ignoredPose: Bool) {
        lock.lock()
        var feed = feeds[agv] ?? AGVFeed()
        feed.lastMessage = time
        if ignoredPose { feed.ignoredPoses += 1 }
        feeds[agv] = feed
        let count = feed.ignoredPoses
        lock.unlock()
        if ignoredPose && (count == 1 || count % 1000 == 0) {
            log("\(agv): position not used: the vehicle says it is not localized (\(count) so far; see /health)")
        }
    }

    /// Logs the first problems of each kind, then one in a thousand.
    private func report(_ kind: String, _ message: String) {
        lock.lock()
        let n = (logged[kind] ?? 0) + 1
        logged[kind] = n
        lock.unlock()
        if n <= 20 || n % 1000 == 0 { log("\(kind) message skipped (\(n) so far): \(message)") }
    }

    public func stop() {
        client.disconnect()
        live.flush()
    }
}
