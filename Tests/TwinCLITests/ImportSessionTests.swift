import Foundation
import Testing
import TwinLayout

/// Imports that start while a manifest is still being read, through real worker processes (the
/// `twin` binary answers `import-worker`).
@Suite("Import sessions", .serialized)
struct ImportSessionTests {
    let importer = SceneImporter(isolation: .worker(executable: TwinBinary.path), timeoutSeconds: 120)
    let hall = TwinBinary.repository + "/Assets/demo/hall.glb"
    let agv = TwinBinary.repository + "/Assets/demo/library/agv.glb"

    /// A file handed to the worker that was started before any file was known, one started after
    /// it, one named twice: each comes back once, the same scene as an import in this process.
    @Test func filesStartedEarlyComeBackInTheAskedOrder() throws {
        let session = ImportSession(importer)
        session.start(hall)
        session.start(agv)
        session.start(hall)
        let results = session.results(for: [agv, hall])
        let inProcess = try SceneImporter(isolation: .inProcess).importScene(at: hall)
        let fromWorker = try results[1].get()
        #expect(fromWorker.meshes == inProcess.meshes)
        #expect(fromWorker.nodes == inProcess.nodes)
        #expect(try results[0].get().meshTriangleCount > 0)
        #expect(HostileInputTests.workers(of: getpid()).isEmpty || waitForNoWorkers())
    }

    /// A session whose files never come (a manifest refused, or with no models) lets its waiting
    /// worker go at once; one cancelled in the middle of an import kills it.
    @Test func aSessionLeftWithoutFilesLeavesNoWorker() throws {
        do {
            let idle = ImportSession(importer)
            idle.cancel()
        }
        do {
            let busy = ImportSession(importer)
            busy.start(hall)
            busy.cancel()
        }
        #expect(waitForNoWorkers(), "workers still running: \(HostileInputTests.workers(of: getpid()))")
    }

    /// A file that is not there, and one Assimp refuses, are said in the same words as before,
    /// whether the waiting worker or a fresh one was to read it.
    @Test func missingAndRefusedFilesAreSaid() throws {
        let dir = try HostileInputTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "not a model".write(toFile: dir + "/bad.obj", atomically: true, encoding: .utf8)
        let session = ImportSession(importer)
        session.start(dir + "/missing.glb")
        session.start(dir + "/bad.obj")
        let results = session.results(for: [dir + "/missing.glb", dir + "/bad.obj"])
        #expect(throws: LayoutError.self) { try results[0].get() }
        guard case .failure(let error) = results[1] else {
            Issue.record("a file that is no model was imported")
            return
        }
        #expect(error.description.contains("bad.obj"), "\(error)")
    }

    /// Waits up to ten seconds for this process's import workers to be gone.
    func waitForNoWorkers() -> Bool {
        let end = Date().addingTimeInterval(10)
        while !HostileInputTests.workers(of: getpid()).isEmpty {
            guard Date() < end else { return false }
            usleep(20_000)
        }
        return true
    }
}
