import Foundation
import TwinGeometry

/// Applies a JSON Lines file of updates to a state, committing to a history in batches.
///
/// Each line is parsed, checked against the state and applied in order; a line that fails is
/// reported with its line number and field and the rest goes on (or, with `strict`, the apply stops
/// there). Every `batchSize` lines the applied updates are committed in one transaction together
/// with how far into the file that is, so that a run killed at any moment leaves the history at a
/// batch boundary, and the next run of the same file goes on after it.
public struct UpdateFile {
    public struct Options: Sendable {
        /// Stop at the first line that cannot be applied.
        public var strict = false
        /// Lines per committed transaction.
        public var batchSize = 10_000
        /// Read the file from its first line even if the history holds some of it already; lines
        /// the history holds (byte for byte) are not applied again.
        public var fromStart = false
        public init(strict: Bool = false, batchSize: Int = 10_000, fromStart: Bool = false) {
            self.strict = strict; self.batchSize = max(1, batchSize); self.fromStart = fromStart
        }
    }

    /// What an apply did.
    public struct Report: Sendable, Equatable {
        public var path: String
        public var lines: Int64 = 0
        public var applied: Int64 = 0
        /// The lines that were not applied (the first 1,000 of them), and how many there were.
        public var rejected: [StateError] = []
        public var rejectedCount: Int64 = 0
        /// Lines that an earlier run had committed already and this one skipped.
        public var resumedAfterLine: Int64 = 0
        /// Applied and committed to the history (all applied ones when the apply ends normally).
        public var committed: Int64 = 0
        /// Lines not applied because the history holds them already (with `fromStart`).
        public var alreadyHeld: Int64 = 0
        public var seconds: Double = 0
        /// Applied though they arrived late: placed at their time.
        public var lateUpdates: Int64 = 0
        /// Refused because they arrived more than the allowed lateness after the clock.
        public var tooLate: Int64 = 0
        /// Late updates that only a replay from the history could place (see `PlantState.apply`).
        public var placedByReplay: Int64 = 0
    }

    static func sourceChanged(_ path: String, lines: Int64) -> StateError {
        StateError(kind: .sourceChanged(lines: lines), file: path,
                   message: "its first \(lines) lines differ from the ones this history applied before (the file changed); give --from-start to apply it from its first line (lines the history holds already are not applied again)")
    }

    static let maximumLineBytes = 1 << 20
    static let chunkBytes = 4 << 20

    /// FNV-1a, 64 bits: the fingerprint of a file's consumed bytes and of single lines.
    @inline(__always)
    static func fingerprint(_ bytes: UnsafeBufferPointer<UInt8>, into hash: inout UInt64) {
        for c in bytes { fingerprint(byte: c, into: &hash) }
    }

    @inline(__always)
    static func fingerprint(byte c: UInt8, into hash: inout UInt64) {
        hash = (hash ^ UInt64(c)) &* 0x100_0000_01b3
    }
    static let hashSeed: UInt64 = 0xcbf2_9ce4_8422_2325

