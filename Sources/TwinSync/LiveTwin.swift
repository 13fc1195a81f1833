import Foundation
import FactoryTwin
import TwinLayout
import TwinState

/// A twin that updates arrive at from several threads (the MQTT network thread, HTTP handlers):
/// each update is checked and applied under a lock, visible to readers at once, and committed to
/// the history by a committer thread within a few milliseconds, many updates a transaction.
/// Readers take a copy of the state (copy on write: cheap) and never wait for a commit.
public final class LiveTwin: @unchecked Sendable {
    public let plant: Plant
    public let history: History?

    /// What has arrived, for /health and the logs.
    public struct Counters: Sendable {
        public var applied: Int64 = 0
        public var rejected: Int64 = 0
        public var malformed: Int64 = 0
        public var oversized: Int64 = 0
        public var unknown: Int64 = 0
        public var commits: Int64 = 0
        public var committed: Int64 = 0
    }

    private let lock = NSLock()
    private var state: PlantState
    private var pending = UpdateBatch()
    private var counters = Counters()
    private var subscribers: [UUID: AsyncStream<String>.Continuation] = [:]
    private let wake = DispatchSemaphore(value: 0)
    private var stopping = false
    private var committer: Thread?
    private let committerDone = DispatchSemaphore(value: 0)
    private var lastCommitError: HistoryError?
    private let flushLock = NSLock()

    public init(plant: Plant, history: History?) throws(HistoryError) {
        self.plant = plant
        self.history = history
        state = try history?.state() ?? PlantState(plant: plant)
    }

    /// Starts the committer thread.
    public func start() {
        guard history != nil, committer == nil else { return }
        let thread = Thread { [self] in
            while true {
                _ = wake.wait(timeout: .now() + .milliseconds(5))
                commitPending()
                lock.lock(); let stop = stopping; lock.unlock()
                if stop { break }
            }
            commitPending()
            committerDone.signal()
        }
        thread.name = "twin-committer"
        committer = thread
        thread.start()
    }

    /// Commits what is pending and stops the committer; the history then holds every applied update.
    public func stop() {
        lock.lock(); stopping = true; let subs = subscribers.values; subscribers = [:]; lock.unlock()
        for s in subs { s.finish() }
        if committer != nil { wake.signal(); committerDone.wait(); committer = nil } else { commitPending() }
    }

    /// Commits what is pending now (from any thread).
    public func flush() { commitPending() }

    private func commitPending() {
        flushLock.lock(); defer { flushLock.unlock() }
        lock.lock()
        guard let history, !pending.isEmpty else { lock.unlock(); return }
        let batch = pending
        let snapshot = state
        pending = UpdateBatch()
        lock.unlock()
        do {
            try history.commit(batch, state: snapshot)
            lock.lock(); counters.commits += 1; counters.committed += Int64(batch.count); lock.unlock()
        } catch {
            lock.lock(); lastCommitError = error; lock.unlock()
            FileHandle.standardError.write(Data("twin: history: \(error)\n".utf8))
        }
    }

    /// Checks and applies an update; nil when applied, else why not.
    @discardableResult
    public func apply(_ update: Update) -> UpdateError? {
        lock.lock()
        do {
            try state.apply(update)
        } catch {
            counters.rejected += 1
            lock.unlock()
            return error
        }
        counters.applied += 1
        let sequence = state.sequence
        if history != nil { pending.append(sequence: sequence, clock: state.time ?? update.time, update: update) }
        let subs = subscribers.isEmpty ? [] : Array(subscribers.values)
        let backlog = pending.count
        lock.unlock()
        if backlog >= 5000 { wake.signal() }
        if !subs.isEmpty {
            var o = JSONObject([.init(key: "seq", value: .number(Double(sequence)))])
            if case .object(let u) = update.json { o.members += u.members }
            let line = JSONWriter.string(.object(o))
            for s in subs { s.yield(line) }
        }
        return nil
    }

    /// Counts a message that could not be used.
    public func count(_ problem: MessageProblem) {
        lock.lock()
        switch problem {
        case .malformed: counters.malformed += 1
        case .oversized: counters.oversized += 1
        case .unknown: counters.unknown += 1
        }
        lock.unlock()
    }

    public var counts: Counters { lock.lock(); defer { lock.unlock() }; return counters }

    /// The state now (a copy).
    public var current: PlantState { lock.lock(); defer { lock.unlock() }; return state }

    /// The state when the clock reached `time`: from the history (after committing what is pending).
    public func state(at time: Timestamp) throws(HistoryError) -> PlantState {
        guard let history else {
            let now = current
            guard let clock = now.time, time >= clock else { throw HistoryError(path: "(no history)", message: "without a history only the present is known") }
            return now
        }
        commitPending()
        return try history.state(at: time)
    }

    /// A twin value of the state now, for renders and checks.
    public var twin: Twin { Twin(plant: plant, state: current) }

    /// How many event streams are open (clients following `/events`).
    public var eventStreams: Int {
        lock.lock(); defer { lock.unlock() }
        return subscribers.count
    }

    /// Applied updates as JSON lines, from now on, until the twin stops.
    public func events() -> AsyncStream<String> {
        let id = UUID()
        return AsyncStream(bufferingPolicy: .bufferingNewest(10_000)) { continuation in
            lock.lock()
            let stop = stopping
            if !stop { subscribers[id] = continuation }
            lock.unlock()
            if stop { continuation.finish() }
            continuation.onTermination = { [weak self] _ in
                guard let self else { return }
                self.lock.lock(); self.subscribers[id] = nil; self.lock.unlock()
            }
        }
    }
}
