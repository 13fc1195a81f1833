import Foundation
import TwinTestSupport

/// Runs the built `twin` executable, as a user would, and collects what it printed.
enum TwinBinary {
    static let repository = TestPaths.repository

    /// The `twin` beside the test bundle (the same build), else the debug build.
    static let path: String = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("twin").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return repository + "/.build/debug/twin"
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var seconds: Double
    }

    /// Runs `twin arguments...` in `directory` (the repository root by default) and waits for it.
    static func run(_ arguments: [String], in directory: String = repository, timeoutSeconds: Double = 300) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        // Output goes to files, so that a full pipe can never stall the process.
        let base = NSTemporaryDirectory() + "twin-run-" + UUID().uuidString
        _ = FileManager.default.createFile(atPath: base + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: base + ".err", contents: nil)
        defer { try? FileManager.default.removeItem(atPath: base + ".out"); try? FileManager.default.removeItem(atPath: base + ".err") }
        process.standardOutput = FileHandle(forWritingAtPath: base + ".out")
        process.standardError = FileHandle(forWritingAtPath: base + ".err")
        let start = Date()
        try process.run()
        while process.isRunning {
            if Date().timeIntervalSince(start) > timeoutSeconds {
                kill(process.processIdentifier, SIGKILL)
                throw TimedOut(arguments: arguments)
            }
            usleep(5_000)
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? "",
                      seconds: Date().timeIntervalSince(start))
    }

    struct TimedOut: Error { var arguments: [String] }
}
