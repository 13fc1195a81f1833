import Foundation
import Testing

/// Files, views and arguments that nobody here wrote, through the real `twin` in a child process,
/// so that a crash fails one test instead of ending the suite.
@Suite("Hostile input through the CLI")
struct HostileInputTests {
    static func temporaryDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "hostile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Perspective views from inside the demo hall at a person's eye height and near the floor,
    /// looking along and across the aisles, with every sample count (4x and 8x trapped before:
    /// the small-triangle path took screen-clamped bounds for the corners' extent).
    @Test func eyeLevelViewsRenderWithEverySampleCount() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var failures: [String] = []
        for height in ["0.15", "0.6", "1.7"] {
            for (eye, target) in [("20,H,-10", "60,H,-30"), ("50,H,-30", "50,H,-55"), ("90,H,-50", "10,H,-5")] {
                for aa in ["4", "8"] {
                    let e = eye.replacingOccurrences(of: "H", with: height), t = target.replacingOccurrences(of: "H", with: height)
                    let result = try TwinBinary.run(["render", "Assets/demo/plant.yaml", "--eye", e, "--target", t, "--fov", "70",
                                                     "--aa", aa, "--size", "240x135", "--no-overlays", "-o", dir + "/eye.png"], timeoutSeconds: 120)
                    if result.status != 0 { failures.append("eye \(e) target \(t) aa \(aa): status \(result.status) \(result.stderr)") }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test func hugeAndMalformedSizesAreRefusedBeforeAnyArithmetic() throws {
        for size in ["3037000500x3037000500", "16385x16", "0x0", "-5x10", "12x", "9223372036854775807x2"] {
            let result = try TwinBinary.run(["render", "Assets/demo/plant.yaml", "--size", size, "-o", "/tmp/never.png"], timeoutSeconds: 60)
            #expect(result.status == 64 || result.status == 2, "\(size): \(result.status)")
            #expect(result.stderr.contains("--size"), "\(size): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: "/tmp/never.png"))
        }
    }

    /// Files Assimp reads without complaint but whose geometry its own validation rejects: no
    /// meshes (a UTF-16 OBJ), a mesh without faces (a point cloud), a face index past the vertices.
    @Test func filesWithoutUsableGeometryAreRefusedWithAssimpsWords() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let header = "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\n"
        try (header + "end_header\n0 0 0\n1 0 0\n0 1 0\n").write(toFile: dir + "/cloud.ply", atomically: true, encoding: .utf8)
        try (header + "element face 1\nproperty list uchar int vertex_indices\nend_header\n0 0 0\n1 0 0\n0 1 0\n3 0 1 7\n")
            .write(toFile: dir + "/index.ply", atomically: true, encoding: .utf8)
        try "o Box\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n".data(using: .utf16)!.write(to: URL(fileURLWithPath: dir + "/utf16.obj"))
        let cases = [
            ("cloud.ply", "cannot import: Validation failed: Mesh 0 contains no faces"),
            ("index.ply", "cannot import: Validation failed: aiMesh::mFaces[0]::mIndices[2] is out of range (mesh 0 has 3 vertices)"),
            ("utf16.obj", "cannot import: Validation failed: aiScene::mNumMeshes is 0. At least one mesh must be there (the file holds no geometry Assimp can read)"),
        ]
        for (file, message) in cases {
            for command in [["info"], ["render", "-o", dir + "/out.png"]] {
                let result = try TwinBinary.run([command[0], dir + "/" + file] + command.dropFirst(), timeoutSeconds: 60)
                #expect(result.status == 2, "\(file): \(result.stderr)")
                #expect(result.stderr == "twin: error: \(dir)/\(file): \(message)\n", "\(file)")
            }
        }
    }

    /// A manifest reached by a relative path, through '..', through a symbolic link (to the file
    /// or to its folder) and by an absolute path finds the same models.
    @Test func manifestPathsOfEveryKindFindTheirModels() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let demo = TwinBinary.repository + "/Assets/demo"
        try FileManager.default.createSymbolicLink(atPath: dir + "/plant.yaml", withDestinationPath: demo + "/plant.yaml")
        try FileManager.default.createSymbolicLink(atPath: dir + "/folder", withDestinationPath: demo)
        let cases: [(folder: String, path: String)] = [
            (TwinBinary.repository, "Assets/demo/plant.yaml"),
            (demo, "../demo/plant.yaml"),
            (demo, "plant.yaml"),
            (demo + "/..", "./demo/../demo/plant.yaml"),
            (TwinBinary.repository, demo + "/plant.yaml"),
            (dir, "plant.yaml"),
            (dir, "folder/plant.yaml"),
            (dir + "/folder", "plant.yaml"),
        ]
        for (folder, path) in cases {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: TwinBinary.path)
            process.arguments = ["info", path, "--json"]
            process.currentDirectoryURL = URL(fileURLWithPath: folder)
            let out = Pipe(), err = Pipe()
            process.standardOutput = out; process.standardError = err
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(folder) \(path): \(errors)")
            let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            #expect(json?["triangles"] as? Int == 149_256, "\(folder) \(path)")
        }
    }

