import TwinGeometry
import TwinJSON

extension LIFDocument {
    /// The document as LIF 1.0 JSON, members in the schema's order, absent optionals left out.
    public var json: JSONValue {
        var top = JSONObject()
        top.append("metaInformation", ["projectIdentification": .string(metaInformation.projectIdentification),
                                       "creator": .string(metaInformation.creator),
                                       "exportTimestamp": .string(metaInformation.exportTimestamp),
                                       "lifVersion": .string(metaInformation.lifVersion)])
        top.append("layouts", .array(layouts.map(\.json)))
        return .object(top)
    }
}

extension LIFDocument.Layout {
    var json: JSONValue {
        var o = JSONObject()
        o.append("layoutId", .string(layoutId))
        if let layoutName { o.append("layoutName", .string(layoutName)) }
        o.append("layoutVersion", .string(layoutVersion))
        if let layoutLevelId { o.append("layoutLevelId", .string(layoutLevelId)) }
        if let layoutDescription { o.append("layoutDescription", .string(layoutDescription)) }
        o.append("nodes", .array(nodes.map(\.json)))
        o.append("edges", .array(edges.map(\.json)))
        o.append("stations", .array(stations.map(\.json)))
        return .object(o)
    }
}

extension LIFDocument.Node {
    var json: JSONValue {
        var o = JSONObject()
        o.append("nodeId", .string(nodeId))
        if let nodeName { o.append("nodeName", .string(nodeName)) }
        if let nodeDescription { o.append("nodeDescription", .string(nodeDescription)) }
        if let mapId { o.append("mapId", .string(mapId)) }
        o.append("nodePosition", ["x": .number(x), "y": .number(y)])
        o.append("vehicleTypeNodeProperties", .array(vehicleTypeNodeProperties.map { p in
            var po = JSONObject()
            po.append("vehicleTypeId", .string(p.vehicleTypeId))
            if let theta = p.theta { po.append("theta", .number(theta)) }
            if let actions = p.actions { po.append("actions", .array(actions)) }
            return .object(po)
        }))
        return .object(o)
    }
}

extension LIFDocument.Edge {
    var json: JSONValue {
        var o = JSONObject()
        o.append("edgeId", .string(edgeId))
        o.append("startNodeId", .string(startNodeId))
        o.append("endNodeId", .string(endNodeId))
        o.append("vehicleTypeEdgeProperties", .array(vehicleTypeEdgeProperties.map(\.json)))
        return .object(o)
    }
}

extension LIFDocument.EdgeProperties {
    var json: JSONValue {
        var o = JSONObject()
        o.append("vehicleTypeId", .string(vehicleTypeId))
        if let vehicleOrientation { o.append("vehicleOrientation", .number(vehicleOrientation)) }
        if let orientationType { o.append("orientationType", .string(orientationType)) }
        if let rotationAllowed { o.append("rotationAllowed", .bool(rotationAllowed)) }
        if let rotationAtStartNodeAllowed { o.append("rotationAtStartNodeAllowed", .string(rotationAtStartNodeAllowed)) }
        if let rotationAtEndNodeAllowed { o.append("rotationAtEndNodeAllowed", .string(rotationAtEndNodeAllowed)) }
        if let maxSpeed { o.append("maxSpeed", .number(maxSpeed)) }
        if let maxRotationSpeed { o.append("maxRotationSpeed", .number(maxRotationSpeed)) }
        if let minHeight { o.append("minHeight", .number(minHeight)) }
        if let maxHeight { o.append("maxHeight", .number(maxHeight)) }
        if let l = loadRestriction {
            var lo = JSONObject()
            lo.append("unloaded", .bool(l.unloaded))
            lo.append("loaded", .bool(l.loaded))
            if let sets = l.loadSetNames { lo.append("loadSetNames", .array(sets.map { .string($0) })) }
            o.append("loadRestriction", .object(lo))
        }
        if let t = trajectory {
            o.append("trajectory", ["degree": .number(Double(t.degree)), "knotVector": .array(t.knots.map { .number($0) }),
                                    "controlPoints": .array(t.controlPoints.map { ["x": .number($0.x), "y": .number($0.y), "weight": .number($0.weight)] })])
        }
        if let actions { o.append("actions", .array(actions)) }
        if let reentryAllowed { o.append("reentryAllowed", .bool(reentryAllowed)) }
        return .object(o)
    }
}

extension LIFDocument.Station {
    var json: JSONValue {
        var o = JSONObject()
        o.append("stationId", .string(stationId))
        o.append("interactionNodeIds", .array(interactionNodeIds.map { .string($0) }))
        if let stationName { o.append("stationName", .string(stationName)) }
        if let stationDescription { o.append("stationDescription", .string(stationDescription)) }
        if let stationHeight { o.append("stationHeight", .number(stationHeight)) }
        if let p = position {
            var po = JSONObject()
            po.append("x", .number(p.x))
            po.append("y", .number(p.y))
            if let theta = p.theta { po.append("theta", .number(theta)) }
            o.append("stationPosition", .object(po))
        }
        return .object(o)
    }
}