    /// Applies the file at `path` to `state` (which must be the history's latest state, when a
    /// history is given). `progress` hears the bytes consumed and the file's size after each batch;
    /// `rejected` hears every line that was not applied, as it is found.
    ///
    /// What the history records as consumed is exact to the byte, so that no line is ever applied
    /// twice and none is lost:
    /// - a line is consumed once it was applied, or (without `strict`) reported as rejected;
    /// - with `strict`, the rejected line is not consumed: fixed, it is applied on the next run;
    /// - a last line without its newline is applied (and consumed) when it can be; the file may
    ///   then go on with that newline and more lines. One that cannot be applied is reported and
    ///   left for the next run (a writer may still be writing it);
    /// - a line longer than 1 MiB is rejected like any other bad line;
    /// - `fromStart` reads the file from its first line but applies no line that the history
    ///   holds already (byte for byte, as many times as it holds it).
    public static func apply(path: String, to state: inout PlantState, history: History?, options: Options = Options(),
                             progress: (Int64, Int64) -> Void = { _, _ in },
                             rejected onRejected: (StateError) -> Void = { _ in }) throws(StateError) -> Report {
        let start = ContinuousClock.now
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var report = Report(path: path)
        let lateBefore = state.lateUpdates
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw StateError(kind: .unreadableFile, file: path, message: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw StateError(kind: .unreadableFile, file: path, message: String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) != S_IFDIR else { throw StateError(kind: .unreadableFile, file: path, message: "is a directory, not a JSON Lines file") }
        let size = Int64(info.st_size)

        var resume: SourceProgress?
        var held: [UInt64: Int] = [:]
        if let history {
            if options.fromStart { held = try history.lineFingerprints() } else { resume = try history.progress(ofSource: absolute) }
        }

        var buffer = [UInt8](repeating: 0, count: chunkBytes)
        func readChunk() throws(StateError) -> Int {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { throw StateError(kind: .unreadableFile, file: path, message: String(cString: strerror(errno))) }
            return n
        }

        // What is consumed: bytes, lines and their hash, as committed with each batch.
        var hash = hashSeed
        var consumed: Int64 = 0
        var lines: Int64 = 0
        var batch = UpdateBatch()
        var batchLines = 0

        func commit(_ progress: SourceProgress, snapshot: Bool) throws(StateError) {
            guard let history else { batch.removeAll(); return }
            try history.commit(batch, state: state, snapshot: snapshot && !batch.isEmpty, source: progress)
            report.committed = report.applied
            batch.removeAll()
            batchLines = 0
        }

        // Bytes of the chunk read but not yet looked at, left over from the resume check.
        var carry = 0, carryEnd = 0
        if let resume {
            // Hash exactly the bytes the history consumed, then compare.
            guard resume.bytes <= size else { throw Self.sourceChanged(path, lines: resume.lines) }
            var lastByte: UInt8 = 0x0A
            while consumed < resume.bytes {
                let n = try readChunk()
                if n == 0 { throw Self.sourceChanged(path, lines: resume.lines) }
                let take = Int(min(Int64(n), resume.bytes - consumed))
                buffer.withUnsafeBufferPointer { b in fingerprint(UnsafeBufferPointer(rebasing: b[0..<take]), into: &hash) }
                consumed += Int64(take)
                lastByte = buffer[take - 1]
                carry = take; carryEnd = n
            }
            guard hash == resume.hash else { throw Self.sourceChanged(path, lines: resume.lines) }
            lines = resume.lines
            report.resumedAfterLine = resume.lines
            report.lines = resume.lines
            if lastByte != 0x0A {
                // The last line was applied without its newline: the file may end there, or go on
                // with the newline (and more lines), but not with more of that line.
                while true {
                    if carry == carryEnd {
                        carryEnd = try readChunk(); carry = 0
                        if carryEnd == 0 { break }
                    }
                    let c = buffer[carry]
                    if c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A {
                        fingerprint(byte: c, into: &hash)
                        consumed += 1; carry += 1
                        if c == 0x0A { break }
                        continue
                    }
                    throw StateError(kind: .unterminatedLineChanged(line: resume.lines), file: path,
                                     message: "line \(resume.lines) was applied while it had no newline, and the file has since gone on on that line (it is no longer the line that was applied); give --from-start to apply the file from its first line (lines the history holds already are not applied again)")
                }
            }
        }

        // The line being read: its bytes (up to the limit), its full length, and the consumed
        // state at its start (a strictly rejected line is not consumed).
        var line: [UInt8] = []
        line.reserveCapacity(4096)
        var lineLength = 0
        var startHash = hash, startConsumed = consumed
        let fileProgress = { (h: UInt64, c: Int64, l: Int64) in SourceProgress(path: absolute, bytes: c, lines: l, hash: h) }

        /// Handles a line: `bytes` are its first bytes (all of them unless it is over the limit),
        /// `length` its full length (terminated or not); false when it is to stay unconsumed.
        func finishLine(_ all: UnsafeBufferPointer<UInt8>, length lineLength: Int, terminated: Bool) throws(StateError) -> Bool {
            lines += 1
            report.lines = lines
            var end = all.count
            while end > 0, all[end - 1] == 0x0D || all[end - 1] == 0x20 || all[end - 1] == 0x09 { end -= 1 }
            var outcome: StateError?
            var blank = true
            for i in 0..<end where all[i] != 0x20 && all[i] != 0x09 { blank = false; break }
            if blank && lineLength <= maximumLineBytes { return true }
            if lineLength > maximumLineBytes {
                outcome = StateError(field: "", message: "a line of \(lineLength) bytes (at most \(maximumLineBytes))")
            } else {
                outcome = try { () throws(StateError) -> StateError? in
                    let text = UnsafeBufferPointer(rebasing: all[0..<end])
                    if !held.isEmpty {
                        var h = hashSeed
                        fingerprint(text, into: &h)
                        if let n = held[h] {
                            held[h] = n > 1 ? n - 1 : nil
                            report.alreadyHeld += 1
                            return nil
                        }
                    }
                    let update: Update
                    do throws(StateError) { update = try UpdateParser.parse(line: text) } catch { return error }
                    do throws(StateError) {
                        try state.apply(update)
                    } catch where error.kind == .outOfOrder && history != nil {
                        // Late, and only a replay can place it: what is pending goes first, then
                        // this line with its progress, in one transaction that replays.
                        try commit(fileProgress(startHash, startConsumed, lines - 1), snapshot: false)
                        do throws(StateError) {
                            state = try history!.placeLate(update, line: text, after: state, source: fileProgress(hash, consumed, lines))
                        } catch where error.isRefusedUpdate {
                            return error
                        }
                        report.applied += 1
                        report.placedByReplay += 1
                        report.committed = report.applied
                        return nil
                    } catch {
                        return error
                    }
                    report.applied += 1
                    if history != nil { batch.append(sequence: state.sequence, time: update.time, clock: state.time ?? update.time, entity: update.entity, line: text) }
                    return nil
                }()
            }
            guard var e = outcome else { return true }
            e.file = path
            e.line = Int(lines)
            if !terminated { e.message += " (the last line has no newline: it is tried again on the next run)" }
            report.rejectedCount += 1
            if e.kind == .tooLate { report.tooLate += 1 }
            if report.rejected.count < 1000 { report.rejected.append(e) }
            onRejected(e)
            if options.strict || !terminated {
                // Not consumed: the history goes up to the line before it.
                lines -= 1
                report.lines = lines
                if options.strict {
                    try commit(fileProgress(startHash, startConsumed, lines), snapshot: true)
                    report.seconds = (ContinuousClock.now - start).seconds
                    var stopped = e
                    stopped.partial = report
                    throw stopped
                }
                return false
            }
            return true
        }

        var n = carryEnd
        var position = carry
        while true {
            if position >= n {
                n = try readChunk(); position = 0
                if n == 0 { break }
            }
            try buffer.withUnsafeBufferPointer { chunk throws(StateError) in
                var segment = position
                var i = position
                while i < n {
                    guard chunk[i] == 0x0A else { i += 1; continue }
                    let piece = UnsafeBufferPointer(rebasing: chunk[segment...i])
                    fingerprint(piece, into: &hash)
                    consumed += Int64(piece.count)
                    let text = i - segment
                    if lineLength == 0 {
                        // The whole line lies in this chunk: handled in place, not copied.
                        _ = try finishLine(UnsafeBufferPointer(rebasing: chunk[segment..<(segment + min(text, maximumLineBytes + 1))]),
                                           length: text, terminated: true)
                    } else {
                        if lineLength + text <= maximumLineBytes { line.append(contentsOf: chunk[segment..<i]) }
                        lineLength += text
                        try line.withUnsafeBufferPointer { l throws(StateError) in _ = try finishLine(l, length: lineLength, terminated: true) }
                        line.removeAll(keepingCapacity: lineLength <= 1 << 16)
                    }
                    lineLength = 0
                    startHash = hash; startConsumed = consumed
                    batchLines += 1
                    if batchLines >= options.batchSize {
                        try commit(fileProgress(hash, consumed, lines), snapshot: false)
                        progress(consumed, size)
                    }
                    i += 1
                    segment = i
                }
                if segment < n {
                    // A line that goes on in the next chunk: hashed now, kept up to the limit.
                    let piece = UnsafeBufferPointer(rebasing: chunk[segment..<n])
                    fingerprint(piece, into: &hash)
                    consumed += Int64(piece.count)
                    if lineLength + piece.count <= maximumLineBytes { line.append(contentsOf: piece) } else if lineLength <= maximumLineBytes {
                        line.append(contentsOf: piece.prefix(max(0, maximumLineBytes + 1 - lineLength)))
                    }
                    lineLength += piece.count
                }
            }
            position = n
        }
        if lineLength > 0 {
            // The last line has no newline: applied (and consumed) when it can be.
            let whole = line
            if try whole.withUnsafeBufferPointer({ l throws(StateError) in try finishLine(l, length: lineLength, terminated: false) }) {
                startHash = hash; startConsumed = consumed
            }
        }
        try commit(fileProgress(startHash, startConsumed, lines), snapshot: true)
        progress(size, size)
        report.lateUpdates = state.lateUpdates - lateBefore
        report.seconds = (ContinuousClock.now - start).seconds
        return report
    }
}
