import Foundation
import TwinTestSupport
import TwinSync
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real mosquitto broker for the sync tests, with persistence: QoS 1 messages it acknowledged
/// must survive its restart.
final class MosquittoBroker {
    static let executable = MosquittoProcess.executable
    let directory: String
    let process: MosquittoProcess
    var port: Int { process.port }

    init() throws {
        directory = NSTemporaryDirectory() + "mosquitto-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        process = try MosquittoProcess(folder: directory, settings: ["persistence true", "persistence_location \(directory)/",
                                                                   "log_dest file \(directory)/mosquitto.log"])
    }

    func restart() throws { try process.restart() }

    deinit { process.stop(); try? FileManager.default.removeItem(atPath: directory) }
}

func freePort() throws -> Int {
    guard let port = MosquittoProcess.freeLoopbackPort() else { throw CocoaError(.fileWriteUnknown) }
    return port
}

func canConnect(port: Int) -> Bool { MosquittoProcess.acceptsConnections(port: port) }

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
        _ = FileManager.default.createFile(atPath: directory + "/log.txt", contents: nil)
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

    /// SIGTERM, as a service manager stops it; waits (up to 60 s) for it to commit and exit. A
    /// server that does not stop is killed and reported as -9, so that a test fails, not hangs.
    func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        let end = Date().addingTimeInterval(60)
        while process.isRunning && Date() < end { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return -9
        }
        return process.terminationStatus
    }

    deinit { if process.isRunning { _ = stop() } }
}

/// Blocking HTTP for the tests.
enum HTTP {
    struct Reply { var status: Int; var body: Data; var contentType: String?; var allow: String? = nil
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
                result = .success(Reply(status: http.statusCode, body: data ?? Data(), contentType: http.value(forHTTPHeaderField: "Content-Type"),
                                        allow: http.value(forHTTPHeaderField: "Allow")))
            }
            done.signal()
        }.resume()
        done.wait()
        return try result.get()
    }

    /// Polls until `condition` holds for the reply, up to `seconds`.
    static func poll(_ url: String, token: String, seconds: Double = 60, until condition: (Reply) -> Bool) throws -> Reply {
        let end = Date().addingTimeInterval(seconds)
        var reply = try request("GET", url, token: token)
        while !condition(reply) && Date() < end {
            usleep(50_000)
            reply = try request("GET", url, token: token)
        }
        return reply
    }
}

/// A raw HTTP/1.1 GET kept open, for the server-sent event stream (URLSession waits for a body
/// that never ends). Reads with a timeout; `text` is everything received so far.
final class EventStream {
    let fd: Int32
    private(set) var text = ""

    init(port: Int, path: String, token: String) throws {
        guard let fd = MosquittoProcess.connectLoopback(port: port) else { throw CocoaError(.fileReadUnknown) }
        self.fd = fd
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n\r\n"
        _ = request.withCString { write(fd, $0, strlen($0)) }
    }

    /// Reads until `condition` holds for what has arrived, or `seconds` pass.
    @discardableResult
    func read(seconds: Double = 30, until condition: (String) -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !condition(text) && Date() < end {
            let n = Glibc.read(fd, &buffer, buffer.count)
            if n > 0 { text += String(decoding: buffer[0..<n], as: UTF8.self) } else if n == 0 { break }
        }
        return condition(text)
    }

    private var closed = false
    func close() { if !closed { closed = true; Glibc.close(fd) } }

    deinit { close() }
}
