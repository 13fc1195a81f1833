import Foundation
import Testing

/// Every command's help ends in examples that work as written: each names its own command, uses
/// only options that command has, and refers to files the repository ships.
@Suite("Help with examples")
struct HelpExampleTests {
    static let commands: [[String]] = [[], ["info"], ["render"], ["check"], ["state"], ["report"], ["apply"], ["run"], ["validate"], ["sync"],
                                       ["serve"], ["generate"], ["generate", "plant"], ["generate", "orders"], ["plan"], ["bench"], ["bench", "load"], ["bench", "render"], ["bench", "exactness"],
                                       ["bench", "collision"], ["bench", "state"], ["bench", "validate"], ["bench", "sync"], ["bench", "plan"],
                                       ["import"], ["import", "lif"], ["export"], ["export", "lif"]]

    /// The example command lines of a help text (continuation lines joined).
    static func examples(in help: String) -> [String] {
        guard let start = help.range(of: "Examples:\n") else { return [] }
        var lines: [String] = []
        var pending = ""
        for raw in help[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard raw.hasPrefix("  "), !line.isEmpty else { break }
            pending += (pending.isEmpty ? "" : " ") + line
            if pending.hasSuffix("\\") { pending.removeLast(); pending = pending.trimmingCharacters(in: .whitespaces); continue }
            lines.append(pending)
            pending = ""
        }
        return lines
    }

    @Test(arguments: commands)
    func theHelpEndsInExamplesThatWorkAsWritten(command: [String]) throws {
        let result = try TwinBinary.run(command + ["--help"])
        #expect(result.status == 0)
        let examples = Self.examples(in: result.stdout)
        #expect(!examples.isEmpty, "twin \(command.joined(separator: " ")) --help has no examples")
        for example in examples {
            let words = example.split(separator: " ").map(String.init)
            #expect(words.first == "twin" && Array(words.dropFirst().prefix(command.count)) == command, "\(example)")
            for word in words where word.hasPrefix("Assets/") && !word.hasPrefix("Assets/demo-large") {
                #expect(FileManager.default.fileExists(atPath: word), "\(example): \(word) is not in the repository")
            }
            // Options are the command's own (the root's examples use their subcommands').
            guard !command.isEmpty else { continue }
            for word in words where word.hasPrefix("--") || word == "-o" {
                #expect(result.stdout.contains(word + " ") || result.stdout.contains(word + ","), "\(example): no option \(word)")
            }
        }
    }

    @Test func theInfoAndCheckExamplesRun() throws {
        #expect(try TwinBinary.run(["info", "Assets/demo/plant.yaml", "--json", "--nodes"]).status == 0)
        let check = try TwinBinary.run(["check", "Assets/demo/plant.yaml", "--route", "R-LOOP", "--margin", "0.2", "--json"])
        #expect(check.status == 0 || check.status == 1, "\(check.stderr)")
        #expect(check.stderr.isEmpty)
    }
}
