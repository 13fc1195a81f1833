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
        // A scenario whose frame would go below a file.
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        try "x".write(toFile: dir + "/out/frames", atomically: true, encoding: .utf8)
        try """
            plant: \(TwinBinary.repository)/Assets/demo/plant.yaml
            start: 2026-05-04T06:00:00Z
            timeline:
              - at: "06:00"
                render: {camera: plan, file: "frames/plan.png", size: 64x64}
            """.write(toFile: dir + "/frames.yaml", atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["run", dir + "/frames.yaml", "-o", dir + "/out"], "\(dir)/out/frames: cannot create the folder: \(dir)/out/frames is a file, not a folder"),
            (["render", "Assets/demo/plant.yaml", "--size", "64x64", "-o", dir + "/missing/a.png"], "\(dir)/missing/a.png: cannot write: the folder \(dir)/missing does not exist"),
            (["render", "Assets/demo/plant.yaml", "--size", "64x64", "-o", dir + "/file/a.png"], "\(dir)/file/a.png: cannot write: \(dir)/file is not a folder"),
            (["validate", "Assets/demo/plant.yaml", "Assets/changes/respace-line-1.yaml", "--report", dir + "/missing/r.md"], "\(dir)/missing/r.md: cannot write: the folder \(dir)/missing does not exist"),
            (["validate", "Assets/demo/plant.yaml", "Assets/changes/respace-line-1.yaml", "--image", dir + "/file/d.png"], "\(dir)/file/d.png: cannot write: \(dir)/file is not a folder"),
            (["run", "Assets/scenarios/shift-start.yaml", "-o", dir + "/file/out"], "\(dir)/file/out: cannot create the folder: \(dir)/file is a file, not a folder"),
            (["run", "Assets/scenarios/shift-start.yaml", "-o", dir + "/file"], "\(dir)/file: cannot create the folder: \(dir)/file is a file, not a folder"),
        ]
        for (arguments, message) in cases {
            let result = try TwinBinary.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("twin: error: " + message), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").filter { $0.hasPrefix("twin: error:") }.count == 1, "\(result.stderr)")
        }
    }
}
