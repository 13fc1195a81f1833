import TwinJSON

// The JSON of collision results: one encoder per result, used by `twin check --json`, HTTP
// `/check`, validation reports and benchmarks alike. Lengths in metres and times in seconds,
// written to micrometres and microseconds: what the checks resolve, without the noise of the last
// bits of a double.

extension RouteReport {
    /// Decimals of lengths and times in JSON (micrometres, microseconds).
    public static let jsonPlaces = 6

    /// The report's members: `margin_m`, `length_m`, `collides`, `first_contact` {`obstacle`, ...,
    /// `s_m`, `x`, `y`, `theta`, `edge`}, `min_clearance` {`obstacle`, ..., `distance_m`, `s_m`},
    /// `within_margin`, `distance_queries`. `place` adds what is known about an obstacle (a plant's
    /// entity and node); `edges` names the network edge of each path segment.
    public func json(margin: Double, place: (String) -> JSONObject = { _ in [:] }, edges: [String] = []) -> JSONObject {
        let p = Self.jsonPlaces
        var out: JSONObject = ["margin_m": .number(margin, places: p), "length_m": .number(length, places: p), "collides": .bool(collides)]
        if let c = firstContact {
            var contact: JSONObject = ["obstacle": .string(c.obstacle)]
            contact.merge(place(c.obstacle))
            contact.merge(["s_m": .number(c.s, places: p), "x": .number(c.pose.x, places: p), "y": .number(c.pose.y, places: p),
                           "theta": .number(c.pose.theta, places: p), "edge": c.segment < edges.count ? .string(edges[c.segment]) : .null])
            out.append("first_contact", .object(contact))
        } else {
            out.append("first_contact", .null)
        }
        if let m = minimumClearance {
            var clearance: JSONObject = ["obstacle": .string(m.obstacle)]
            clearance.merge(place(m.obstacle))
            clearance.merge(["distance_m": .number(m.distance, places: p), "s_m": .number(m.s, places: p)])
            out.append("min_clearance", .object(clearance))
        } else {
            out.append("min_clearance", .null)
        }
        out.append("within_margin", .array(withinMargin.map(JSONValue.string)))
        out.append("distance_queries", .number(Double(queries)))
        return out
    }
}

extension FleetCheck.Report {
    /// `conflicts` [{`t_s`, `agvs`, `x`, `y`}], `min_separation_m`, `min_separation_t_s`.
    public var json: JSONObject {
        let p = RouteReport.jsonPlaces
        let list: [JSONValue] = conflicts.map { c in
            ["t_s": .number(c.time, places: p), "agvs": .array(c.agvs.map(JSONValue.string)),
             "x": .number(c.position.x, places: p), "y": .number(c.position.y, places: p)]
        }
        return ["conflicts": .array(list), "min_separation_m": .number(minimumSeparation, places: p),
                "min_separation_t_s": .number(minimumSeparationTime, places: p)]
    }
}
