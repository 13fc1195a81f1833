import CTwinSystem
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Imports model files, either in this process or, by default for the CLI, in worker processes,
/// so that a crash, a hang or a runaway allocation inside Assimp on a hostile file ends in a clear
/// error instead of taking the program down.
public struct SceneImporter: Sendable {
    /// Where Assimp runs.
    public enum Isolation: Sendable, Equatable {
        /// In this process: fastest, for files you trust.
        case inProcess
        /// In child processes: `executable` is run as `executable import-worker FILE fd:4 MEMORY_BYTES
        /// PARENT_PID` (the `twin` binary answers that), with a memory limit and a time limit; it
        /// writes its scene into an unlinked memory file on descriptor 4 and dies with its parent.
        case worker(executable: String)
    }

    public var isolation: Isolation
    /// Wall-clock time the files of one call may take before their workers are killed.
    public var timeoutSeconds: Double
    /// Address-space limit of each worker, in bytes.
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
        try importScenes(at: [path])[0].get()
    }

    /// Imports several files, with one worker per file running at the same time; the results
    /// come in the order of `paths`.
    public func importScenes(at paths: [String]) -> [Result<ImportedScene, LayoutError>] {
        switch isolation {
        case .inProcess:
            return paths.map { path in Result { () throws(LayoutError) in try AssimpImporter.importScene(at: path) } }
        case .worker(let executable):
            return WorkerPool(executable: executable, timeoutSeconds: timeoutSeconds,
                              memoryLimitBytes: memoryLimitBytes).run(paths)
        }
    }
}

/// Runs import workers side by side and collects their scenes. A worker writes its scene into a
/// memory file that the parent created and unlinked at once (so that nothing is left in /dev/shm
/// whatever happens to either process) and handed over as descriptor 4, then one byte to its ready
/// pipe (fd 3); the parent reads the scene at once and reaps the worker afterwards, so that it
/// never waits for a large process to tear itself down. A pipe that closes without that byte means
/// the worker failed or died: its exit status says how. A worker dies with its parent.
struct WorkerPool {
    let executable: String
    let timeoutSeconds: Double
    let memoryLimitBytes: UInt64

    private struct Running {
        var index: Int
        var path: String
        /// The unlinked memory file the worker writes into (its descriptor 4), and where it was made.
        var output: Int32
        var directory: String
        var pid: pid_t
        var ready: Int32
    }

