import Foundation
import Testing
import TwinJSON

@Suite("JSON files, typed fields and encoders")
struct JSONDocumentTests {
    func temporary(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "twin-json-\(UUID().uuidString).json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func syntaxErrorsNameLineAndColumn() throws {
        let path = try temporary("{\n  \"a\": 1,\n  \"b\" 2\n}\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: JSONError.file(path, line: 3, column: 7, message: "expected ':' after the member name")) {
            try JSONDocument.read(path: path)
        }
        do {
            _ = try JSONDocument.read(path: path)
        } catch {
            #expect(error.description == "\(path): not valid JSON: line 3, column 7: expected ':' after the member name")
        }
    }

    @Test func missingFilesAndFoldersAreSaid() {
        #expect(throws: JSONError.file("/nonexistent/x.json", message: "file not found")) {
            try JSONDocument.read(path: "/nonexistent/x.json")
        }
        #expect(throws: JSONError.file(NSTemporaryDirectory(), message: "is a folder, not a file")) {
            try JSONDocument.read(path: NSTemporaryDirectory())
        }
    }

    @Test func positionsCountLinesAndBytes() {
        let bytes = Array("ab\ncd\n\nef".utf8)
        #expect(JSONDocument.position(of: 0, in: bytes) == (1, 1))
        #expect(JSONDocument.position(of: 4, in: bytes) == (2, 2))
        #expect(JSONDocument.position(of: 7, in: bytes) == (4, 1))
    }

    @Test func typedReadsNameTheFieldAndWhatWasFound() throws {
        let v = try JSONParser.parse(#"{"n": "3", "list": {}, "x": 2.5, "k": 7}"#)
        let o = try v.object("")
        #expect(throws: JSONError(field: "n", message: "expected a finite number, found a string")) { try o["n"]!.number("n") }
        #expect(throws: JSONError(field: "list", message: "expected a list, found an object")) { try o["list"]!.array("list") }
        #expect(throws: JSONError(field: "m", message: "missing")) { try o.required("m", "m") }
        #expect(throws: JSONError(field: "x", message: "must be 0 to 1, found 2.5")) { try o["x"]!.number("x", in: 0...1, "0 to 1") }
        #expect(throws: JSONError(field: "x", message: "must be a whole number from 0 to 10, found 2.5")) { try o["x"]!.integer("x", in: 0...10) }
        #expect(try o["k"]!.integer("k", in: 0...10) == 7)
        #expect(try v.object("").required("x", "x").number("x") == 2.5)
    }

    @Test func literalsKeepTheirOrderAndNumbersLoseTheirNoise() {
        let value: JSONValue = ["route": "R-1", "clearance_m": .number(0.1 + 0.2, places: 6), "n": 3, "ok": true, "none": nil,
                                "list": [1, 2.5]]
        #expect(JSONWriter.string(value) == #"{"route":"R-1","clearance_m":0.3,"n":3,"ok":true,"none":null,"list":[1,2.5]}"#)
        #expect(JSONWriter.string(.number(-0.0000001, places: 6)) == "0")
        #expect(JSONWriter.string(.number(.nan, places: 3)) == "null")
        var object: JSONObject = ["a": 1]
        object[set: "b"] = 2
        object[set: "a"] = 3
        #expect(JSONWriter.string(.object(object)) == #"{"a":3,"b":2}"#)
    }
}
