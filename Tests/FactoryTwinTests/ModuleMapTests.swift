import Foundation
import Testing
import TwinTestSupport

/// The module map as docs/architecture.md draws it, checked against the imports in Sources/:
/// SwiftPM lets a module import what any of its dependencies depend on, so an arrow that points
/// the wrong way would otherwise go unnoticed until it made a cycle.
@Suite("The module map")
struct ModuleMapTests {
    /// Each module and the modules of this package (C shims included) it may import.
    static let allowed: [String: Set<String>] = [
        "TwinGeometry": [],
        "TwinJSON": [],
        "TwinLIF": ["TwinGeometry", "TwinJSON"],
        "TwinLayout": ["TwinGeometry", "TwinJSON", "TwinLIF", "CAssimp", "CTwinSystem"],
        "TwinRender": ["TwinGeometry", "CPNG"],
        "TwinCollision": ["TwinGeometry", "TwinJSON"],
        "TwinState": ["TwinGeometry", "TwinJSON", "TwinLayout"],
        "TwinDemo": ["TwinGeometry", "TwinLayout"],
        "TwinOperations": ["TwinGeometry", "TwinJSON", "TwinLayout", "TwinRender", "TwinCollision", "TwinState"],
        "TwinValidation": ["TwinGeometry", "TwinJSON", "TwinLayout", "TwinRender", "TwinCollision", "TwinState", "TwinOperations"],
        "TwinPlanning": ["TwinGeometry", "TwinJSON", "TwinLayout", "TwinRender", "TwinCollision", "TwinOperations"],
        "TwinAnalytics": ["TwinJSON", "TwinLayout", "TwinState"],
        "TwinSync": ["TwinGeometry", "TwinJSON", "TwinLayout", "TwinRender", "TwinCollision", "TwinState", "TwinOperations", "TwinAnalytics", "CMosquitto"],
        "TwinTestSupport": ["TwinRender", "TwinLayout", "TwinState"],
        "FactoryTwin": ["TwinGeometry", "TwinJSON", "TwinLIF", "TwinLayout", "TwinRender", "TwinCollision", "TwinState", "TwinOperations", "TwinValidation",
                        "TwinPlanning", "TwinAnalytics"],
        "twin": ["TwinGeometry", "TwinJSON", "TwinLIF", "TwinLayout", "TwinRender", "TwinCollision", "TwinState", "TwinOperations", "TwinValidation",
                 "TwinPlanning", "TwinAnalytics", "TwinSync", "TwinDemo", "TwinTestSupport", "CTwinSystem"],
    ]

    /// The package's own modules imported by each Swift file under `folder`.
    static func imports(in folder: String) throws -> [(file: String, module: String)] {
        let ours = Set(allowed.keys).union(["CAssimp", "CPNG", "CMosquitto", "CTwinSystem"])
        var found: [(String, String)] = []
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let name = enumerator?.nextObject() as? String {
            guard name.hasSuffix(".swift") else { continue }
            let text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ").map(String.init)
                guard let i = words.firstIndex(of: "import"), i + 1 < words.count,
                      words[..<i].allSatisfy({ ["@_exported", "internal", "package", "public", "@testable"].contains($0) }) else { continue }
                if ours.contains(words[i + 1]) { found.append((name, words[i + 1])) }
            }
        }
        return found
    }

    @Test func everyArrowPointsDown() throws {
        let sources = TestPaths.repository + "/Sources"
        // Every Swift module (the C targets hold no Swift).
        for module in try FileManager.default.contentsOfDirectory(atPath: sources) where !module.hasPrefix("C") {
            let permitted = try #require(Self.allowed[module], "\(module) is not on the module map (docs/architecture.md)")
            for (file, imported) in try Self.imports(in: sources + "/" + module) {
                #expect(permitted.contains(imported), "\(module)/\(file) imports \(imported), which the module map does not let it")
            }
        }
    }

    @Test func nothingInsideDependsOnTheFacade() throws {
        for module in Self.allowed.keys where module != "FactoryTwin" {
            #expect(!Self.allowed[module]!.contains("FactoryTwin"))
            let folder = TestPaths.repository + "/Sources/" + module
            for (file, imported) in try Self.imports(in: folder) where imported == "FactoryTwin" {
                Issue.record("\(module)/\(file) imports the facade")
            }
        }
        // The facade holds no code: re-exports only.
        let facade = try String(contentsOfFile: TestPaths.repository + "/Sources/FactoryTwin/FactoryTwin.swift", encoding: .utf8)
        let code = facade.split(separator: "\n").filter { !$0.hasPrefix("//") && !$0.hasPrefix("@_exported import") && !$0.isEmpty }
        #expect(code.isEmpty, "\(code)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: TestPaths.repository + "/Sources/FactoryTwin") == ["FactoryTwin.swift"])
    }

    @Test func eachSystemLibraryHasOneSwiftModule() throws {
        var importers: [String: Set<String>] = [:]
        for module in Self.allowed.keys {
            for (_, imported) in try Self.imports(in: TestPaths.repository + "/Sources/" + module) where ["CAssimp", "CPNG", "CMosquitto"].contains(imported) {
                importers[imported, default: []].insert(module)
            }
        }
        #expect(importers == ["CAssimp": ["TwinLayout"], "CPNG": ["TwinRender"], "CMosquitto": ["TwinSync"]])
    }
}
