import CMosquitto
import Foundation

/// An MQTT client on libmosquitto, the standard C client: a network thread of its own, QoS 1,
/// a persistent session (the broker keeps our subscriptions and queues QoS 1 messages while we
/// are away), and reconnection with exponential backoff (1 s doubling to 30 s) when the broker
/// goes away. Messages arrive on the network thread, in order.
public final class MQTTClient: @unchecked Sendable {
    /// Called for each message with its topic and payload; the payload is valid during the call.
    public typealias MessageHandler = @Sendable (_ topic: String, _ payload: UnsafeRawBufferPointer) -> Void

    private let handle: OpaquePointer
    private let lock = NSLock()
    private var subscriptions: [String] = []
    private var qos: Int32 = 1
    private var handler: MessageHandler = { _, _ in }
    private var connectedFlag = false
    private var connections = 0
    private var acknowledged = 0
    private var lostSessions: [SessionLoss] = []
    private var disconnectedSince: Date?
    /// Hears each session the broker lost, on the network thread.
    private var sessionLossHandler: @Sendable (SessionLoss) -> Void = { _ in }

    /// A reconnection to a broker that no longer held this client's persistent session (it was
    /// restarted without its saved state, say): what was published for the client while it was
    /// away, from `awaySince` to `reconnected`, is lost.
    public struct SessionLoss: Sendable {
        public var awaySince: Date?
        public var reconnected: Date
    }
    public let clientId: String
    public let cleanSession: Bool

    private static let library: Void = { mosquitto_lib_init(); return () }()

    /// A client with `clientId`; `cleanSession: false` keeps the session on the broker between connections.
    public init(clientId: String, cleanSession: Bool = false) throws(SyncError) {
        _ = Self.library
        self.clientId = clientId
        self.cleanSession = cleanSession
        guard let handle = mosquitto_new(clientId, cleanSession, nil) else { throw SyncError.mqtt("cannot create an MQTT client") }
        self.handle = handle
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
        // Back within a second or two of the broker's return (1 s, then every 2 s): a twin that
        // waits 30 s misses what live messages say meanwhile (QoS 0 ones are never queued).
        mosquitto_reconnect_delay_set(handle, 1, 2, false)
        mosquitto_max_inflight_messages_set(handle, 1000)
        // CONNACK's flags: bit 0 says whether the broker still held this client's session.
        mosquitto_connect_with_flags_callback_set(handle) { _, user, rc, flags in
            guard let user else { return }
            let client = Unmanaged<MQTTClient>.fromOpaque(user).takeUnretainedValue()
            client.connected(rc, sessionPresent: flags & 1 != 0)
        }
        mosquitto_disconnect_callback_set(handle) { _, user, _ in
            guard let user else { return }
            let client = Unmanaged<MQTTClient>.fromOpaque(user).takeUnretainedValue()
            client.lock.lock()
            if client.connectedFlag { client.disconnectedSince = Date() }
            client.connectedFlag = false
            client.lock.unlock()
        }
        mosquitto_message_callback_set(handle) { _, user, message in
            guard let user, let message else { return }
            let client = Unmanaged<MQTTClient>.fromOpaque(user).takeUnretainedValue()
            let m = message.pointee
            let topic = String(cString: m.topic)
            let payload = UnsafeRawBufferPointer(start: m.payload, count: Int(m.payloadlen))
            client.lock.lock(); let handler = client.handler; client.lock.unlock()
            handler(topic, payload)
        }
        mosquitto_publish_callback_set(handle) { _, user, _ in
            guard let user else { return }
            let client = Unmanaged<MQTTClient>.fromOpaque(user).takeUnretainedValue()
            client.lock.lock(); client.acknowledged += 1; client.lock.unlock()
        }
    }

    deinit {
        mosquitto_loop_stop(handle, true)
        mosquitto_destroy(handle)
    }

    private func connected(_ rc: Int32, sessionPresent: Bool) {
        lock.lock()
        connectedFlag = rc == 0
        var loss: SessionLoss?
        if rc == 0 {
            connections += 1
            // A persistent session that the broker no longer holds after the client was away.
            if !cleanSession && !sessionPresent && connections > 1 {
                loss = SessionLoss(awaySince: disconnectedSince, reconnected: Date())
                lostSessions.append(loss!)
            }
            disconnectedSince = nil
        }
        let topics = subscriptions, qos = self.qos, handler = sessionLossHandler
        lock.unlock()
        if let loss { handler(loss) }
        // Subscribe again on every connection: a broker that lost its state still sends.
        for topic in topics { mosquitto_subscribe(handle, nil, topic, qos) }
    }

