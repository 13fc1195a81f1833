import Foundation
import TwinGeometry
import TwinJSON

/// What the twin takes from a VDA 5050 factsheet (2.x and 3.0): the vehicle's size and speed from
/// `physicalParameters` and its 2D envelopes from `agvGeometry.envelopes2d`.
public struct VDA5050Factsheet: Sendable, Equatable {
    /// Metres, along the heading and across it; metres per second.
    public var length: Double
    public var width: Double
    public var heightMax: Double
    public var speedMax: Double
    /// The envelopes by their set's name, as the file gives them (vehicle frame: x forward, y left).
    public var envelopes: [(set: String, polygon: [SIMD2<Double>])]

    /// The most a factsheet file may hold.
    public static let maximumBytes = 16 << 20

    public static func == (a: Self, b: Self) -> Bool {
        a.length == b.length && a.width == b.width && a.heightMax == b.heightMax && a.speedMax == b.speedMax
            && a.envelopes.map(\.set) == b.envelopes.map(\.set) && a.envelopes.map(\.polygon) == b.envelopes.map(\.polygon)
    }

    /// Reads the factsheet at `path`; a problem is one message with its JSON path.
    public static func read(path: String) throws(FactsheetError) -> VDA5050Factsheet {
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > maximumBytes {
            throw FactsheetError(message: "\(size) bytes; a factsheet may hold at most 16 MiB")
        }
        let root: JSONValue
        do { root = try JSONDocument.read(path: path) } catch { throw FactsheetError(message: error.reason) }
        return try check(root)
    }

    private static func check(_ root: JSONValue) throws(FactsheetError) -> VDA5050Factsheet {
        func object(_ value: JSONValue?, _ path: String) throws(FactsheetError) -> JSONObject {
            guard let value else { throw FactsheetError(message: "\(path): required, missing") }
            guard case .object(let o) = value else { throw FactsheetError(message: "\(path): expected an object, found \(value.kindName)") }
            return o
        }
        func number(_ o: JSONObject, _ key: String, _ path: String, positive: Bool) throws(FactsheetError) -> Double {
            guard let value = o[key] else { throw FactsheetError(message: "\(path).\(key): required, missing") }
            guard case .number(let n) = value, n.isFinite else { throw FactsheetError(message: "\(path).\(key): expected a number, found \(value.kindName)") }
            guard !positive || n > 0 else { throw FactsheetError(message: "\(path).\(key): must be greater than zero, found \(JSONWriter.number(n))") }
            return n
        }
        let top = try object(root, "$")
        let p = try object(top["physicalParameters"], "$.physicalParameters")
        let path = "$.physicalParameters"
        var sheet = VDA5050Factsheet(length: try number(p, "length", path, positive: true), width: try number(p, "width", path, positive: true),
                                     heightMax: try number(p, "heightMax", path, positive: true), speedMax: try number(p, "speedMax", path, positive: true),
                                     envelopes: [])
        let geometry = try object(top["agvGeometry"], "$.agvGeometry")
        if let list = geometry["envelopes2d"] {
            guard case .array(let items) = list else { throw FactsheetError(message: "$.agvGeometry.envelopes2d: expected an array, found \(list.kindName)") }
            guard items.count <= 1000 else { throw FactsheetError(message: "$.agvGeometry.envelopes2d: \(items.count) envelopes; at most 1000 are read") }
            for (i, item) in items.enumerated() {
                let ep = "$.agvGeometry.envelopes2d[\(i)]"
                let e = try object(item, ep)
                guard case .string(let set)? = e["set"] else { throw FactsheetError(message: "\(ep).set: required, a string") }
                guard case .array(let points)? = e["polygonPoints"] else { throw FactsheetError(message: "\(ep).polygonPoints: required, an array") }
                guard (3...10_000).contains(points.count) else {
                    throw FactsheetError(message: "\(ep).polygonPoints: an envelope needs 3 to 10000 points, found \(points.count)")
                }
                var polygon: [SIMD2<Double>] = []
                for (k, point) in points.enumerated() {
                    let pp = "\(ep).polygonPoints[\(k)]"
                    let o = try object(point, pp)
                    polygon.append(SIMD2(try number(o, "x", pp, positive: false), try number(o, "y", pp, positive: false)))
                }
                guard ConvexHull.of(polygon).count >= 3 else { throw FactsheetError(message: "\(ep).polygonPoints: the envelope has no area") }
                if sheet.envelopes.contains(where: { $0.set == set }) { throw FactsheetError(message: "\(ep).set: '\(set)' names two envelopes") }
                sheet.envelopes.append((set, polygon))
            }
        }
        return sheet
    }

    /// The envelope to drive with: the set named `set`; else, loaded, a set named "loaded" where
    /// there is one; else one named "unloaded" or "default"; else the first; nil when there are none.
    /// Its convex hull (the checks take convex bodies; the hull holds the envelope).
    public func envelope(named set: String?, loaded: Bool) -> (set: String, polygon: [SIMD2<Double>])? {
        func named(_ name: String) -> (set: String, polygon: [SIMD2<Double>])? {
            envelopes.first { $0.set.lowercased() == name.lowercased() }
        }
        let chosen = set.flatMap { s in envelopes.first { $0.set == s } }
            ?? (loaded ? named("loaded") : nil) ?? named("unloaded") ?? named("default") ?? envelopes.first
        return chosen.map { ($0.set, ConvexHull.of($0.polygon)) }
    }
}

/// A factsheet that cannot be used: the message names the JSON path.
public struct FactsheetError: Error, Sendable {
    public var message: String
}
