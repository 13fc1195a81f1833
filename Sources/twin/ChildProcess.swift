import Foundation
import TwinGeometry
import TwinJSON
#if canImport(Glibc)
import Glibc
#endif

/// Runs another program for a benchmark and collects its output, exit status, wall time and
/// peak resident memory (from the kernel's accounting of the child alone).
struct ChildProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var seconds: Double
        var peakMiB: Double
    }

    static func run(_ arguments: [String], timeoutSeconds: Double = 600) throws -> Result {
        let base = NSTemporaryDirectory() + "twin-bench-\(getpid())-\(UUID().uuidString)"
        let outPath = base + ".out", errPath = base + ".err"
        defer { unlink(outPath); unlink(errPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let start = ContinuousClock.now
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, &argv, environ)
        guard spawned == 0 else { throw CLIFailure.badInput("cannot run \(arguments[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        var usage = rusage()
        while true {
            let r = wait4(pid, &status, WNOHANG, &usage)
            if r == pid { break }
            if (ContinuousClock.now - start) > .seconds(timeoutSeconds) {
                kill(pid, SIGKILL)
                _ = wait4(pid, &status, 0, &usage)
                throw CLIFailure.badInput("\(arguments[0]) did not finish within \(Int(timeoutSeconds)) s")
            }
            usleep(2000)
        }
        let elapsed = ContinuousClock.now - start
        let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: code, stdout: read(outPath), stderr: read(errPath),
                      seconds: elapsed.seconds,
                      peakMiB: Double(usage.ru_maxrss) / 1024)
    }

    /// The last line of `text` that parses as a JSON object (our --timings line, or a script's output).
    static func json(in text: String) -> JSONObject? {
        if let whole = try? JSONParser.parse(text).objectValue { return whole }
        for line in text.split(separator: "\n").reversed() {
            if let object = try? JSONParser.parse(String(line)).objectValue { return object }
        }
        return nil
    }
}
