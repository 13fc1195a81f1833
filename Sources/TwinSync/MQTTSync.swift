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

    public init(live: LiveTwin, broker: BrokerAddress, clientId: String, log: @escaping @Sendable (String) -> Void) throws(MQTTError) {
        self.live = live
        self.broker = broker
        self.log = log
        mapper = MessageMapper(plant: live.plant)
        client = try MQTTClient(clientId: clientId, cleanSession: false)
    }

    public func start() throws(MQTTError) {
        let mapper = self.mapper, live = self.live, log = self.log
        client.onSessionLoss { loss in
            let since = loss.awaySince.map { " since \(Timestamp($0))" } ?? ""
            log("the broker lost this twin's session (restarted without its saved state?): messages published for it while it was away\(since) are lost; subscribed again at \(Timestamp(loss.reconnected))")
        }
        client.subscribe(mapper.subscriptions, qos: 1) { [weak self] topic, payload in
            let arrival = Timestamp(Date())
            switch mapper.update(topic: topic, payload: payload, arrival: arrival) {
            case .success(let update):
                if let error = live.apply(update) { self?.report("rejected", "\(topic): \(error)") }
            case .failure(let problem):
                live.count(problem)
                self?.report(problem.kind, problem.description)
            }
        }
        try client.connect(host: broker.host, port: broker.port)
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
