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
        /// Apply the file from its start even if the history holds some of it already.
        public var fromStart = false
        public init(strict: Bool = false, batchSize: Int = 10_000, fromStart: Bool = false) {
            self.strict = strict; self.batchSize = max(1, batchSize); self.fromStart = fromStart
        }
    }

    /// What an apply did.
    public struct Report: Sendable {
        public var path: String
        public var lines: Int64 = 0
        public var applied: Int64 = 0
        /// The lines that were not applied (the first 1,000 of them), and how many there were.
        public var rejected: [UpdateError] = []
        public var rejectedCount: Int64 = 0
        /// Lines that an earlier run had committed already and this one skipped.
        public var resumedAfterLine: Int64 = 0
        public var seconds: Double = 0
        public var lateUpdates: Int64 = 0
    }

    /// Why the apply could not go on.
    public enum Failure: Error, CustomStringConvertible {
        case unreadable(path: String, message: String)
        case sourceChanged(path: String, lines: Int64)
        case rejected(UpdateError, Report)
        case history(HistoryError)

        public var description: String {
            switch self {
            case let .unreadable(path, message): return "\(path): \(message)"
            case let .sourceChanged(path, lines):
                return "\(path): its first \(lines) lines differ from the ones this history applied before (the file changed); give --from-start to apply it again as a new file"
            case .rejected(let error, _): return error.description
            case .history(let error): return error.description
            }
        }
    }

    static let maximumLineBytes = 1 << 20

    /// Applies the file at `path` to `state` (which must be the history's latest state, when a
    /// history is given). `progress` hears the bytes consumed and the file's size after each batch.
    public static func apply(path: String, to state: inout PlantState, history: History?, options: Options = Options(),
                             progress: (Int64, Int64) -> Void = { _, _ in }) throws(Failure) -> Report {
        let start = ContinuousClock.now
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var report = Report(path: path)
        let lateBefore = state.lateUpdates
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .unreadable(path: path, message: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(path: path, message: String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) != S_IFDIR else { throw .unreadable(path: path, message: "is a directory, not a JSON Lines file") }
        let size = Int64(info.st_size)

        var resume: SourceProgress?
        if let history {
            do {
                if options.fromStart { try history.forgetSource(absolute) } else { resume = try history.progress(ofSource: absolute) }
            } catch { throw .history(error) }
        }

        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var consumed: Int64 = 0
        var batch = UpdateBatch()
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4 << 20)
        var batchLines = 0

        func commit(final: Bool) throws(Failure) {
            guard let history else { batch.removeAll(); return }
            do {
                try history.commit(batch, state: state, snapshot: final && !batch.isEmpty,
                                   source: SourceProgress(path: absolute, bytes: consumed, lines: report.lines, hash: hash))
            } catch { throw .history(error) }
            batch.removeAll()
            batchLines = 0
            progress(consumed, size)
        }

        // One line (without its newline); `raw` is its length with the newline, for the hash.
        func handle(_ line: UnsafeBufferPointer<UInt8>) throws(Failure) {
            report.lines += 1
            var end = line.count
            while end > 0, line[end - 1] == 0x0D || line[end - 1] == 0x20 || line[end - 1] == 0x09 { end -= 1 }
            let text = UnsafeBufferPointer(rebasing: line[0..<end])
            if resume != nil && report.lines <= report.resumedAfterLine { return }
            var isBlank = true
            for c in text where c != 0x20 && c != 0x09 { isBlank = false; break }
            if isBlank { return }
            do throws(UpdateError) {
                guard text.count <= maximumLineBytes else {
                    throw UpdateError(field: "", message: "a line of \(text.count) bytes (at most \(maximumLineBytes))")
                }
                let update = try UpdateParser.parse(line: text)
                try state.apply(update)
                report.applied += 1
                if history != nil { batch.append(sequence: state.sequence, clock: state.time ?? update.time, entity: update.entity, line: text) }
            } catch {
                var e = error
                e.file = path
                e.line = Int(report.lines)
                report.rejectedCount += 1
                if report.rejected.count < 1000 { report.rejected.append(e) }
                if options.strict {
                    try commit(final: true)
                    report.seconds = (ContinuousClock.now - start).seconds
                    throw .rejected(e, report)
                }
            }
        }

        var skipping = resume.map { $0.bytes } ?? 0
        if let resume { report.resumedAfterLine = resume.lines }
        if skipping > size { throw .sourceChanged(path: path, lines: resume?.lines ?? 0) }

        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { throw .unreadable(path: path, message: String(cString: strerror(errno))) }
            if n == 0 { break }
            try buffer.withUnsafeBufferPointer { chunk throws(Failure) in
                var lineStart = 0
                for i in 0..<n where chunk[i] == 0x0A {
                    let piece = UnsafeBufferPointer(rebasing: chunk[lineStart...i])
                    for c in piece { hash = (hash ^ UInt64(c)) &* 0x100_0000_01b3 }
                    consumed += Int64(piece.count)
                    if pending.isEmpty {
                        try handle(UnsafeBufferPointer(rebasing: chunk[lineStart..<i]))
                    } else {
                        pending.append(contentsOf: chunk[lineStart..<i])
                        let whole = pending
                        pending.removeAll(keepingCapacity: true)
                        try whole.withUnsafeBufferPointer { line throws(Failure) in try handle(line) }
                    }
                    lineStart = i + 1
                    if skipping > 0 {
                        if consumed == skipping, let resume {
                            guard hash == resume.hash else { throw .sourceChanged(path: path, lines: resume.lines) }
                            skipping = 0
                        } else if consumed > skipping {
                            throw .sourceChanged(path: path, lines: resume?.lines ?? 0)
                        }
                        continue
                    }
                    batchLines += 1
                    if batchLines >= options.batchSize { try commit(final: false) }
                }
                if lineStart < n {
                    pending.append(contentsOf: chunk[lineStart..<n])
                    guard pending.count <= maximumLineBytes + 2 || skipping > 0 else {
                        throw .rejected(UpdateError(file: path, line: Int(report.lines + 1), field: "", message: "a line longer than \(maximumLineBytes) bytes"), report)
                    }
                }
            }
        }
        if !pending.isEmpty {
            // The last line has no newline: it counts all the same.
            for c in pending { hash = (hash ^ UInt64(c)) &* 0x100_0000_01b3 }
            consumed += Int64(pending.count)
            let whole = pending
            try whole.withUnsafeBufferPointer { line throws(Failure) in try handle(line) }
            if skipping > 0 {
                guard consumed == skipping, hash == resume?.hash else { throw .sourceChanged(path: path, lines: resume?.lines ?? 0) }
                skipping = 0
            }
        }
        if skipping > 0 { throw .sourceChanged(path: path, lines: resume?.lines ?? 0) }
        try commit(final: true)
        report.lateUpdates = state.lateUpdates - lateBefore
        report.seconds = (ContinuousClock.now - start).seconds
        return report
    }
}
