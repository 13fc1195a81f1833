import Foundation
import TwinCollision
import TwinGeometry
import TwinJSON
import TwinLayout
import TwinOperations
import TwinRender
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
        /// Commits that failed (their updates were kept and tried again).
        public var failedCommits: Int64 = 0
    }

    private let lock = NSLock()
    private var state: PlantState
    private var pending = UpdateBatch()
    private var counters = Counters()
    /// Clients following the applied updates: each is woken when there is something new and
    /// reads it from the event ring itself, so that ingest never formats or queues per client.
    private var subscribers: [UUID: AsyncStream<Void>.Continuation] = [:]
    /// The latest applied updates by sequence number (slot = sequence % capacity), kept while
    /// anyone follows them; a client more than the capacity behind skips ahead with a notice.
    private var ring: [Update?] = []
    public static let eventRingCapacity = 16_384
    private let wake = DispatchSemaphore(value: 0)
    private var stopping = false
    private var committer: Thread?
    private let committerDone = DispatchSemaphore(value: 0)
    private var lastCommitError: StateError?
    private let flushLock = NSLock()
    /// Bumped by every applied layout edit: the collision world below is kept until it changes.
    private var layoutVersion = 0
    private lazy var collisionWorlds = CollisionWorldCache(plant: plant)

    public init(plant: Plant, history: History?) throws(StateError) {
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
            lock.lock()
            counters.commits += 1; counters.committed += Int64(batch.count)
            if lastCommitError != nil { lastCommitError = nil; FileHandle.standardError.write(Data("twin: history: committing again\n".utf8)) }
            lock.unlock()
        } catch {
            // Nothing is dropped: the batch goes back before what arrived meanwhile and is tried
            // again at the next round (a full disk or a locked database may pass); /health says so.
            lock.lock()
            var again = batch
            again.append(contentsOf: pending)
            pending = again
            counters.failedCommits += 1
            let first = lastCommitError == nil
            lastCommitError = error
            lock.unlock()
            if first { FileHandle.standardError.write(Data("twin: history: \(error) (the updates are kept and the commit is tried again)\n".utf8)) }
        }
    }

    /// Why the last commit failed, while it has not succeeded since.
    public var commitError: StateError? { lock.lock(); defer { lock.unlock() }; return lastCommitError }

    /// Applied updates not yet in the history.
    public var uncommitted: Int { lock.lock(); defer { lock.unlock() }; return pending.count }

    /// Checks and applies an update; nil when applied, else why not.
    @discardableResult
    public func apply(_ update: Update) -> StateError? {
        lock.lock()
        var placedByHistory = false
        do {
            try state.apply(update)
        } catch where error.kind == .outOfOrder && history != nil {
            // Late, and only a replay places it: with the committer held off, what is pending is
            // committed and the history places it (rare: a late edit, a late status inside a long
            // run of equal reports; see PlantState.apply).
            lock.unlock()
            flushLock.lock()
            lock.lock()
            defer { flushLock.unlock() }
            do {
                try state.apply(update)
            } catch where error.kind == .outOfOrder {
                do {
                    try history!.commit(pending, state: state)
                    counters.commits += 1; counters.committed += Int64(pending.count)
                    pending = UpdateBatch()
                    state = try history!.placeLate(update, after: state)
                    placedByHistory = true
                } catch {
                    counters.rejected += 1
                    lock.unlock()
                    return error
                }
            } catch {
                counters.rejected += 1
                lock.unlock()
                return error
            }
        } catch {
            counters.rejected += 1
            lock.unlock()
            return error
        }
        counters.applied += 1
        if case .edit = update.action { layoutVersion += 1 }
        let sequence = state.sequence
        if history != nil && !placedByHistory { pending.append(update, appliedTo: state) }
        if !subscribers.isEmpty {
            if ring.isEmpty { ring = [Update?](repeating: nil, count: Self.eventRingCapacity) }
            ring[Int(sequence % Int64(Self.eventRingCapacity))] = update
            // A wake-up, not the event: it coalesces while the client is busy writing.
            for s in subscribers.values { s.yield(()) }
        }
        let backlog = pending.count
        lock.unlock()
        if backlog >= 5000 { wake.signal() }
        return nil
    }

    /// Counts a message that could not be used.
    public func count(_ problem: SyncError) {
        lock.lock()
        switch problem {
        case .malformed: counters.malformed += 1
        case .oversized: counters.oversized += 1
        case .unknown: counters.unknown += 1
        case .mqtt, .tokens, .busy: break  // not a message: nothing to count
        }
        lock.unlock()
    }

    public var counts: Counters { lock.lock(); defer { lock.unlock() }; return counters }

    /// The state now (a copy).
    public var current: PlantState { lock.lock(); defer { lock.unlock() }; return state }

    /// The state when the clock reached `time`: from the history (after committing what is pending).
    public func state(at time: Timestamp) throws(StateError) -> PlantState {
        guard let history else {
            let now = current
            guard let clock = now.time, time >= clock else { throw StateError(kind: .history, file: "(no history)", message: "without a history only the present is known") }
            return now
        }
        commitPending()
        return try history.state(at: time)
    }

    /// A twin value of the state now, for renders and checks.
    public var twin: Twin { Twin(plant: plant, state: current) }

    /// Checks every route against the layout now. The collision world (every part's triangle
    /// tree, the sketched obstacles, the keep-out zones) is built once per layout version and
    /// kept: a check of an unchanged layout does not build it again.
    /// Returns the layout checked with the results (where each obstacle stands in it).
    public func checkRoutes() throws(TwinError) -> (layout: Plant, results: [RouteResult]) {
        lock.lock(); let (now, version, worlds) = (state, layoutVersion, collisionWorlds); lock.unlock()
        return try worlds.checkRoutes(now, layoutVersion: version)
    }

    /// How many event streams are open (clients following `/events`).
    public var eventStreams: Int {
        lock.lock(); defer { lock.unlock() }
        return subscribers.count
    }

    /// A client's place in the applied updates: woken when there are new ones, it takes them in
    /// batches with ``next(limit:)``.
    public final class EventFeed: @unchecked Sendable {
        public let wakeUps: AsyncStream<Void>
        let live: LiveTwin
        /// The sequence number of the last update handed out.
        public private(set) var cursor: Int64

        init(live: LiveTwin, wakeUps: AsyncStream<Void>, cursor: Int64) {
            self.live = live; self.wakeUps = wakeUps; self.cursor = cursor
        }

        /// The updates applied since the last call (at most `limit`), as JSON lines with their
        /// sequence numbers, and how many were skipped because this client fell more than the
        /// ring's capacity behind.
        public func next(limit: Int = 4096) -> (lines: [String], skipped: Int64) {
            let (updates, first, skipped) = live.updates(after: cursor, limit: limit)
            cursor = first + Int64(updates.count) - 1
            // Formatted here, on the client's task: never on the thread that applies updates.
            let lines = updates.enumerated().map { i, update -> String in
                var o = JSONObject([.init(key: "seq", value: .number(Double(first + Int64(i))))])
                if case .object(let u) = update.json { o.members += u.members }
                return JSONWriter.string(.object(o))
            }
            return (lines, skipped)
        }
    }

    /// Updates after sequence `cursor` from the ring: the first one's sequence number and how
    /// many were lost to the ring's capacity.
    func updates(after cursor: Int64, limit: Int) -> (updates: [Update], first: Int64, skipped: Int64) {
        lock.lock(); defer { lock.unlock() }
        let latest = state.sequence
        let oldest = max(cursor + 1, latest - Int64(Self.eventRingCapacity) + 1)
        guard latest >= oldest, !ring.isEmpty else { return ([], max(cursor + 1, oldest), max(0, oldest - cursor - 1)) }
        let last = min(latest, oldest + Int64(limit) - 1)
        var result: [Update] = []
        result.reserveCapacity(Int(last - oldest + 1))
        for s in oldest...last { if let u = ring[Int(s % Int64(Self.eventRingCapacity))] { result.append(u) } }
        return (result, oldest, oldest - cursor - 1)
    }

    /// Follows the updates applied from now on, until the twin stops (or the feed's stream ends).
    public func eventFeed() -> EventFeed {
        let id = UUID()
        var cont: AsyncStream<Void>.Continuation!
        let stream = AsyncStream<Void>(bufferingPolicy: .bufferingNewest(1)) { cont = $0 }
        lock.lock()
        let stop = stopping
        let cursor = state.sequence
        if !stop { subscribers[id] = cont }
        lock.unlock()
        if stop { cont.finish() }
        cont.onTermination = { [weak self] _ in
            guard let self else { return }
            self.lock.lock()
            self.subscribers[id] = nil
            // Nobody follows any more: the ring's memory goes back (it is made anew for the next).
            if self.subscribers.isEmpty { self.ring = [] }
            self.lock.unlock()
        }
        return EventFeed(live: self, wakeUps: stream, cursor: cursor)
    }
}