    /// Whether the client is connected now.
    public var isConnected: Bool { lock.lock(); defer { lock.unlock() }; return connectedFlag }
    /// How many times it has connected (reconnections included).
    public var connectionCount: Int { lock.lock(); defer { lock.unlock() }; return connections }
    /// The sessions the broker lost while this client was away, oldest first.
    public var sessionLosses: [SessionLoss] { lock.lock(); defer { lock.unlock() }; return lostSessions }
    /// Since when the client has been disconnected (nil while connected or before connecting).
    public var awaySince: Date? { lock.lock(); defer { lock.unlock() }; return disconnectedSince }

    /// Hears each session the broker lost (on the network thread), for the log.
    public func onSessionLoss(_ handler: @escaping @Sendable (SessionLoss) -> Void) {
        lock.lock(); sessionLossHandler = handler; lock.unlock()
    }

    /// QoS 1 messages the broker has acknowledged.
    public var acknowledgedCount: Int { lock.lock(); defer { lock.unlock() }; return acknowledged }

    /// Subscribes to `topics` (on every connection) and hands their messages to `handler`.
    public func subscribe(_ topics: [String], qos: Int32 = 1, handler: @escaping MessageHandler) {
        lock.lock()
        subscriptions = topics
        self.qos = qos
        self.handler = handler
        let connected = connectedFlag
        lock.unlock()
        if connected { for topic in topics { mosquitto_subscribe(handle, nil, topic, qos) } }
    }

    /// Connects and starts the network thread; a broker that is not there yet is retried.
    public func connect(host: String, port: Int, keepAliveSeconds: Int32 = 30) throws(SyncError) {
        let rc = mosquitto_connect_async(handle, host, Int32(port), keepAliveSeconds)
        // Refused at once (no broker listening): the loop retries with backoff.
        guard rc == MOSQ_ERR_SUCCESS.rawValue || rc == MOSQ_ERR_ERRNO.rawValue else { throw SyncError.mqtt("cannot connect to \(host):\(port)", code: rc) }
        let loop = mosquitto_loop_start(handle)
        guard loop == MOSQ_ERR_SUCCESS.rawValue else { throw SyncError.mqtt("cannot start the MQTT network thread", code: loop) }
    }

    /// Waits until connected, up to `seconds`.
    @discardableResult
    public func waitUntilConnected(seconds: Double) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while !isConnected && Date() < end { usleep(5_000) }
        return isConnected
    }

    /// Publishes a message; QoS 1 waits in libmosquitto's queue until the broker acknowledges it.
    @discardableResult
    public func publish(topic: String, payload: [UInt8], qos: Int32 = 1, retain: Bool = false) -> Bool {
        payload.withUnsafeBytes { bytes in
            mosquitto_publish(handle, nil, topic, Int32(bytes.count), bytes.baseAddress, qos, retain) == MOSQ_ERR_SUCCESS.rawValue
        }
    }

    /// Disconnects and stops the network thread.
    public func disconnect() {
        mosquitto_disconnect(handle)
        mosquitto_loop_stop(handle, false)
    }

    /// Whether `topic` matches the subscription `pattern` (`+` one level, `#` the rest).
    public static func matches(_ pattern: String, _ topic: String) -> Bool {
        var result = false
        mosquitto_topic_matches_sub(pattern, topic, &result)
        return result
    }
}

/// `mqtt://HOST:PORT` (port 1883 by default).
public struct BrokerAddress: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init?(_ text: String) {
        var rest = Substring(text)
        if rest.hasPrefix("mqtt://") { rest = rest.dropFirst(7) } else if rest.contains("://") { return nil }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty else { return nil }
        host = String(parts[0])
        if parts.count == 2 {
            guard let p = Int(parts[1]), (1...65535).contains(p) else { return nil }
            port = p
        } else {
            port = 1883
        }
    }

    public var description: String { "mqtt://\(host):\(port)" }
}

extension SyncError {
    /// A libmosquitto call that failed, with the library's reason for `code`.
    static func mqtt(_ what: String, code: Int32) -> SyncError { .mqtt("\(what): \(String(cString: mosquitto_strerror(code)))") }
}
