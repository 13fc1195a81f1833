import Foundation

/// Threads of their own for CPU-heavy requests (renders, route checks), so that the HTTP event
/// loop and Swift's cooperative threads stay free: /health and state reads answer in milliseconds
/// whatever renders run. Bounded: `workers` jobs at once and `queueLimit` more waiting; beyond
/// that a request is refused at once (503 with Retry-After) rather than piling up.
public final class WorkPool: @unchecked Sendable {
    /// The pool is full: try again later.

    public let workers: Int
    public let queueLimit: Int
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var running = 0
    private var stopping = false

    public init(workers: Int = max(1, ProcessInfo.processInfo.activeProcessorCount), queueLimit: Int = 4) {
        self.workers = max(1, workers)
        self.queueLimit = max(0, queueLimit)
        for i in 0..<self.workers {
            let thread = Thread { [weak self] in self?.work() }
            thread.name = "twin-work-\(i)"
            thread.start()
        }
    }

    deinit { stop() }

    /// Jobs running and waiting now.
    public var load: (running: Int, waiting: Int) {
        condition.lock(); defer { condition.unlock() }
        return (running, jobs.count)
    }

    /// Runs `body` on a worker thread and returns its result; throws ``SyncError/busy`` at once when
    /// the pool is full.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let accepted = submit { continuation.resume(with: Result { try body() }) }
            if !accepted { continuation.resume(throwing: SyncError.busy) }
        }
    }

    private func submit(_ job: @escaping () -> Void) -> Bool {
        condition.lock(); defer { condition.unlock() }
        guard !stopping, running + jobs.count < workers + queueLimit else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty && stopping { condition.unlock(); return }
            let job = jobs.removeFirst()
            running += 1
            condition.unlock()
            job()
            condition.lock(); running -= 1; condition.unlock()
        }
    }

    /// Lets the workers finish what is queued, then end.
    public func stop() {
        condition.lock(); stopping = true; condition.broadcast(); condition.unlock()
    }
}
