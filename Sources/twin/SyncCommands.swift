import ArgumentParser
import Foundation
import Hummingbird
import HummingbirdCore
import TwinCollision
import TwinGeometry
import TwinJSON
import TwinLayout
import TwinOperations
import TwinRender
import TwinState
import TwinSync

/// A broker address on the command line: mqtt://HOST:PORT (for `@Option(transform:)`).
func brokerArgument(_ text: String) throws -> BrokerAddress {
    guard let address = BrokerAddress(text) else {
        throw ValidationError("expected mqtt://HOST:PORT (such as mqtt://127.0.0.1:1883)")
    }
    return address
}

func log(_ message: String) {
    let line = "\(Timestamp(Date())) \(message)\n"
    FileHandle.standardError.write(Data(line.utf8))
}

/// The live twin both commands run: the plant, its history, MQTT when a broker is given.
struct LiveSetup {
    let live: LiveTwin
    let mqtt: MQTTSync?

    init(plant path: String, load: LoadOptions, history: HistoryOptions, lateness: LatenessOptions, broker: BrokerAddress?, clientId: String?) throws {
        let plant = try load.loadPlant(path)
        let store = try history.open(plant: plant, at: path, lateness: lateness)
        do { live = try LiveTwin(plant: plant, history: store) } catch { throw CLIFailure.badInput(error.description) }
        live.start()
        if let broker {
            let id = clientId ?? "factorytwin-" + plant.name.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "-" }
            do {
                let sync = try MQTTSync(live: live, broker: broker, clientId: id) { log($0) }
                try sync.start()
                mqtt = sync
            } catch {
                throw CLIFailure.badInput("\(broker): \(error)")
            }
            log("following \(broker) as '\(id)': \(MessageMapper(plant: plant).subscriptions.joined(separator: ", ")); history \(store.path)")
        } else {
            mqtt = nil
        }
    }

    func stop() {
        mqtt?.stop()
        live.stop()
        let c = live.counts
        log("stopped: \(c.applied) updates applied, \(c.committed) committed, \(c.rejected) rejected, \(c.malformed) malformed, \(c.oversized) oversized, \(c.unknown) unknown messages")
    }
}