    func run(_ paths: [String]) -> [Result<ImportedScene, LayoutError>] {
        var results = [Result<ImportedScene, LayoutError>?](repeating: nil, count: paths.count)
        var running: [Running] = []
        for (i, path) in paths.enumerated() {
            switch start(path: path, index: i) {
            case .success(let worker): running.append(worker)
            case .failure(let error): results[i] = .failure(error)
            }
        }
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeoutSeconds * 1000))
        while !running.isEmpty {
            var fds = running.map { pollfd(fd: $0.ready, events: Int16(POLLIN), revents: 0) }
            let left = deadline - ContinuousClock.now
            let waitMilliseconds = max(0, Int32(min(Double(Int32.max), left.seconds * 1000).rounded(.up)))
            let n = poll(&fds, nfds_t(fds.count), waitMilliseconds)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                for worker in running {
                    kill(worker.pid, SIGKILL)
                    var status: Int32 = 0
                    waitpid(worker.pid, &status, 0)
                    close(worker.ready)
                    close(worker.output)
                    results[worker.index] = .failure(.importAborted(
                        file: worker.path, reason: "Assimp did not finish within \(formatSeconds(timeoutSeconds)) (time limit)"))
                }
                break
            }
            var still: [Running] = []
            for (worker, fd) in zip(running, fds) {
                guard fd.revents != 0 else {
                    still.append(worker)
                    continue
                }
                results[worker.index] = finish(worker)
            }
            running = still
        }
        return results.map { $0! }
    }

    /// Where the workers' memory files are made: `TWIN_IMPORT_DIR` when set, else /dev/shm
    /// (memory), else the temporary folder.
    static var memoryFileDirectory: String {
        if let given = ProcessInfo.processInfo.environment["TWIN_IMPORT_DIR"], !given.isEmpty { return given }
        return FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    }

    private func start(path: String, index: Int) -> Result<Running, LayoutError> {
        guard FileManager.default.isReadableFile(atPath: path) else {
            return .failure(.fileNotFound(path: path, referencedFrom: nil, line: nil))
        }
        let directory = Self.memoryFileDirectory
        var template = Array("\(directory)/twin-import-XXXXXX".utf8CString)
        let made = mkstemp(&template)
        // Moved above the descriptors the worker is given (3 and 4), so that setting those up in
        // the child never overwrites one before it is copied; close-on-exec for other workers.
        let output = made >= 0 ? fcntl(made, F_DUPFD_CLOEXEC, 10) : -1
        if made >= 0 { close(made) }
        guard output >= 0 else { return .failure(.importAborted(file: path, reason: "cannot create a temporary file in \(directory): \(String(cString: strerror(errno)))")) }
        // Unlinked at once: the memory goes back when both processes close it, however they end.
        unlink(template)
        var pipeFDs: [Int32] = [0, 0]
        // Close-on-exec, so that no other worker inherits this pipe and keeps it open.
        var made2 = pipe(&pipeFDs) == 0 && fcntl(pipeFDs[0], F_SETFD, FD_CLOEXEC) == 0
        if made2 {
            let high = fcntl(pipeFDs[1], F_DUPFD_CLOEXEC, 10)
            close(pipeFDs[1])
            pipeFDs[1] = high
            made2 = high >= 0
        }
        guard made2 else {
            close(output)
            return .failure(.importAborted(file: path, reason: "cannot create a pipe: \(String(cString: strerror(errno)))"))
        }
        let arguments = [executable, "import-worker", path, "fd:\(ImportWorker.outputDescriptor)", String(memoryLimitBytes), String(getpid())]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The worker's stdout and stderr are not ours to share: Assimp may print, and a crash
        // report there would bury the one-line error this importer gives.
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], ImportWorker.readyDescriptor)
        posix_spawn_file_actions_adddup2(&actions, output, ImportWorker.outputDescriptor)
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, &argv, environ)
        close(pipeFDs[1])
        guard spawned == 0 else {
            close(pipeFDs[0])
            close(output)
            return .failure(.importAborted(file: path, reason: "cannot start the import worker \(executable): \(String(cString: strerror(spawned)))"))
        }
        return .success(Running(index: index, path: path, output: output, directory: directory, pid: pid, ready: pipeFDs[0]))
    }

    /// Reads the scene of a worker whose ready pipe has spoken, or the reason it failed.
    private func finish(_ worker: Running) -> Result<ImportedScene, LayoutError> {
        defer {
            close(worker.ready)
            close(worker.output)
        }
        var byte: UInt8 = 0
        if read(worker.ready, &byte, 1) == 1 {
            let scene = Result { () throws(LayoutError) -> ImportedScene in
                do {
                    return try SceneArchive.read(descriptor: worker.output)
                } catch {
                    throw .importAborted(file: worker.path, reason: "the import worker's result is malformed")
                }
            }
            Self.reapInBackground(worker.pid)
            return scene
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(worker.pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let peakMiB = Int(usage.ru_maxrss) / 1024, limitMiB = Int(memoryLimitBytes >> 20)
        if (status & 0x7f) != 0 {
            return .failure(.importAborted(
                file: worker.path, reason: Self.describe(signal: status & 0x7f) + " (peak memory \(peakMiB) MiB of its \(limitMiB) MiB limit)"))
        }
        let code = (status >> 8) & 0xff
        if code == ImportWorker.noSpaceExitCode {
            let needed = Self.contents(of: worker.output)
            return .failure(.importAborted(
                file: worker.path, reason: "no room in \(worker.directory) for the imported scene (\(needed.isEmpty ? "it" : needed) did not fit; free space there)"))
        }
        guard code == ImportWorker.failureExitCode else {
            return .failure(.importAborted(file: worker.path, reason: "the import worker exited with status \(code)"))
        }
        let message = Self.contents(of: worker.output)
        if message.contains("bad_alloc") {
            return .failure(.importAborted(
                file: worker.path, reason: "Assimp ran out of memory (its limit is \(limitMiB) MiB; raise it with --import-memory)"))
        }
        return .failure(.importFailed(file: worker.path, message: message.isEmpty ? "unknown error" : message))
    }

    /// The text a failed worker left in its memory file (at most 64 KiB).
    private static func contents(of fd: Int32) -> String {
        var bytes = [UInt8](repeating: 0, count: 65536)
        let n = pread(fd, &bytes, bytes.count, 0)
        return n > 0 ? String(decoding: bytes[0..<n], as: UTF8.self) : ""
    }

    /// Waits for a finished worker on another thread, so that its teardown costs the caller nothing.
    private static func reapInBackground(_ pid: pid_t) {
        Thread.detachNewThread {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
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
    /// The exit status with which the worker reports that its scene found no room in the memory file.
    public static let noSpaceExitCode: Int32 = 4
    /// The descriptor on which the worker says, with one byte, that its scene is complete.
    static let readyDescriptor: Int32 = 3
    /// The descriptor of the memory file the worker writes into (`fd:4` as its output).
    static let outputDescriptor: Int32 = 4

    /// Imports `file` into `output` (a path, or `fd:N` for an open descriptor) under
    /// `memoryLimitBytes` and returns the exit status. With `parent`, the worker dies with that
    /// process (and does not start when it is gone already).
    public static func run(file: String, output: String, memoryLimitBytes: UInt64, parent: Int32? = nil) -> Int32 {
        if let parent, twin_die_with_parent(pid_t(parent)) != 0 { return failureExitCode }
        var limit = rlimit(rlim_cur: rlim_t(memoryLimitBytes), rlim_max: rlim_t(memoryLimitBytes))
        setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
        // A crash should not leave a core file behind in the user's directory.
        var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
        setrlimit(Int32(RLIMIT_CORE.rawValue), &noCore)
        let descriptor: Int32? = output.hasPrefix("fd:") ? Int32(output.dropFirst(3)) : nil
        func leave(_ message: String) {
            if let descriptor {
                _ = ftruncate(descriptor, 0)
                _ = message.withCString { pwrite(descriptor, $0, strlen($0), 0) }
            } else {
                try? Data(message.utf8).write(to: URL(fileURLWithPath: output))
            }
        }
        do {
            var noSpace: Int?
            try AssimpImporter.withScene(at: file, release: false) { view throws(LayoutError) in
                do {
                    if let descriptor { try SceneArchive.write(view, toDescriptor: descriptor) } else { try SceneArchive.write(view, to: output) }
                } catch let error as SceneArchive.NoSpace {
                    noSpace = error.bytes
                } catch {
                    throw LayoutError.importAborted(file: file, reason: "cannot write \(output)")
                }
            }
            if let noSpace {
                leave("\((noSpace + (1 << 20) - 1) >> 20) MiB")
                return noSpaceExitCode
            }
            var byte: UInt8 = 1
            _ = write(readyDescriptor, &byte, 1)
            return 0
        } catch {
            let message: String
            if case .importFailed(_, let m) = error { message = m } else { message = error.description }
            leave(message)
            return failureExitCode
        }
    }
}
