import TwinJSON

// The JSON of collision results: one encoder per result, used by `twin check --json`, HTTP
// `/check`, validation reports and benchmarks alike. Lengths in metres and times in seconds, each
// in the shortest form that reads back to the same double: the checks are exact, and a clearance
// of 0.1499996 m must not print as 0.15.

extension RouteReport {
    /// The report's members: `margin_m`, `length_m`, `collides`, `first_contact` {`obstacle`, ...,
    /// `s_m`, `x`, `y`, `theta`, `edge`}, `min_clearance` {`obstacle`, ..., `distance_m`, `s_m`},
    /// `within_margin`, `distance_queries`. `place` adds what is known about an obstacle (a plant's
    /// entity and node); `edges` names the network edge of each path segment.
    public func json(margin: Double, place: (String) -> JSONObject = { _ in [:] }, edges: [String] = []) -> JSONObject {
        var out: JSONObject = ["margin_m": .number(margin), "length_m": .number(length), "collides": .bool(collides)]
        if let c = firstContact {
            var contact: JSONObject = ["obstacle": .string(c.obstacle)]
            contact.merge(place(c.obstacle))
            contact.merge(["s_m": .number(c.s), "x": .number(c.pose.x), "y": .number(c.pose.y),
                           "theta": .number(c.pose.theta), "edge": c.segment < edges.count ? .string(edges[c.segment]) : .null])
            out.append("first_contact", .object(contact))
        } else {
            out.append("first_contact", .null)
        }
        if let m = minimumClearance {
            var clearance: JSONObject = ["obstacle": .string(m.obstacle)]
            clearance.merge(place(m.obstacle))
            clearance.merge(["distance_m": .number(m.distance), "s_m": .number(m.s)])
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
    /// `conflicts` [{`t_s`, `agvs`, `x`, `y`}], `min_separation_m`, `min_separation_t_s`,
    /// `within_margin` [{`agvs`, `separation_m`, `t_s`, `margin_m`}].
    public var json: JSONObject {
        let list: [JSONValue] = conflicts.map { c in
            ["t_s": .number(c.time), "agvs": .array(c.agvs.map(JSONValue.string)),
             "x": .number(c.position.x), "y": .number(c.position.y)]
        }
        let near: [JSONValue] = withinMargin.map { n in
            ["agvs": .array(n.agvs.map(JSONValue.string)), "separation_m": .number(n.separation), "t_s": .number(n.time),
             "margin_m": .number(n.margin)]
        }
        return ["conflicts": .array(list), "min_separation_m": .number(minimumSeparation),
                "min_separation_t_s": .number(minimumSeparationTime), "within_margin": .array(near)]
    }
}
