import TwinJSON
import Testing

@Suite("JSON parsing and writing")
struct JSONParserTests {
    @Test func parsesValues() throws {
        let v = try JSONParser.parse(#"{"a": [1, -2.5, 1e3, 0.1, true, false, null], "b": "x\"y\u00e9\ud83d\ude00", "c": {}}"#)
        guard case .object(let o) = v else { Issue.record("not an object"); return }
        #expect(o.keys == ["a", "b", "c"])
        #expect(o["a"] == .array([.number(1), .number(-2.5), .number(1000), .number(0.1), .bool(true), .bool(false), .null]))
        #expect(o["b"] == .string("x\"yé😀"))
        #expect(o["c"] == .object(JSONObject()))
    }

    @Test func numbersAreCorrectlyRounded() throws {
        for text in ["0.1", "81.5", "123456.789", "-0.000123", "1.7976931348623157e308", "12345678901234567890", "3.141592653589793", "0.30000000000000004"] {
            #expect(try JSONParser.parse(text) == .number(Double(text)!), "\(text)")
        }
    }

    /// Duplicate keys are found in linear time: an object of 40,000 keys (a 0.5 MB line, as an
    /// MQTT payload may be) with its duplicate at the end is refused at once; it took 15 s of CPU
    /// when each key was compared with every earlier one. (The bound is a hang detector, far above
    /// the linear parse, not a speed target.)
    @Test func duplicateKeysInLargeObjectsAreFoundInLinearTime() throws {
        let count = 40_000
        var text = "{" + (0..<count).map { "\"key\($0)\": \($0)" }.joined(separator: ", ")
        let start = ContinuousClock.now
        let whole = try JSONParser.parse(text + "}")
        guard case .object(let o) = whole else { Issue.record("not an object"); return }
        #expect(o.members.count == count)
        text += ", \"key\(count - 1)\": 0}"
        #expect(throws: JSONError.self) { try JSONParser.parse(text) }
        do { _ = try JSONParser.parse(text) } catch { #expect(error.message == "duplicate key 'key\(count - 1)'") }
        #expect(ContinuousClock.now - start < .seconds(5))
        // Below 16 members the scan is used, above it the set: a duplicate on either side is found.
        for n in [3, 15, 16, 17, 100] {
            let keys = (0..<n).map { "\"k\($0)\": 1" } + ["\"k0\": 2"]
            #expect(throws: JSONError.self, "\(n)") { try JSONParser.parse("{" + keys.joined(separator: ",") + "}") }
        }
    }

    @Test func rejectsBadJSONWithTheColumn() {
        let cases: [(String, String)] = [
            (#"{"a": }"#, "column 7: unexpected character '}'"),
            (#"{"a": 1,}"#, "column 9: expected a member name in quotes"),
            (#"{"a": 1 "b": 2}"#, "column 9: expected ',' or '}' in an object"),
            (#"{"a": 01}"#, "column 8: a number with a leading zero"),
            (#"{"a": 1, "a": 2}"#, "column 10: duplicate key 'a'"),
            (#"{"a": "x"#, "column 7: a string without its closing quote"),
            (#"[1, 2] x"#, "column 8: unexpected text after the JSON value"),
            (#"{"a": tru}"#, "column 7: unknown literal (expected true, false or null)"),
            ("[1, \u{7}]", "column 5: unexpected byte 0x07"),
            ("{\"a\": \u{E9}}", "column 7: unexpected byte 0xC3"),
            (#""\x""#, #"column 2: an unknown escape '\x'"#),
            ("", "column 1: unexpected end of the text"),
            (String(repeating: "[", count: 100), "column 65: nested deeper than 64 levels"),
        ]
        for (text, message) in cases {
            do {
                _ = try JSONParser.parse(text)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.description == message, "\(text)")
            }
        }
    }

    @Test func stringsAreUTF8AndInvalidBytesAreRejected() throws {
        func parse(_ bytes: [UInt8]) throws(JSONError) -> JSONValue {
            let result: Result<JSONValue, JSONError> = bytes.withUnsafeBufferPointer { buffer in
                do throws(JSONError) { return .success(try JSONParser.parse(buffer)) } catch { return .failure(error) }
            }
            return try result.get()
        }
        #expect(try parse(Array(#"["Grüße, 工場", "plain"]"#.utf8)) == .array([.string("Grüße, 工場"), .string("plain")]))
        // A lone continuation byte, a truncated sequence, an overlong encoding, a UTF-16 surrogate:
        // in a plain string and in one with an escape.
        for bad: [UInt8] in [[0x80], [0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80]] {
            for prefix in [Array("ab".utf8), Array(#"a\n"#.utf8)] {
                #expect(throws: JSONError.syntax(offset: 2, message: "a string that is not valid UTF-8")) {
                    try parse(Array(#"[""#.utf8) + prefix + bad + Array(#""]"#.utf8))
                }
            }
        }
    }

    @Test func writesWhatItReads() throws {
        let text = #"{"t":"2026-05-04T08:00:00Z","n":[1,2.5,-0.001],"s":"a\"b\n","o":{"x":null,"y":true}}"#
        #expect(JSONWriter.string(try JSONParser.parse(text)) == text)
    }
}
