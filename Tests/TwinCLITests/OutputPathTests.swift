import Foundation
import Testing

/// Outputs that cannot be written: one line naming the file and a reason a user can act on,
/// exit 2 (not Foundation's "the operation could not be completed").
@Suite("Outputs that cannot be written")
struct OutputPathTests {
    @Test func eachCommandSaysWhyItCannotWrite() throws {
        let dir = NSTemporaryDirectory() + "outputs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "a file, not a folder".write(toFile: dir + "/file", atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["render", "Assets/demo/plant.yaml", "--size", "64x64", "-o", dir + "/missing/a.png"], "\(dir)/missing/a.png: cannot write: the folder \(dir)/missing does not exist"),
            (["render", "Assets/demo/plant.yaml", "--size", "64x64", "-o", dir + "/file/a.png"], "\(dir)/file/a.png: cannot write: \(dir)/file is not a folder"),
            (["validate", "Assets/demo/plant.yaml", "Assets/changes/respace-line-1.yaml", "--report", dir + "/missing/r.md"], "\(dir)/missing/r.md: cannot write: the folder \(dir)/missing does not exist"),
            (["validate", "Assets/demo/plant.yaml", "Assets/changes/respace-line-1.yaml", "--image", dir + "/file/d.png"], "\(dir)/file/d.png: cannot write: \(dir)/file is not a folder"),
            (["run", "Assets/scenarios/shift-start.yaml", "-o", dir + "/file/out"], "\(dir)/file/out: cannot create the folder: Not a directory"),
        ]
        for (arguments, message) in cases {
            let result = try TwinBinary.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("twin: error: " + message), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").filter { $0.hasPrefix("twin: error:") }.count == 1, "\(result.stderr)")
        }
    }
}
