import Foundation
import Testing

/// `make docs-check`: the README's steps as a new user types them. Every `twin` line of its
/// shell blocks runs, in document order, in a scratch copy of `Assets/` (so that nothing in the
/// checkout changes), and must end with the exit status its comment names (`# exit 1`), else 0;
/// every `$ twin ...` of its output blocks, and of the pages in `docs/`, must print what the page
/// shows below it, with only measured times (`0.03 s`, `1374 updates/s`) free to differ, and the
/// status a following `$ echo $?` shows.
@Suite("The documentation's commands run as written")
struct DocsCheckTests {
    /// One command a page shows, with what it says the command does.
    struct Step: CustomStringConvertible {
        var page: String
        var line: Int
        var arguments: [String]
        var status: Int32 = 0
        /// The lines the page shows it printing; nil where it shows none (a shell block).
        var output: [String]?
        var description: String { "\(page):\(line): twin \(arguments.joined(separator: " "))" }
    }

    /// Words as a POSIX shell splits a simple command line: spaces, and '...' or "..." quoting.
    static func words(_ line: String) -> [String] {
        var words: [String] = [], current = "", quote: Character?, inWord = false
        for c in line {
            if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "'" || c == "\"" {
                quote = c; inWord = true
            } else if c == " " || c == "\t" {
                if inWord { words.append(current); current = ""; inWord = false }
            } else {
                current.append(c); inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }

    /// The steps of one Markdown page: shell blocks' `twin` lines only where `shellBlocks`.
    static func steps(page: String, text: String, shellBlocks: Bool) -> [Step] {
        var steps: [Step] = []
        var fence: String?          // the open block's language ("" for none)
        var pending = ""            // a shell line continued with a backslash
        let lines = text.components(separatedBy: "\n")
        for (index, raw) in lines.enumerated() {
            let number = index + 1
            if raw.hasPrefix("```") {
                fence = fence == nil ? String(raw.dropFirst(3)).trimmingCharacters(in: .whitespaces) : nil
                continue
            }
            guard let language = fence else { continue }
            if language == "sh" && shellBlocks {
                var line = pending + raw
                if line.hasSuffix("\\") { pending = String(line.dropLast()) + " "; continue }
                pending = ""
                var comment = ""
                if let hash = line.range(of: #"\s+#\s.*$"#, options: .regularExpression) {
                    comment = String(line[hash])
                    line = String(line[..<hash.lowerBound])
                }
                line = line.trimmingCharacters(in: .whitespaces)
                // Commands left running in the background are the live walkthrough's (its own test).
                guard line.hasPrefix("twin "), !line.hasSuffix("&") else { continue }
                var step = Step(page: page, line: number, arguments: Array(words(line).dropFirst()))
                if let exit = comment.range(of: #"exit [0-9]+"#, options: .regularExpression) {
                    step.status = Int32(comment[exit].dropFirst(5))!
                }
                steps.append(step)
            } else if language.isEmpty, raw.hasPrefix("$ ") {
                let command = String(raw.dropFirst(2))
                if command == "echo $?" {
                    if !steps.isEmpty, number < lines.count, let status = Int32(lines[index + 1].trimmingCharacters(in: .whitespaces)) {
                        steps[steps.count - 1].status = status
                    }
                    continue
                }
                // Benchmarks print measurements, not answers.
                guard command.hasPrefix("twin "), !command.hasPrefix("twin bench") else { continue }
                var output: [String] = []
                for next in lines[(index + 1)...] {
                    if next.hasPrefix("$ ") || next.hasPrefix("```") { break }
                    output.append(next)
                }
                steps.append(Step(page: page, line: number, arguments: Array(words(command).dropFirst()), output: output))
            }
        }
        return steps
    }

    /// Measured times may differ from run to run; nothing else may.
    static func normalized(_ lines: [String]) -> [String] {
        lines.map { line in
            line.replacingOccurrences(of: #"[0-9][0-9,]*(\.[0-9]+)? (s|ms|updates/s)\b"#, with: "# $2", options: .regularExpression)
                .replacingOccurrences(of: #"\s+$"#, with: "", options: .regularExpression)
        }
        .reversed().drop { $0.isEmpty }.reversed()
    }

    static var pages: [(name: String, text: String, shellBlocks: Bool)] {
        let root = TwinBinary.repository
        var pages = [(name: "README.md", text: (try? String(contentsOfFile: root + "/README.md", encoding: .utf8)) ?? "", shellBlocks: true)]
        let docs = ((try? FileManager.default.contentsOfDirectory(atPath: root + "/docs")) ?? []).filter { $0.hasSuffix(".md") }.sorted()
        for doc in docs {
            pages.append((name: "docs/" + doc, text: (try? String(contentsOfFile: root + "/docs/" + doc, encoding: .utf8)) ?? "", shellBlocks: false))
        }
        return pages
    }

    @Test func theReadingOfPagesFindsCommandsStatusesAndOutput() {
        let page = """
            ```sh
            make demo
            twin run a.yaml -o out/a      # exit 1: fails on purpose
            twin serve p.yaml --port 8080 \\
              --db live.sqlite &
            twin render 'a b.yaml' -o "x y.png"
            ```

            ```
            $ twin check p.yaml
            R-LOOP: clear
            $ echo $?
            0
            $ twin bench state
            figures
            ```
            """
        let steps = Self.steps(page: "p.md", text: page, shellBlocks: true)
        #expect(steps.map(\.arguments) == [["run", "a.yaml", "-o", "out/a"], ["render", "a b.yaml", "-o", "x y.png"], ["check", "p.yaml"]])
        #expect(steps.map(\.status) == [1, 0, 0])
        #expect(steps.map(\.output) == [nil, nil, ["R-LOOP: clear"]])
        #expect(Self.normalized(["applied 11 lines in 0.01 s (1,374 updates/s)  ", ""]) == ["applied 11 lines in # s (# updates/s)"])
    }

    @Test(.timeLimit(.minutes(20)))
    func everyCommandRunsAndPrintsWhatThePageShows() throws {
        let pages = Self.pages
        #expect(pages[0].text.contains("## A tour"), "the README is read")
        let steps = pages.flatMap { Self.steps(page: $0.name, text: $0.text, shellBlocks: $0.shellBlocks) }
        #expect(steps.count >= 10, "\(steps)")
        // A scratch copy of what the commands read, and the folders they write into.
        let scratch = NSTemporaryDirectory() + "twin-docs-check-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let files = FileManager.default
        for folder in ["demo", "scenarios", "changes"] {
            try files.createDirectory(atPath: scratch + "/Assets", withIntermediateDirectories: true)
            try files.copyItem(atPath: TwinBinary.repository + "/Assets/" + folder, toPath: scratch + "/Assets/" + folder)
        }
        try files.createDirectory(atPath: scratch + "/Renders/changes", withIntermediateDirectories: true)
        for step in steps {
            let result = try TwinBinary.run(step.arguments, in: scratch, timeoutSeconds: 600)
            #expect(result.status == step.status, "\(step): exit status \(result.status), the page says \(step.status)\n\(result.stderr)")
            if let shown = step.output {
                let printed = Self.normalized(result.stdout.components(separatedBy: "\n"))
                let expected = Self.normalized(shown)
                #expect(printed == expected, "\(step) prints\n\(printed.joined(separator: "\n"))\nthe page shows\n\(expected.joined(separator: "\n"))")
            }
        }
    }
}

@Suite("The documentation's links")
struct DocsLinkTests {
    /// Every relative link and image of the README and docs/ leads to a file of the checkout.
    @Test func everyLinkLeadsToAFile() throws {
        let root = TwinBinary.repository
        var checked = 0
        for page in DocsCheckTests.pages {
            let folder = (root + "/" + page.name as NSString).deletingLastPathComponent
            let links = page.text.matches(of: /\]\(([^)\s]+)\)/).map { String($0.output.1) }
            for link in links where !link.hasPrefix("http") && !link.hasPrefix("#") && !link.hasPrefix("mailto:") {
                let path = String(link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0])
                let resolved = (folder + "/" + path as NSString).standardizingPath
                #expect(FileManager.default.fileExists(atPath: resolved), "\(page.name): \(link) leads nowhere")
                checked += 1
            }
        }
        #expect(checked > 20)
    }
}
