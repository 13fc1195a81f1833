import Foundation
import Testing

@Suite("twin check, end to end")
struct CheckCommandTests {
    @Test func everyRouteOfTheDemoPlantIsCheckedAndClear() throws {
        let image = NSTemporaryDirectory() + "twin-check-\(UUID().uuidString).png"
        let result = try TwinBinary.run(["check", "Assets/demo/plant.yaml", "--json", "--image", image])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let routes = try #require(json["routes"] as? [[String: Any]])
        #expect(routes.map { $0["route"] as? String } == ["R-LOOP", "R-SUPPLY-1", "R-SUPPLY-2"])
        for route in routes {
            #expect(route["collides"] as? Bool == false)
            #expect(route["first_contact"] is NSNull)
            let clearance = try #require(route["min_clearance"] as? [String: Any])
            #expect((clearance["distance_m"] as? Double ?? -1) >= 0.1)
            #expect((route["length_m"] as? Double ?? 0) > 200)
        }
        #expect(FileManager.default.fileExists(atPath: image))
    }

    @Test func aTightMarginMakesViolationsAndExitStatusOne() throws {
        let result = try TwinBinary.run(["check", "Assets/demo/plant.yaml", "--route", "R-SUPPLY-1", "--margin", "0.2"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("within the 0.20 m margin: CS-1"))
    }

    @Test(arguments: [
        (["--route", "R-NOWHERE"], "unknown route 'R-NOWHERE' (known: R-LOOP, R-SUPPLY-1, R-SUPPLY-2)"),
        (["--agv", "AGV-99"], "unknown AGV 'AGV-99'"),
    ])
    func badInputIsOneLineAndStatusTwo(arguments: [String], message: String) throws {
        let result = try TwinBinary.run(["check", "Assets/demo/plant.yaml"] + arguments)
        #expect(result.status == 2)
        #expect(result.stderr == "twin: error: \(message)\n")
    }

    @Test func aMalformedCaseNamesItsField() throws {
        let file = NSTemporaryDirectory() + "twin-case-\(UUID().uuidString).json"
        try #"{"agv": {"length": -1, "width": 0.8, "height": 0.5}, "path": [{"type": "line", "from": [0, 0], "to": [1, 0]}]}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let result = try TwinBinary.run(["check", "--case", file])
        #expect(result.status == 2)
        #expect(result.stderr == "twin: error: \(file): agv.length: must be greater than zero, found -1.0\n")
    }
}