    /// Every rejected line is named, not the first 20.
    @Test func everyRejectedLineOfAnUpdatesFileIsNamed() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var lines: [String] = []
        for i in 0..<30 { lines.append(#"{"t":"2026-05-04T08:00:\#(String(format: "%02d", i))Z","entity":"M-999","set":{"status":"idle"}}"#) }
        lines.append(#"{"t":"2026-05-04T08:01:00Z","entity":"M-001","set":{"status":"idle"}}"#)
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/u.jsonl", atomically: true, encoding: .utf8)
        let result = try TwinBinary.run(["apply", "Assets/demo/plant.yaml", dir + "/u.jsonl", "--db", dir + "/h.sqlite"], timeoutSeconds: 120)
        #expect(result.status == 2)
        let named = result.stderr.split(separator: "\n").filter { $0.hasPrefix("twin: rejected: ") }
        #expect(named.count == 30, "\(result.stderr)")
        #expect(named.last?.contains("u.jsonl:30: entity: ") == true, "\(named.last ?? "")")
        #expect(result.stdout.contains("applied 1 of 31 lines, rejected 30"), "\(result.stdout)")
    }

    /// The import workers' memory files never outlive a run: a parent killed in the middle of an
    /// import leaves nothing in the folder, and its worker dies with it.
    @Test func anInterruptedImportLeavesNothingBehind() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = TwinBinary.repository + "/../shared/models/IFC/AC14-FZK-Haus.ifc"
        let file = FileManager.default.fileExists(atPath: model) ? model : TwinBinary.repository + "/Assets/demo/hall.glb"
        func leftInShm() -> Set<String> {
            Set(((try? FileManager.default.contentsOfDirectory(atPath: "/dev/shm")) ?? []).filter { $0.hasPrefix("twin-import-") })
        }
        let before = leftInShm()
        for (run, delayMicroseconds) in [UInt32(50_000), 150_000, 400_000, 150_000, 400_000].enumerated() {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: TwinBinary.path)
            process.arguments = ["info", file]
            // The first three in a folder of their own, the others where the files go by default.
            if run < 3 { process.environment = ProcessInfo.processInfo.environment.merging(["TWIN_IMPORT_DIR": dir]) { $1 } }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let parent = process.processIdentifier
            usleep(delayMicroseconds)
            kill(parent, SIGKILL)
            process.waitUntilExit()
            // The worker (if it had started) goes with its parent.
            let end = Date().addingTimeInterval(10)
            var orphans = Self.workers(of: parent)
            while !orphans.isEmpty && Date() < end { usleep(20_000); orphans = Self.workers(of: parent) }
            #expect(orphans.isEmpty, "workers of \(parent) still running: \(orphans)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
        }
        // Nothing new stays in /dev/shm (each run left its file there before).
        usleep(500_000)
        let left = leftInShm().subtracting(before)
        #expect(left.isEmpty, "left in /dev/shm: \(left)")
    }

    /// Running import workers started by `parent` (their last argument names it).
    static func workers(of parent: Int32) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { Int($0) != nil }.compactMap { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard arguments.contains("import-worker"), arguments.last == String(parent) else { return nil }
            // A zombie waiting for its reaper is gone already.
            let status = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            return status.contains(") Z ") ? nil : pid
        }
    }

    /// A full memory file system is said to be one, not reported as a crash of Assimp (a mapped
    /// page that cannot be backed would be a bus error): the worker writes with pwrite, which says
    /// ENOSPC. Needs root
    /// to mount a 1 MiB tmpfs; skipped otherwise.
    @Test(.enabled(if: getuid() == 0, "needs root to mount a small tmpfs"))
    func aFullMemoryFileSystemIsNamed() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=1M", "tmpfs", dir]
        try mount.run(); mount.waitUntilExit()
        guard mount.terminationStatus == 0 else { return }
        defer {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [dir]
            try? umount.run(); umount.waitUntilExit()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TwinBinary.path)
        process.arguments = ["info", "Assets/demo/plant.yaml"]
        process.currentDirectoryURL = URL(fileURLWithPath: TwinBinary.repository)
        process.environment = ProcessInfo.processInfo.environment.merging(["TWIN_IMPORT_DIR": dir]) { $1 }
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(text == "twin: error: Assets/demo/plant.yaml:8: models[0].file: \(TwinBinary.repository)/Assets/demo/hall.glb: import aborted: no room in \(dir) for the imported scene (6 MiB did not fit; free space there)\n", "\(text)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    /// A misspelled command is named, with the nearest one (it printed the root help and exited 0
    /// for `twin rendr --help`); options are checked before the plant loads, and a negative margin
    /// is refused as such (it read "Missing value").
    @Test func misspelledCommandsAndBadOptionsAreSaidAtOnce() throws {
        let cases: [([String], String)] = [
            (["rendr", "--help"], "twin: error: unknown command 'rendr' (did you mean 'render'?); the commands are info, render, check, state, report, apply, run, validate, plan, import, export, sync, serve, generate, bench (see 'twin --help')"),
            (["chek", "Assets/demo/plant.yaml"], "twin: error: unknown command 'chek' (did you mean 'check'?);"),
            (["frobnicate"], "twin: error: unknown command 'frobnicate'; the commands are"),
            (["render", "/nonexistent/plant.yaml", "--aa", "3", "-o", "/tmp/never.png"], "twin: error: --aa must be 1, 4 or 8 samples per pixel, found 3"),
            (["check", "Assets/demo/plant.yaml", "--margin", "-1"], "twin: error: --margin must be a finite, non-negative number"),
            (["check", "Assets/demo/library/agv.glb"], "twin: error: Assets/demo/library/agv.glb: no AGV routes to check (a plant.yaml lists them under routes:; or give --order FILE or --fleet FILE)"),
        ]
        for (arguments, message) in cases {
            let result = try TwinBinary.run(arguments, timeoutSeconds: 60)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix(message), "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(arguments)")
        }
        // Real commands and help still work.
        #expect(try TwinBinary.run(["help", "render"]).status == 0)
        #expect(try TwinBinary.run(["--version"]).status == 0)
    }
}
