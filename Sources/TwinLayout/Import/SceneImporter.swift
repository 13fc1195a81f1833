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
        let session = ImportSession(self)
        for path in paths { session.start(path) }
        return session.results(for: paths)
    }
}

/// Imports whose files become known one at a time (as a manifest is read) and whose scenes are
/// collected at the end: each file starts importing the moment it is named, while the caller
/// goes on with its own work. With worker isolation the first worker is started before any file
/// is named, so that its start-up (the process, the runtime) overlaps the caller's work too;
/// in this process the files are read one after another on a thread of their own.
public final class ImportSession: @unchecked Sendable {
    private let importer: SceneImporter
    private let lock = NSLock()
    private var started: [String] = []
    // Worker isolation: the workers, the idle one waiting for its file, what has finished.
    private var pool: WorkerPool?
    private var idle: WorkerPool.Running?
    private var running: [WorkerPool.Running] = []
    private var finished: [String: Result<ImportedScene, LayoutError>] = [:]
    // In this process: the thread's queue and its results.
    private var queue: DispatchQueue?
    private let group = DispatchGroup()

    public init(_ importer: SceneImporter) {
        self.importer = importer
        if case .worker(let executable) = importer.isolation {
            let pool = WorkerPool(executable: executable, timeoutSeconds: importer.timeoutSeconds,
                                  memoryLimitBytes: importer.memoryLimitBytes)
            self.pool = pool
            idle = try? pool.start(path: nil).get()
        }
    }

    deinit { cancel() }

    /// Starts importing `path` unless it has been started already.
    public func start(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        guard !started.contains(path) else { return }
        started.append(path)
        if let pool {
            // The waiting worker takes the first file; one that cannot (it has been killed then)
            // is no longer waiting either way.
            let waiting = idle
            idle = nil
            if var worker = waiting, pool.assign(path, to: &worker) {
                running.append(worker)
            } else {
                switch pool.start(path: path) {
                case .success(let worker): running.append(worker)
                case .failure(let error): finished[path] = .failure(error)
                }
            }
        } else {
            let queue = self.queue ?? DispatchQueue(label: "twin.import")
            self.queue = queue
            queue.async(group: group) { [self] in
                let result = Result { () throws(LayoutError) in try AssimpImporter.importScene(at: path) }
                lock.lock()
                finished[path] = result
                lock.unlock()
            }
        }
    }

    /// Waits for the scenes of `paths` (started here if they were not) and returns them in that order.
    public func results(for paths: [String]) -> [Result<ImportedScene, LayoutError>] {
        for path in paths { start(path) }
        lock.lock()
        if let pool {
            let waiting = running
            running = []
            lock.unlock()
            let collected = pool.collect(waiting)
            lock.lock()
            for (worker, result) in zip(waiting, collected) { finished[worker.path] = result }
        } else {
            lock.unlock()
            group.wait()
            lock.lock()
        }
        defer { lock.unlock() }
        return paths.map { finished[$0]! }
    }

    /// Stops whatever is still running: workers not collected are killed, the idle one told to go.
    public func cancel() {
        lock.lock()
        defer { lock.unlock() }
        if let idle { WorkerPool.dismiss(idle) }
        idle = nil
        for worker in running { WorkerPool.kill(worker) }
        running = []
    }
}

/// Runs import workers side by side and collects their scenes. A worker writes its scene into a
/// memory file that the parent created and unlinked at once (so that nothing is left in /dev/shm
/// whatever happens to either process) and handed over as descriptor 4, then one byte to its ready
/// pipe (fd 3); the parent reads the scene at once and reaps the worker afterwards, so that it
/// never waits for a large process to tear itself down. A pipe that closes without that byte means
/// the worker failed or died: its exit status says how. A worker dies with its parent. A worker
/// started before its file is known reads the file's path from its standard input.
struct WorkerPool {
    let executable: String
    let timeoutSeconds: Double
    let memoryLimitBytes: UInt64

    struct Running {
        var path: String
        /// The unlinked memory file the worker writes into (its descriptor 4), and where it was made.
        var output: Int32
        var directory: String
        var pid: pid_t
        var ready: Int32
        /// The pipe to a waiting worker's standard input, or -1.
        var input: Int32
    }

