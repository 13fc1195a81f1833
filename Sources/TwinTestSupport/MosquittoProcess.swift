import Foundation
import TwinRender

/// A mosquitto broker on a free loopback port, for benchmarks and tests that need a real one.
/// It is started with no signals blocked (a test runner's or a server's threads block some, and a
/// child inherits the mask: mosquitto would never see its SIGTERM) and stopped with SIGTERM, as a
/// service manager stops it, so that it saves what it persists.
package final class MosquittoProcess {
    /// Why the broker could not be started.
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
        init(_ description: String) { self.description = description }
    }

    /// Where Debian puts it.
    package static let executable = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"].first { FileManager.default.isExecutableFile(atPath: $0) }

    package let port: Int
    package let configPath: String
    private var pid: pid_t = 0

    /// Writes a configuration (a loopback listener on a free port, anonymous clients, no limit on
    /// queues, and `settings`) into `folder` and starts the broker.
    package init(folder: String, settings: [String] = []) throws(Failure) {
        guard Self.executable != nil else { throw Failure("mosquitto is not installed (apt-get install mosquitto)") }
        guard let port = Self.freeLoopbackPort() else { throw Failure("no free loopback port") }
        self.port = port
        configPath = folder + "/mosquitto.conf"
        var lines = ["listener \(port) 127.0.0.1", "allow_anonymous true", "max_queued_messages 0", "max_inflight_messages 0"] + settings
        if getuid() == 0 { lines.append("user root") }   // as root it would drop to a user that cannot write our folder
        do { try lines.joined(separator: "\n").write(toFile: configPath, atomically: true, encoding: .utf8) } catch {
            throw Failure("\(configPath): cannot write: \(WriteFailure.reason(writing: configPath, error))")
        }
        try start()
    }

    /// Starts the broker and waits (up to 30 s) until it accepts connections; an error if it exits
    /// before or does not in that time.
    package func start() throws(Failure) {
        guard let executable = Self.executable else { throw Failure("mosquitto is not installed") }
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
        let arguments = [executable, "-c", configPath]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        defer { for a in argv { free(a) } }
        var child: pid_t = 0
        guard posix_spawn(&child, executable, nil, &attributes, &argv, environ) == 0 else { throw Failure("cannot start \(executable)") }
        pid = child
        let end = Date().addingTimeInterval(30)
        while !Self.acceptsConnections(port: port) {
            var status: Int32 = 0
            if waitpid(child, &status, WNOHANG) == child {
                pid = 0
                throw Failure("\(executable) exited (status \(status)) before it accepted connections on port \(port); its configuration: \(configPath)")
            }
            guard Date() < end else {
                stop()
                throw Failure("\(executable) did not accept connections on port \(port) within 30 s")
            }
            usleep(20_000)
        }
    }

    /// SIGTERM, then waits for it to exit.
    package func stop() { end(with: SIGTERM) }

    package func restart() throws(Failure) { stop(); try start() }

    /// SIGKILL, as a crash or an out-of-memory kill ends it: it saves nothing on the way out.
    package func crash() { end(with: SIGKILL) }

    private func end(with signal: Int32) {
        guard pid > 0 else { return }
        kill(pid, signal)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        pid = 0
    }

    deinit { stop() }

    /// A TCP port nothing listens on, on the loopback interface.
    package static func freeLoopbackPort() -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        guard withUnsafeMutablePointer(to: &address, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }) == 0 else { return nil }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something accepts TCP connections on the loopback `port`.
    package static func acceptsConnections(port: Int) -> Bool {
        guard let fd = connectLoopback(port: port) else { return false }
        close(fd)
        return true
    }

    /// A TCP socket connected to the loopback `port` (the caller closes it), or nil.
    package static func connectLoopback(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = loopback(port: port)
        let connected = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard connected == 0 else { close(fd); return nil }
        return fd
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }
}
