import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Imports model files, either in this process or, by default for the CLI, in a worker
/// process, so that a crash, a hang or a runaway allocation inside Assimp on a hostile file
/// ends in a clear error instead of taking the program down.
public struct SceneImporter: Sendable {
    /// Where Assimp runs.
    public enum Isolation: Sendable, Equatable {
        /// In this process: fastest, for files you trust.
        case inProcess
        /// In a child process: `executable` is run as `executable import-worker FILE OUT MEMORY_BYTES`
        /// (the `twin` binary answers that), with a memory limit and a time limit.
        case worker(executable: String)
    }

    public var isolation: Isolation
    /// Wall-clock time one file may take before its worker is killed.
    public var timeoutSeconds: Double
    /// Address-space limit of the worker, in bytes.
    public var memoryLimitBytes: UInt64

    public init(isolation: Isolation = .inProcess, timeoutSeconds: Double = 300,
                memoryLimitBytes: UInt64 = 16 << 30) {
        self.isolation = isolation
        self.timeoutSeconds = timeoutSeconds
        self.memoryLimitBytes = memoryLimitBytes
    }

    /// An importer whose worker is the running executable (`/proc/self/exe`): for programs,
    /// like `twin`, that answer the `import-worker` subcommand themselves.
    public static func isolatedInThisExecutable(timeoutSeconds: Double = 300,
                                                memoryLimitBytes: UInt64 = 16 << 30) -> SceneImporter {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return SceneImporter(isolation: .worker(executable: path), timeoutSeconds: timeoutSeconds,
                             memoryLimitBytes: memoryLimitBytes)
    }

    /// Imports one file.
    public func importScene(at path: String) throws(LayoutError) -> ImportedScene {
        switch isolation {
        case .inProcess:
            return try AssimpImporter.importScene(at: path)
        case .worker(let executable):
            return try importInWorker(path: path, executable: executable)
        }
    }

    private func importInWorker(path: String, executable: String) throws(LayoutError) -> ImportedScene {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .fileNotFound(path: path, referencedFrom: nil, line: nil)
        }
        let directory = FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        var template = Array("\(directory)/twin-import-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw .importAborted(file: path, reason: "cannot create a temporary file in \(directory)") }
        close(fd)
        let output = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(output) }

        let arguments = [executable, "import-worker", path, output, String(memoryLimitBytes)]
        var pid: pid_t = 0
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        // The worker's stdout is not ours to share; Assimp may print to it.
        // Nor its stderr: a crash report there would bury the one-line error this importer gives.
        posix_spawn_file_actions_addopen(&fileActions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&fileActions, 2, "/dev/null", O_WRONLY, 0)
        let spawned = posix_spawn(&pid, executable, &fileActions, nil, &argv, environ)
        guard spawned == 0 else {
            throw .importAborted(file: path, reason: "cannot start the import worker \(executable): \(String(cString: strerror(spawned)))")
        }

        let deadline = ContinuousClock.now + .milliseconds(Int64(timeoutSeconds * 1000))
        var status: Int32 = 0
        var usage = rusage()
        while true {
            let r = wait4(pid, &status, WNOHANG, &usage)
            if r == pid { break }
            if r < 0 && errno != EINTR {
                throw .importAborted(file: path, reason: "lost the import worker: \(String(cString: strerror(errno)))")
            }
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw .importAborted(file: path, reason: "Assimp did not finish within \(formatSeconds(timeoutSeconds)) (time limit)")
            }
            usleep(1000)
        }

        let peakMiB = Int(usage.ru_maxrss) / 1024, limitMiB = Int(memoryLimitBytes >> 20)
        let exitedNormally = (status & 0x7f) == 0
        if !exitedNormally {
            let signal = status & 0x7f
            throw .importAborted(file: path, reason: Self.describe(signal: signal) + " (peak memory \(peakMiB) MiB of its \(limitMiB) MiB limit)")
        }
        let code = (status >> 8) & 0xff
        if code == ImportWorker.failureExitCode {
            let message = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            if message.contains("bad_alloc") {
                throw .importAborted(file: path, reason: "Assimp ran out of memory (its limit is \(limitMiB) MiB; raise it with --import-memory)")
            }
            throw .importFailed(file: path, message: message.isEmpty ? "unknown error" : message)
        }
        guard code == 0 else {
            throw .importAborted(file: path, reason: "the import worker exited with status \(code)")
        }
        do {
            return try SceneArchive.read(path: output)
        } catch {
            throw .importAborted(file: path, reason: "the import worker's result is malformed")
        }
    }

    /// What a worker's death by `signal` means. Running out of memory under the limit ends in an
    /// abort (C++'s bad_alloc unhandled) or a trap (Swift's allocator), so those name both causes.
    static func describe(signal: Int32) -> String {
        switch signal {
        case SIGSEGV: return "the Assimp library crashed on this file (segmentation fault)"
        case SIGBUS: return "the Assimp library crashed on this file (bus error)"
        case SIGFPE: return "the Assimp library crashed on this file (arithmetic exception)"
        case SIGILL, SIGTRAP: return "the import worker stopped: out of memory, or an internal error"
        case SIGABRT: return "the Assimp library aborted on this file: out of memory, or an internal error"
        case SIGKILL: return "the import worker was killed (by the system's out-of-memory killer?)"
        default: return "the import worker died of signal \(signal)"
        }
    }
}

func formatSeconds(_ s: Double) -> String {
    s == s.rounded() ? "\(Int(s)) s" : String(format: "%.1f s", s)
}

/// The child side of `SceneImporter.Isolation.worker`: imports one file under a memory limit and
/// writes the archived scene, or Assimp's error message, to the output file.
public enum ImportWorker {
    /// The exit status with which the worker reports that Assimp refused the file.
    public static let failureExitCode: Int32 = 3

    /// Runs the worker for `arguments` = [FILE, OUT, MEMORY_BYTES] and returns its exit status.
    public static func run(file: String, output: String, memoryLimitBytes: UInt64) -> Int32 {
        var limit = rlimit(rlim_cur: rlim_t(memoryLimitBytes), rlim_max: rlim_t(memoryLimitBytes))
        setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
        // A crash should not leave a core file behind in the user's directory.
        var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
        setrlimit(Int32(RLIMIT_CORE.rawValue), &noCore)
        do {
            try AssimpImporter.withScene(at: file, release: false) { view throws(LayoutError) in
                do {
                    try SceneArchive.write(view, to: output)
                } catch {
                    throw LayoutError.importAborted(file: file, reason: "cannot write \(output)")
                }
            }
            return 0
        } catch {
            let message: String
            if case .importFailed(_, let m) = error { message = m } else { message = error.description }
            try? Data(message.utf8).write(to: URL(fileURLWithPath: output))
            return failureExitCode
        }
    }
}