/// Blocks until SIGINT or SIGTERM.
func waitForTermination() {
    let done = DispatchSemaphore(value: 0)
    var sources: [DispatchSourceSignal] = []
    for sig in [SIGINT, SIGTERM] {
        signal(sig, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
        source.setEventHandler { done.signal() }
        source.resume()
        sources.append(source)
    }
    done.wait()
    _ = sources
}

struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Follow a plant live over MQTT: VDA 5050 AGV topics and machine topics into the state and its history.",
        discussion: """
            Subscribes with QoS 1 and a persistent session to {interface}/{version}/+/+/state, visualization and \
            connection (AGVs matched by the manifest's manufacturer and serial_number) and to the machine topics of \
            the manifest's sync: section; applies every message as an update and commits it to the history within \
            milliseconds. Reconnects with backoff when the broker goes away; malformed, oversized and unknown \
            messages are counted, logged and skipped. Runs until SIGINT or SIGTERM, then commits what is pending.

            Examples:
              twin sync Assets/demo/plant.yaml --broker mqtt://127.0.0.1:1883
              twin sync Assets/demo/plant.yaml --broker mqtt://gw:1883 --db live.sqlite
            """)

    @Argument(help: "A plant.yaml manifest.")
    var plant: String

    @Option(help: "The MQTT broker, mqtt://HOST:PORT.", transform: brokerArgument)
    var broker: BrokerAddress

    @Option(name: .customLong("client-id"), help: "The MQTT client id (the broker keeps this session's subscriptions and queue).")
    var clientId: String?

    @OptionGroup var history: HistoryOptions
    @OptionGroup var lateness: LatenessOptions
    @OptionGroup var load: LoadOptions

    func run() throws {
        let setup = try LiveSetup(plant: plant, load: load, history: history, lateness: lateness, broker: broker, clientId: clientId)
        waitForTermination()
        setup.stop()
    }
}

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the twin over HTTP: state, updates, renders, route checks, live events (and MQTT with --broker).",
        discussion: """
            Endpoints: GET /health (no token), GET /state[?at=TIME], GET /state/{id}, POST /updates (JSON Lines), \
            PATCH /entities/{id}, GET /render.png?camera=plan&size=WxH, GET /check, GET /events (server-sent events), \
            GET /openapi.json. Bearer tokens with read and write scopes come from --tokens FILE (YAML: tokens: \
            [{token, scopes: [read, write]}]). Errors are problem details (application/problem+json).

            Examples:
              twin serve Assets/demo/plant.yaml --tokens tokens.yaml
              twin serve Assets/demo/plant.yaml --tokens tokens.yaml --port 8080 \\
                  --broker mqtt://127.0.0.1:1883
            """)

    @Argument(help: "A plant.yaml manifest.")
    var plant: String

    @Option(help: "The port to listen on.")
    var port = 8080

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The bearer tokens and their scopes (YAML).")
    var tokens: String

    @Option(help: "Also follow this MQTT broker (mqtt://HOST:PORT), in the same process.", transform: brokerArgument)
    var broker: BrokerAddress?

    @Option(name: .customLong("client-id"), help: "The MQTT client id.")
    var clientId: String?

    @Option(name: .customLong("max-body"), help: "The largest request body, bytes.")
    var maxBody = 4 << 20

    @Option(name: .customLong("max-connections"), help: "Connections served at once; more wait until one closes.")
    var maxConnections = 512

    @Option(name: .customLong("idle-timeout"), help: "Seconds a connection may stay silent (request headers unfinished, or idle between requests) before it is closed.")
    var idleTimeout = 10.0

    @Option(help: "Threads for renders and route checks (default: one per core); beyond them, 4 requests wait and more get 503.")
    var workers: Int?

    @OptionGroup var history: HistoryOptions
    @OptionGroup var lateness: LatenessOptions
    @OptionGroup var load: LoadOptions

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1 to 65535") }
        guard maxBody >= 1024 else { throw ValidationError("--max-body must be at least 1024 bytes") }
        guard (1...100_000).contains(maxConnections) else { throw ValidationError("--max-connections must be 1 to 100000") }
        guard idleTimeout > 0, idleTimeout <= 3600 else { throw ValidationError("--idle-timeout must be more than 0 and at most 3600 seconds") }
        if let workers, !(1...256).contains(workers) { throw ValidationError("--workers must be 1 to 256") }
    }

    func run() throws {
        let tokenConfig: TokenConfig
        do { tokenConfig = try TokenConfig.load(path: tokens) } catch { throw CLIFailure.badInput(error.description) }
        let setup = try LiveSetup(plant: plant, load: load, history: history, lateness: lateness, broker: broker, clientId: clientId)
        var options = HTTPAPI.Options()
        options.maximumBodyBytes = maxBody
        let work = workers.map { WorkPool(workers: $0) } ?? WorkPool()
        let router = HTTPAPI.router(live: setup.live, tokens: tokenConfig, mqtt: setup.mqtt, options: options, work: work)
        let address = "\(host):\(port)"
        // Every connection holds a file descriptor: take the hard limit, so that the connection
        // limit, not the default 1,024 descriptors, is what bounds them.
        var files = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &files) == 0, files.rlim_cur < files.rlim_max {
            files.rlim_cur = files.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &files)
        }
        // Connections that never finish their request headers (or sit idle) are closed after
        // --idle-timeout; at most --max-connections are served at once, the rest wait to be accepted.
        let app = Application(router: router,
                              server: .http1(configuration: .init(idleTimeout: .milliseconds(Int64(idleTimeout * 1000)))),
                              configuration: .init(address: .hostname(host, port: port), serverName: "FactoryTwin",
                                                   availableConnectionsDelegate: MaximumAvailableConnections(maxConnections)),
                              onServerRunning: { _ in log("serving \(address) (\(tokenConfig.tokens.count) tokens)") })
        let done = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        Task {
            do { try await app.runService() } catch {
                let text = "\(error)"
                failure.set("\(address): " + (text.contains("Address already in use") ? "the port is in use (another server listens there; choose one with --port)" : text))
            }
            done.signal()
        }
        done.wait()
        setup.stop()
        if let message = failure.get() { throw CLIFailure.badInput(message) }
    }
}

final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var message: String?
    func set(_ m: String) { lock.lock(); message = m; lock.unlock() }
    func get() -> String? { lock.lock(); defer { lock.unlock() }; return message }
}
