import Dispatch

/// Runs `body(i)` for every i in 0..<iterations on all cores and returns when all are done.
/// `body` may capture buffers and pointers without being `Sendable`: callers guarantee that
/// iterations write disjoint memory, which is how every parallel stage here is laid out.
public func parallelFor(_ iterations: Int, _ body: (Int) -> Void) {
    guard iterations > 1 else {
        if iterations == 1 { body(0) }
        return
    }
    withoutActuallyEscaping(body) { body in
        let shared = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: iterations) { shared.value($0) }
    }
}

/// A value handed across threads on the caller's word that doing so is safe.
public struct UncheckedSendable<T>: @unchecked Sendable {
    public let value: T
    public init(_ value: T) { self.value = value }
}
