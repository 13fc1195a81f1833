import Foundation
import Testing
import FactoryTwin
import TwinValidation

/// The example of the "Validating a layout change" article, run as written (in a temporary folder
/// for its files), with what the article says it prints.
@Suite("TwinValidation article")
struct ArticleTests {
    @Test func theArticleRunsAsWritten() throws {
        let root = RuleTests.repository
        let base = try PlantLoader().load(path: root + "/Assets/demo/plant.yaml")
        let change = try ChangeFile.load(path: root + "/Assets/changes/block-the-loop.yaml")
        let proposed = try change.apply(to: base)

        let diff = LayoutDiff(base: base, new: proposed)
        #expect(diff.moved.map { "\($0.id) \($0.dx) \($0.dy) \($0.dthetaDegrees)" } == ["M-006 0.0 -4.0 0.0"])

        let validator = Validator(plant: proposed)
        let violations = validator.validate(changes: diff)
        #expect(violations.map { "\($0.rule) \($0.entities) \($0.message)" }.prefix(2) == [
            #"zone ["M-006", "Z-WALK-CROSSING"] M-006 reaches 0.74 m into walkway zone Z-WALK-CROSSING"#,
            #"route ["R-LOOP", "AGV-01", "M-006"] route R-LOOP (AGV-01) collides with M-006 at s = 36.78 m"#,
        ])
        #expect(violations.count == 4)

        let folder = NSTemporaryDirectory() + "article-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let report = ValidationReport(base: "Assets/demo/plant.yaml", new: change.file, mode: "changes", diff: diff,
                                      violations: violations, coverage: validator.coverage, seconds: 0)
        try report.markdown(image: "diff.png").write(toFile: folder + "/report.md", atomically: true, encoding: .utf8)
        let image = try DiffImage.render(base: base, new: proposed, diff: diff, violations: violations)
        try PNGEncoder.write(image, to: folder + "/diff.png")
        #expect(report.passed == false)
        #expect(try String(contentsOfFile: folder + "/report.md", encoding: .utf8).contains("**4 violations**"))
        #expect(try PNGDecoder.read(path: folder + "/diff.png").width == 1920)
    }
}
