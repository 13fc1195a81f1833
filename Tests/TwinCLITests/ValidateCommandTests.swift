import TwinJSON
import Foundation
import Testing
import TwinRender
@testable import TwinState

@Suite("twin validate, end to end")
struct ValidateCommandTests {
    static func temporary(_ name: String) -> String { NSTemporaryDirectory() + "twin-validate-\(UUID().uuidString)-\(name)" }

    @Test func aChangeThatKeepsTheRulesPasses() throws {
        let image = Self.temporary("pass.png"), report = Self.temporary("pass.md")
        let result = try TwinBinary.run(["validate", "Assets/demo/plant.yaml", "Assets/changes/respace-line-1.yaml", "--image", image, "--report", report])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("changes: moved M-011 (dx +0.80 m, dy +0.00 m, +90.0 deg); added BUF-1"))
        #expect(result.stdout.contains("Assets/changes/respace-line-1.yaml: passed (what the change touches"))
        #expect(try String(contentsOfFile: report, encoding: .utf8).contains("## Layout check: passed"))
        #expect(try PNGDecoder.read(path: image).width == 1920)
    }

    @Test func aChangeThatBlocksTheLoopFailsWithItsReasons() throws {
        let image = Self.temporary("fail.png"), report = Self.temporary("fail.md")
        let result = try TwinBinary.run(["validate", "Assets/changes/block-the-loop.yaml", "--json", "--image", image, "--report", report])
        #expect(result.status == 1)
        guard case .object(let top) = try JSONParser.parse(result.stdout), case .array(let violations)? = top["violations"] else {
            Issue.record("no violations in \(result.stdout)"); return
        }
        #expect(top["passed"] == .bool(false) && top["mode"] == .string("changes"))
        let rules = violations.compactMap { v -> String? in if case .object(let o) = v, case .string(let r)? = o["rule"] { return r }; return nil }
        #expect(rules.sorted() == ["route", "route", "route", "zone"], "\(rules)")
        guard case .object(let first)? = violations.first(where: { if case .object(let o) = $0 { return o["rule"] == .string("route") }; return false }) else { return }
        #expect(first["entities"] == .array([.string("R-LOOP"), .string("AGV-01"), .string("M-006")]))
        #expect(first["measured_m"] == .number(0) && first["required_m"] == .number(0.1))
        let markdown = try String(contentsOfFile: report, encoding: .utf8)
        #expect(markdown.contains("## Layout check: **4 violations**"))
        #expect(markdown.contains("- moved **M-006** by dx +0.00 m, dy -4.00 m"))
        // The image differs from the passing change's: the marks are there.
        #expect(try PNGDecoder.read(path: image).height == 1080)
        // The whole layout, every rule: the same four.
        let full = try TwinBinary.run(["validate", "Assets/changes/block-the-loop.yaml", "--full"])
        #expect(full.status == 1 && full.stdout.contains("4 violations (every rule"))
    }

    /// A report for a pull-request comment names the image where its reader finds it, and says
    /// the smallest move that fixes each violation that one move can fix.
    @Test func theReportEmbedsTheImageWhereItIsFoundAndSaysTheFix() throws {
        let image = Self.temporary("fix.png"), report = Self.temporary("fix.md")
        let url = "https://ci.example.com/artifacts/42/layout-check.png"
        let result = try TwinBinary.run(["validate", "Assets/changes/block-the-loop.yaml", "--image", image, "--report", report, "--image-url", url])
        #expect(result.status == 1)
        let markdown = try String(contentsOfFile: report, encoding: .utf8)
        #expect(markdown.contains("![Layout check](\(url))"))
        #expect(markdown.contains("| smallest fix |"))
        #expect(result.stdout.contains("VIOLATION zone: M-006 reaches 0.74 m into walkway zone Z-WALK-CROSSING (fix: move M-006 "), "\(result.stdout)")
        // Its three routes and the walkway, one move for all: the walkway's, the largest.
        #expect(result.stdout.contains("FIX: move M-006 1.761 m north fixes all 4 of M-006's violations"), "\(result.stdout)")
        #expect(markdown.contains("One move for all of **M-006**'s 4 violations: move M-006 1.761 m north."))
        // Without all three, or with an address Markdown cannot hold: refused before anything loads.
        for (arguments, message) in [(["--image-url", url], "give all three"),
                                     (["--image", image, "--report", report, "--image-url", "a b)"], "without spaces or parentheses")] {
            let bad = try TwinBinary.run(["validate", "Assets/changes/block-the-loop.yaml"] + arguments)
            #expect(bad.status == 2 && bad.stderr.contains(message), "\(bad.stderr)")
        }
    }

    @Test func oneLayoutAloneIsCheckedInFull() throws {
        let result = try TwinBinary.run(["validate", "Assets/demo/plant.yaml"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("Assets/demo/plant.yaml: passed (every rule; "))
    }

    @Test func badInputIsStatusTwo() throws {
        let dir = Self.temporary("bad")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "base: ../nowhere/plant.yaml\nedits: []\n".write(toFile: dir + "/c.yaml", atomically: true, encoding: .utf8)
        let missing = try TwinBinary.run(["validate", dir + "/c.yaml"])
        #expect(missing.status == 2 && missing.stderr.contains("c.yaml:1: file not found"), "\(missing.stderr)")
        let nothing = try TwinBinary.run(["validate", "Assets/demo/plant.yaml", dir + "/none.yaml"])
        #expect(nothing.status == 2 && nothing.stderr.contains("none.yaml"))
    }
}
