import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real mosquitto broker on a free loopback port, with persistence, for the sync tests.
final class MosquittoBroker {
    static let executable = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"].first { FileManager.default.isExecutableFile(atPath: $0) }
    let port: Int
    let directory: String

    init() throws {
        port = try freePort()
        directory = NSTemporaryDirectory() + "mosquitto-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Persistence, and no limit on what it queues for a subscriber that is away or slow:
        // QoS 1 messages the broker acknowledged must survive its restart.
        let config = """
            listener \(port) 127.0.0.1
            allow_anonymous true
            persistence true
            persistence_location \(directory)/
            max_queued_messages 0
            max_inflight_messages 0
            log_dest file \(directory)/mosquitto.log
            \(getuid() == 0 ? "user root" : "")
            """
        try config.write(toFile: directory + "/mosquitto.conf", atomically: true, encoding: .utf8)
        try start()
    }

    private var pid: pid_t = 0

    /// Starts it with no signals blocked (a test runner's threads block some, and a child
    /// inherits the mask: mosquitto would never see its SIGTERM).
    func start() throws {
        guard let executable = Self.executable else { throw CocoaError(.fileNoSuchFile) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGTERM); sigaddset(&defaults, SIGINT)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let arguments = [executable, "-c", directory + "/mosquitto.conf"]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var child: pid_t = 0
        guard posix_spawn(&child, executable, nil, &attributes, &argv, environ) == 0 else { throw CocoaError(.fileReadUnknown) }
        pid = child
        let end = Date().addingTimeInterval(10)
        while Date() < end && !canConnect(port: port) { usleep(20_000) }
    }

    /// Stops it as a service manager would (SIGTERM: it saves its queues), and waits.
    func stop() {
        guard pid > 0 else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        pid = 0
    }

    func restart() throws { stop(); try start() }

    deinit { stop(); try? FileManager.default.removeItem(atPath: directory) }
}

/// A free TCP port on the loopback interface.
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    guard bound == 0 else { throw CocoaError(.fileWriteUnknown) }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}

func canConnect(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
}

/// A running `twin serve` (or `twin sync`) process.
final class TwinServer {
    let process = Process()
    let port: Int
    let directory: String
    static let readToken = "read-token-0123456789abcdef"
    static let writeToken = "write-token-0123456789abcdef"

    init(arguments extra: [String], serve: Bool = true) throws {
        port = try freePort()
        directory = NSTemporaryDirectory() + "twin-serve-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try """
            tokens:
              - {token: \(Self.readToken), scopes: [read]}
              - {token: \(Self.writeToken), scopes: [read, write]}
            """.write(toFile: directory + "/tokens.yaml", atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: TwinBinary.path)
        process.currentDirectoryURL = URL(fileURLWithPath: TwinBinary.repository)
        var arguments = serve ? ["serve", "Assets/demo/plant.yaml", "--port", "\(port)", "--tokens", directory + "/tokens.yaml"] : ["sync", "Assets/demo/plant.yaml"]
        arguments += ["--db", directory + "/history.sqlite"] + extra
        process.arguments = arguments
        FileManager.default.createFile(atPath: directory + "/log.txt", contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: directory + "/log.txt")
        process.standardError = FileHandle(forWritingAtPath: directory + "/log.txt")
        try process.run()
        if serve {
            let end = Date().addingTimeInterval(60)
            while Date() < end && !canConnect(port: port) && process.isRunning { usleep(50_000) }
        }
    }

    var log: String { (try? String(contentsOfFile: directory + "/log.txt", encoding: .utf8)) ?? "" }
    var history: String { directory + "/history.sqlite" }

    /// SIGTERM, as a service manager stops it; waits for it to commit and exit.
    func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { if process.isRunning { process.terminate(); process.waitUntilExit() } }
}

/// Blocking HTTP for the tests.
enum HTTP {
    struct Reply { var status: Int; var body: Data; var contentType: String?
        var text: String { String(decoding: body, as: UTF8.self) } }

    static func request(_ method: String, _ url: String, token: String? = nil, body: Data? = nil, contentType: String? = nil) throws -> Reply {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.timeoutInterval = 60
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        request.httpBody = body
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Result<Reply, Error> = .failure(URLError(.unknown))
        URLSession.shared.dataTask(with: request) { data, response, error in
            if let error { result = .failure(error) } else {
                let http = response as! HTTPURLResponse
                result = .success(Reply(status: http.statusCode, body: data ?? Data(), contentType: http.value(forHTTPHeaderField: "Content-Type")))
            }
            done.signal()
        }.resume()
        done.wait()
        return try result.get()
    }

    /// Polls until `condition` holds for the reply, up to `seconds`.
    static func poll(_ url: String, token: String, seconds: Double = 20, until condition: (Reply) -> Bool) throws -> Reply {
        let end = Date().addingTimeInterval(seconds)
        var reply = try request("GET", url, token: token)
        while !condition(reply) && Date() < end {
            usleep(50_000)
            reply = try request("GET", url, token: token)
        }
        return reply
    }
}