    /// Waits for `workers` (within the time limit) and returns their scenes or why there are none.
    func collect(_ workers: [Running]) -> [Result<ImportedScene, LayoutError>] {
        var results = [Result<ImportedScene, LayoutError>?](repeating: nil, count: workers.count)
        var running = Array(workers.indices)
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeoutSeconds * 1000))
        while !running.isEmpty {
            var fds = running.map { pollfd(fd: workers[$0].ready, events: Int16(POLLIN), revents: 0) }
            let left = deadline - ContinuousClock.now
            let waitMilliseconds = max(0, Int32(min(Double(Int32.max), left.seconds * 1000).rounded(.up)))
            let n = poll(&fds, nfds_t(fds.count), waitMilliseconds)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                for i in running {
                    Self.kill(workers[i])
                    results[i] = .failure(.importAborted(
                        file: workers[i].path, reason: "Assimp did not finish within \(formatSeconds(timeoutSeconds)) (time limit)"))
                }
                break
            }
            var still: [Int] = []
            for (i, fd) in zip(running, fds) {
                guard fd.revents != 0 else {
                    still.append(i)
                    continue
                }
                results[i] = finish(workers[i])
            }
            running = still
        }
        return results.map { $0! }
    }

    /// Kills a worker and waits for it.
    static func kill(_ worker: Running) {
        Glibc.kill(worker.pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(worker.pid, &status, 0) < 0 && errno == EINTR {}
        close(worker.ready)
        close(worker.output)
        if worker.input >= 0 { close(worker.input) }
    }

    /// Lets a waiting worker go without a file: its input closes, it exits, and is reaped aside.
    static func dismiss(_ worker: Running) {
        if worker.input >= 0 { close(worker.input) }
        close(worker.ready)
        close(worker.output)
        reapInBackground(worker.pid)
    }

    /// Hands `path` to a worker waiting for its file; false (the worker killed) where it cannot.
    func assign(_ path: String, to worker: inout Running) -> Bool {
        guard worker.input >= 0, !path.utf8.contains(0), !path.utf8.contains(10),
              FileManager.default.isReadableFile(atPath: path) else {
            Self.kill(worker)
            return false
        }
        let line = Array((path + "\n").utf8)
        var done = 0
        while done < line.count {
            let n = line.withUnsafeBytes { write(worker.input, $0.baseAddress! + done, line.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                Self.kill(worker)
                return false
            }
            done += n
        }
        close(worker.input)
        worker.input = -1
        worker.path = path
        return true
    }

    /// Where the workers' memory files are made: `TWIN_IMPORT_DIR` when set, else /dev/shm
    /// (memory), else the temporary folder.
    static var memoryFileDirectory: String {
        if let given = ProcessInfo.processInfo.environment["TWIN_IMPORT_DIR"], !given.isEmpty { return given }
        return FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    }

    /// Starts a worker on `path`, or with nil, one that waits for its path on its standard input.
    func start(path given: String?) -> Result<Running, LayoutError> {
        let path = given ?? "-"
        if let given, !FileManager.default.isReadableFile(atPath: given) {
            return .failure(.fileNotFound(path: given, referencedFrom: nil, line: nil))
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
        // A waiting worker's standard input: a pipe whose write end stays here (close-on-exec).
        var inputFDs: [Int32] = [-1, -1]
        if given == nil {
            guard pipe(&inputFDs) == 0 else {
                close(output); close(pipeFDs[0]); close(pipeFDs[1])
                return .failure(.importAborted(file: path, reason: "cannot create a pipe: \(String(cString: strerror(errno)))"))
            }
            let high = fcntl(inputFDs[1], F_DUPFD_CLOEXEC, 10)
            close(inputFDs[1])
            inputFDs[1] = high
            let readEnd = fcntl(inputFDs[0], F_DUPFD_CLOEXEC, 10)
            close(inputFDs[0])
            inputFDs[0] = readEnd
        }
        defer { if inputFDs[0] >= 0 { close(inputFDs[0]) } }
        let arguments = [executable, "import-worker", path, "fd:\(ImportWorker.outputDescriptor)", String(memoryLimitBytes), String(getpid())]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The worker's stdout and stderr are not ours to share: Assimp may print, and a crash
        // report there would bury the one-line error this importer gives.
        if inputFDs[0] >= 0 { posix_spawn_file_actions_adddup2(&actions, inputFDs[0], 0) }
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
            if inputFDs[1] >= 0 { close(inputFDs[1]) }
            return .failure(.importAborted(file: path, reason: "cannot start the import worker \(executable): \(String(cString: strerror(spawned)))"))
        }
        return .success(Running(path: path, output: output, directory: directory, pid: pid, ready: pipeFDs[0], input: inputFDs[1]))
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
    static func reapInBackground(_ pid: pid_t) {
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

    /// Imports `file` (or, for "-", the path on standard input) into `output` (a path, or `fd:N` for an open descriptor) under
    /// `memoryLimitBytes` and returns the exit status. With `parent`, the worker dies with that
    /// process (and does not start when it is gone already).
    public static func run(file given: String, output: String, memoryLimitBytes: UInt64, parent: Int32? = nil) -> Int32 {
        if let parent, twin_die_with_parent(pid_t(parent)) != 0 { return failureExitCode }
        // "-": started ahead of its file, the worker reads the path from its standard input (one
        // line); an input closed without one means it is not needed after all.
        var file = given
        if given == "-" {
            guard let path = readLine(strippingNewline: true), !path.isEmpty else { return 0 }
            file = path
        }
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
                } catch let error as SceneArchive.Invalid {
                    throw LayoutError.importFailed(file: file, message: error.message)
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
