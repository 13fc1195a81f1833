import TwinJSON
import Foundation
import TwinTestSupport
import Testing
import TwinState
import TwinSync

/// `twin serve` against requests nobody here wrote: sizes that overflow, bytes that are not
/// UTF-8, the bearer scheme in lower case, heavy renders and checks at once, connections that never
/// finish their headers, and a client that follows /events without reading.
@Suite("twin serve: hostile requests", .serialized)
struct ServeHostileTests {
    /// One HTTP/1.1 request over a raw socket (`Connection: close`); the whole reply as text.
    static func raw(port: Int, _ head: String, body: [UInt8] = [], seconds: Int = 60) -> String {
        guard let fd = MosquittoProcess.connectLoopback(port: port) else { return "" }
        defer { close(fd) }
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request = Array((head + "\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: \(body.count)\r\n\r\n").utf8) + body
        _ = request.withUnsafeMutableBytes { write(fd, $0.baseAddress, $0.count) }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            reply += buffer[0..<n]
        }
        return String(decoding: reply, as: UTF8.self)
    }

    static func status(_ reply: String) -> Int { Int(reply.split(separator: " ").dropFirst().first ?? "") ?? 0 }

    @Test func malformedRequestsGetProblemsAndTheServerLives() throws {
        let server = try TwinServer(arguments: [])
        defer { _ = server.stop() }
        let read = "Authorization: Bearer \(TwinServer.readToken)"
        for size in ["3037000500x3037000500", "99999999999999999999x2", "16385x16", "4097x4097", "-16x16", "16x16x16"] {
            let reply = Self.raw(port: server.port, "GET /render.png?size=\(size) HTTP/1.1\r\n\(read)")
            #expect(Self.status(reply) == 400, "\(size): \(reply.prefix(300))")
            #expect(reply.contains("size: "), "\(size)")
        }
        // The scheme is case-insensitive.
        for scheme in ["bearer", "BEARER", "Bearer"] {
            #expect(Self.status(Self.raw(port: server.port, "GET /state/M-001 HTTP/1.1\r\nAuthorization: \(scheme) \(TwinServer.readToken)")) == 200, "\(scheme)")
        }
        // PATCH with bytes that are not UTF-8 is refused, as POST /updates refuses them.
        let write = "Authorization: Bearer \(TwinServer.writeToken)\r\nContent-Type: application/json"
        let bad: [UInt8] = Array(#"{"signals":{"note":""#.utf8) + [0xC3, 0x28] + Array(#""}}"#.utf8)
        let patched = Self.raw(port: server.port, "PATCH /entities/M-001 HTTP/1.1\r\n\(write)", body: bad)
        #expect(Self.status(patched) == 400, "\(patched)")
        #expect(patched.contains("not valid UTF-8"), "\(patched)")
        let posted = Self.raw(port: server.port, "POST /updates HTTP/1.1\r\n\(write)",
                              body: Array(#"{"t":"2026-05-04T08:00:00Z","entity":"M-001","set":{"signals":{"note":""#.utf8) + [0xC3, 0x28] + Array(#""}}}"#.utf8))
        #expect(Self.status(posted) == 422, "\(posted)")
        let state = Self.raw(port: server.port, "GET /state/M-001 HTTP/1.1\r\n\(read)")
        #expect(!state.contains("\u{FFFD}") && !state.contains("note"), "\(state)")
        #expect(Self.status(Self.raw(port: server.port, "GET /health HTTP/1.1")) == 200)
    }

    /// Every query parameter the OpenAPI document lists, with values nobody means: each answer is
    /// a 2xx or 4xx (never a 5xx, never a dead server).
    @Test func everyQueryParameterSurvivesHostileValues() throws {
        let server = try TwinServer(arguments: [])
        defer { _ = server.stop() }
        let read = "Authorization: Bearer \(TwinServer.readToken)"
        let document = Self.raw(port: server.port, "GET /openapi.json HTTP/1.1\r\n\(read)")
        let json = try #require(document.components(separatedBy: "\r\n\r\n").dropFirst().first)
        guard case .object(let top)? = try? JSONParser.parse(json), case .object(let paths)? = top["paths"] else { Issue.record("no paths"); return }
        let values = ["", "%FF%FE", "%00", "-1", "0", "1e309", "NaN", "99999999999999999999999", "3037000500x3037000500",
                      "0x0", "..%2F..%2Fetc%2Fpasswd", "%E2%80%AE", String(repeating: "9", count: 4000), "a%20b", "%"]
        var tried = 0
        for member in paths.members where member.key != "/events" {
            guard case .object(let operations) = member.value, case .object(let get)? = operations["get"],
                  case .array(let parameters)? = get["parameters"] else { continue }
            let path = member.key.replacingOccurrences(of: "{id}", with: "M-001")
            for case .object(let parameter) in parameters {
                guard parameter["in"] == .string("query"), case .string(let name)? = parameter["name"] else { continue }
                for value in values {
                    let reply = Self.raw(port: server.port, "GET \(path)?\(name)=\(value) HTTP/1.1\r\n\(read)")
                    let status = Self.status(reply)
                    #expect((200..<500).contains(status), "\(path)?\(name)=\(value.prefix(40)): \(reply.prefix(300))")
                    tried += 1
                }
            }
        }
        #expect(tried >= values.count * 4)
        #expect(Self.status(Self.raw(port: server.port, "GET /health HTTP/1.1")) == 200)
    }

    /// Renders and checks run on a bounded pool of their own: /health answers at once while they
    /// run, and requests past the pool get 503 with Retry-After instead of piling up.
    @Test func healthAnswersWhileHeavyRequestsRun() throws {
        let server = try TwinServer(arguments: ["--workers", "1"])
        defer { _ = server.stop() }
        let read = "Authorization: Bearer \(TwinServer.readToken)"
        let replies = LockedList()
        let group = DispatchGroup()
        let port = server.port
        for i in 0..<10 {
            DispatchQueue.global().async(group: group) {
                let path = i % 3 == 0 ? "/check" : "/render.png?size=1280x1280&aa=8"
                replies.append(Self.raw(port: port, "GET \(path) HTTP/1.1\r\n\(read)", seconds: 300))
            }
        }
        usleep(300_000)
        var slowest = 0.0
        for _ in 0..<10 {
            let start = Date()
            let health = Self.raw(port: server.port, "GET /health HTTP/1.1")
            slowest = max(slowest, Date().timeIntervalSince(start))
            #expect(Self.status(health) == 200)
            usleep(100_000)
        }
        // Generous (the whole suite shares two cores in CI): it took 24 s before; each of these
        // renders takes seconds.
        #expect(slowest < 5, "slowest /health: \(slowest) s")
        group.wait()
        let statuses = replies.items.map(Self.status)
        #expect(statuses.allSatisfy { $0 == 200 || $0 == 503 }, "\(statuses)")
        #expect(statuses.contains(503), "\(statuses)")
        #expect(statuses.contains(200), "\(statuses)")
        for reply in replies.items where Self.status(reply) == 503 { #expect(reply.contains("retry-after: 2") || reply.contains("Retry-After: 2"), "\(reply.prefix(400))") }
    }

    /// Connections that never finish their headers are closed after --idle-timeout, and no more
    /// than --max-connections are held: the server keeps answering.
    @Test func halfSentRequestsAreClosed() throws {
        let server = try TwinServer(arguments: ["--idle-timeout", "1", "--max-connections", "64"])
        defer { _ = server.stop() }
        var sockets: [Int32] = []
        defer { for fd in sockets { close(fd) } }
        for _ in 0..<200 {
            guard let fd = MosquittoProcess.connectLoopback(port: server.port) else { break }
            let partial = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            _ = partial.withCString { write(fd, $0, strlen($0)) }
            sockets.append(fd)
        }
        #expect(sockets.count == 200)
        let start = Date()
        let health = Self.raw(port: server.port, "GET /health HTTP/1.1", seconds: 30)
        #expect(Self.status(health) == 200, "\(health)")
        #expect(Date().timeIntervalSince(start) < 15)
        // The first ones were closed by the server: a read sees the end (or a reset).
        var closed = 0
        for fd in sockets.prefix(64) {
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var byte: UInt8 = 0
            var n = read(fd, &byte, 1)
            while n > 0 { n = read(fd, &byte, 1) }
            if n == 0 || errno == ECONNRESET { closed += 1 }
        }
        #expect(closed == 64, "closed \(closed) of 64")
    }

    /// A client that follows /events but does not read never holds up ingest: updates are applied
    /// at full speed, and the client, once it reads, is told how many it missed.
    @Test func aSlowEventClientDoesNotHoldUpIngest() throws {
        let server = try TwinServer(arguments: [])
        defer { _ = server.stop() }
        // A client with a small receive buffer that does not read: the server's writes to it stall.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd) }
        var small: Int32 = 4096
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(server.port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        #expect(connected == 0)
        let request = "GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(TwinServer.readToken)\r\n\r\n"
        _ = request.withCString { write(fd, $0, strlen($0)) }
        usleep(300_000)
        var lines: [String] = []
        for i in 0..<40_000 {
            let t = Timestamp(milliseconds: 1_777_870_800_000 + Int64(i) * 10).description
            lines.append(#"{"t":"\#(t)","entity":"M-001","set":{"signals":{"n":\#(i),"pad":"abcdefghijklmnopqrstuvwxyz0123456789"}}}"#)
        }
        let writer = "Authorization: Bearer \(TwinServer.writeToken)\r\nContent-Type: application/x-ndjson"
        for part in 0..<2 {
            let slice = Array((lines[(part * 20_000)..<((part + 1) * 20_000)].joined(separator: "\n") + "\n").utf8)
            let reply = Self.raw(port: server.port, "POST /updates HTTP/1.1\r\n\(writer)", body: slice)
            #expect(Self.status(reply) == 200, "\(reply.prefix(300))")
        }
        let health = Self.raw(port: server.port, "GET /health HTTP/1.1")
        #expect(health.contains("\"applied\":40000"), "\(health)")
        // Now the client reads: it is told what it missed, and the stream goes on to the end.
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var text = "", tail = ""
        var dropped = false, last = false
        var buffer = [UInt8](repeating: 0, count: 65536)
        let end = Date().addingTimeInterval(60)
        // Only the newest bytes are searched (the stream is megabytes, read 4 KB at a time).
        while !(dropped && last) && Date() < end {
            let n = read(fd, &buffer, buffer.count)
            if n > 0 {
                let piece = String(decoding: buffer[0..<n], as: UTF8.self)
                if text.count < 4096 { text += piece }
                tail = String((tail + piece).suffix(8192))
                dropped = dropped || tail.contains("event: dropped\ndata: {\"dropped\":")
                last = tail.contains("\"n\":39999,")
            } else if n == 0 { break }
        }
        #expect(dropped, "\(text.prefix(300))")
        #expect(last, "\(tail.suffix(600))")
    }
}

final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func append(_ s: String) { lock.lock(); list.append(s); lock.unlock() }
    var items: [String] { lock.lock(); defer { lock.unlock() }; return list }
}
