import Foundation
import Testing
import TwinTestSupport
import FactoryTwin
@testable import TwinValidation

/// Diffs compare what entities draw, not which files they were read from.
@Suite("Layout diffs by content")
struct LayoutDiffTests {
    /// The demo manifest copied to another folder, its hall read from a copy of hall.glb there and
    /// its library models from the original folder by absolute paths, with one charger moved 0.5 m
    /// east: the diff says that one move and nothing else.
    @Test func aCopiedManifestWithOneChangeShowsOneChange() throws {
        let demo = RuleTests.repository + "/Assets/demo"
        let folder = NSTemporaryDirectory() + "twin-diff-copy-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.copyItem(atPath: demo + "/hall.glb", toPath: folder + "/copied-hall.glb")
        var text = try String(contentsOfFile: demo + "/plant.yaml", encoding: .utf8)
        text = text.replacingOccurrences(of: "file: hall.glb", with: "file: copied-hall.glb")
            .replacingOccurrences(of: "file: library/", with: "file: \(demo)/library/")
            .replacingOccurrences(of: "model: library/", with: "model: \(demo)/library/")
        let moved = text.replacingOccurrences(of: "  - id: charger-1\n    file: \(demo)/library/charger.glb\n    position: [2, 12]",
                                              with: "  - id: charger-1\n    file: \(demo)/library/charger.glb\n    position: [2.5, 12]")
        #expect(moved != text, "the charger's placement is where the test expects it")
        try moved.write(toFile: folder + "/plant.yaml", atomically: true, encoding: .utf8)
        let copy = try PlantLoader().load(path: folder + "/plant.yaml")
        let diff = LayoutDiff(base: RuleTests.base, new: copy)
        #expect(diff.moved.map(\.id) == ["CS-1"], "\(diff.moved.map(\.id))")
        #expect(abs((diff.moved.first?.dx ?? 0) - 0.5) < 1e-9)
        #expect(diff.remodeled.isEmpty, "\(diff.remodeled.map { "\($0.id): \($0.what)" })")
        #expect(diff.added.isEmpty && diff.removed.isEmpty && diff.resized.isEmpty && !diff.networkChanged)
    }

    /// Another model under the same file name is a change: what an entity draws decides.
    @Test func otherGeometryUnderTheSameNameIsAChange() throws {
        let new = try RuleTests.edited([#"{"edit":"remove","entity":"M-002"}"#, #"{"edit":"add","entity":"M-002","like":"M-001","x":23,"y":9.5}"#])
        let diff = LayoutDiff(base: RuleTests.base, new: new)
        let m001 = LayoutDiff.looks(RuleTests.base)["M-001"]!, m002 = LayoutDiff.looks(RuleTests.base)["M-002"]!
        if m001.content != m002.content {
            #expect(diff.remodeled.map(\.id) == ["M-002"], "\(diff.remodeled.map(\.id))")
        }
        // The same geometry hashes alike wherever it stands.
        let again = LayoutDiff.looks(new)["M-002"]!
        #expect(again.content == m001.content)
    }
}
