import Foundation
import TwinGeometry
import TwinLIF
import Yams

/// Turns the YAML of a `plant.yaml` into a checked `PlantManifest`, naming the file, line and
/// field of the first problem.
struct ManifestParser {
    let file: String
    /// Told each model file's path as soon as it is known, so that its import can start while the
    /// rest of the manifest is read.
    var onModelFile: (String) -> Void = { _ in }
    /// How far a trajectory's ends may lie from its edge's nodes.
    static let trajectoryEndTolerance = 0.01

    static let topLevelKeys = ["name", "description", "models", "machines", "conveyors", "racks", "stations",
                               "agvs", "network", "routes", "zones", "cameras", "state_colors", "obstacles", "collision", "rules", "sync", "lines", "doors", "cranes",
                               "calendar", "machine_kinds"]

    /// The machine states whose colors a manifest may set.
    static let stateNames = ["running", "idle", "blocked", "starved", "fault", "maintenance", "setup", "offline"]

    func parse(_ text: String) throws(LayoutError) -> PlantManifest {
        let top = try ManifestField.document(text, file: file, emptyMessage: "the manifest is empty").mapping(allowed: Self.topLevelKeys)
        let name = try top.required("name").string()

        var ids = IdRegistry()
        var models: [PlantManifest.ModelPlacement] = []
        for item in try top.optional("models")?.sequence() ?? [] {
            let model = try parseModel(item)
            try ids.claim(model.id, in: "model", at: item)
            models.append(model)
        }
        for model in models { onModelFile(model.path) }
        let modelIds = Set(models.map(\.id))

        let network = try parseNetwork(top.optional("network"))
        var entities: [PlantManifest.EntityDeclaration] = []
        var entityIds = IdRegistry()
        for (section, category) in [("machines", EntityCategory.machine), ("conveyors", .conveyor),
                                    ("racks", .rack), ("stations", .station)] {
            for item in try top.optional(section)?.sequence() ?? [] {
                let entity = try parseEntity(item, category: category, modelIds: modelIds, network: network)
                try entityIds.claim(entity.id, in: "entity", at: item)
                entities.append(entity)
            }
        }

        if let kinds = top.optional("machine_kinds") { try applyMachineKinds(kinds, to: &entities) }

        var agvEntries: [(PlantManifest.EntityDeclaration, ManifestField, String?)] = []
        for item in try top.optional("agvs")?.sequence() ?? [] {
            let (agv, modelFile) = try parseAGV(item, network: network, modelIds: modelIds)
            try entityIds.claim(agv.id, in: "entity", at: item)
            agvEntries.append((agv, item, modelFile))
        }
        // An AGV's model file becomes a placement of its own, at the AGV's starting pose.
        for (var agv, item, modelFile) in agvEntries {
            if let modelFile, let pose = agv.pose {
                let placementId = "agv:\(agv.id)"
                try ids.claim(placementId, in: "model", at: item)
                models.append(PlantManifest.ModelPlacement(
                    id: placementId, file: modelFile, path: try resolve(modelFile, at: item.child(item.node, "model")),
                    position: SIMD3(pose.x, pose.y, 0), rotationDegrees: pose.theta * 180 / .pi,
                    scale: 1, up: .y, line: item.line))
                agv.binding = .model(placementId)
                onModelFile(models[models.count - 1].path)
            }
            entities.append(agv)
        }

        let agvIds = Set(entities.filter { $0.category == .agv }.map(\.id))
        let routes = try parseList(top.optional("routes"), namespace: "route", id: \.id) { item throws(LayoutError) in
            try parseRoute(item, network: network, agvIds: agvIds)
        }
        let zones = try parseList(top.optional("zones"), namespace: "zone", id: \.id) { item throws(LayoutError) in
            try parseZone(item)
        }
        let cameras = try parseList(top.optional("cameras"), namespace: "camera", id: \.name) { item throws(LayoutError) in
            try parseCamera(item)
        }

        var stateColors: [String: SIMD3<Float>] = [:]
        if let field = top.optional("state_colors") {
            let m = try field.mapping(allowed: Self.stateNames)
            for (state, value) in m.values {
                stateColors[state] = try Self.color(value)
            }
        }

        var manifest = PlantManifest(name: name, file: file, models: models, entities: entities, network: network,
                                     routes: routes, zones: zones, cameras: cameras, stateColors: stateColors)
        manifest.obstacles = try parseList(top.optional("obstacles"), namespace: "obstacle", id: \.id) { item throws(LayoutError) in
            try parseObstacle(item)
        }
        manifest.doors = try parseList(top.optional("doors"), namespace: "door", id: \.id) { item throws(LayoutError) in
            try parseDoor(item)
        }
        manifest.cranes = try parseList(top.optional("cranes"), namespace: "crane", id: \.id) { item throws(LayoutError) in
            let c = try item.mapping(allowed: ["id", "area", "hook_height_m"])
            return CraneArea(id: try c.required("id").identifier(), polygon: try floorPolygon(try c.required("area")),
                             hookHeight: try c.required("hook_height_m").positiveDouble(), line: item.line)
        }
        // A link names a declared entity.
        let declared = Set(entities.map(\.id))
        for (k, entity) in entities.enumerated() {
            for (i, link) in entity.links.enumerated() where !declared.contains(link.to) || link.to == entity.id {
                let section = ["machine": "machines", "conveyor": "conveyors", "rack": "racks", "station": "stations"][entity.category.rawValue] ?? "entities"
                let index = entities[..<k].filter { $0.category == entity.category }.count
                throw LayoutError.manifest(file: file, line: entity.line, field: "\(section)[\(index)].links[\(i)]",
                                           message: link.to == entity.id ? "an entity cannot link to itself" : "unknown entity '\(link.to)'")
            }
        }
        if let collision = top.optional("collision") {
            let c = try collision.mapping(allowed: ["margin"])
            manifest.defaultMargin = try c.optional("margin")?.nonNegativeDouble() ?? 0.1
        }
        if let rules = top.optional("rules") { manifest.rules = try parseRules(rules) }
        if let sync = top.optional("sync") { manifest.sync = try parseSync(sync) }
        if let lines = top.optional("lines") { manifest.lines = try parseLines(lines, entities: manifest.entities) }
        if let calendar = top.optional("calendar") { manifest.calendar = try parseCalendar(calendar, entities: manifest.entities) }
        return manifest
    }

    /// `lines:`: each line's machines in flow order and its conveyors, every one a declared
    /// entity that carries a status; a machine in one line only.
    private func parseLines(_ field: ManifestField, entities: [PlantManifest.EntityDeclaration]) throws(LayoutError) -> [ProductionLine] {
        let categories = Dictionary(entities.map { ($0.id, $0.category) }, uniquingKeysWith: { a, _ in a })
        var lines: [ProductionLine] = []
        var lineOf: [String: String] = [:]
        var seen: [String: Int] = [:]
        for item in try field.sequence() {
            let m = try item.mapping(allowed: ["id", "name", "machines", "conveyors", "within_m"])
            let idField = try m.required("id")
            let id = try idField.identifier()
            if let first = seen[id] { throw idField.error("duplicate line id '\(id)' (first declared on line \(first))") }
            seen[id] = item.line
            func members(_ key: String, required: Bool) throws(LayoutError) -> [String] {
                guard let list = required ? try m.required(key) : m.optional(key) else { return [] }
                var ids: [String] = []
                for (i, f) in try list.sequence().enumerated() {
                    let member = try f.identifier()
                    guard let category = categories[member] else { throw f.error("unknown entity '\(member)'") }
                    guard category != .agv, category != .structure, category != .object else {
                        throw f.error("'\(member)' is \(category == .agv ? "an AGV" : "a \(category.rawValue)"), not a machine, conveyor, rack or station")
                    }
                    if key == "machines" {
                        if let other = lineOf[member] { throw f.error("'\(member)' is in line \(other) already (a machine belongs to one line)") }
                        if ids.contains(member) { throw f.error("'\(member)' is named twice in the line") }
                        lineOf[member] = id
                    }
                    _ = i
                    ids.append(member)
                }
                return ids
            }
            let machines = try members("machines", required: true)
            guard !machines.isEmpty else { throw try m.required("machines").error("a line has at least one machine") }
            let conveyors = try members("conveyors", required: false)
            let within = try m.optional("within_m")?.positiveDouble() ?? ProductionLine.defaultReach
            lines.append(ProductionLine(id: id, name: try m.optional("name")?.string(), machines: machines, conveyors: conveyors, within: within, line: item.line))
        }
        return lines
    }

    // MARK: Sections

    private func parseSync(_ field: ManifestField) throws(LayoutError) -> SyncConfig {
        let m = try field.mapping(allowed: ["vda5050", "machines", "no_data_after_s"])
        var sync = SyncConfig()
        sync.noDataAfter = try m.optional("no_data_after_s")?.positiveDouble()
        if let v = m.optional("vda5050") {
            let vm = try v.mapping(allowed: ["interface", "version", "versions"])
            if let i = vm.optional("interface") { sync.interfaceName = try i.identifier() }
            let given: [ManifestField]
            switch (vm.optional("version"), vm.optional("versions")) {
            case (let one?, nil): given = [one]
            case (nil, let list?): given = try list.sequence()
            case (nil, nil): given = []
            default: throw try vm.required("versions").error("give version or versions, not both")
            }
            if !given.isEmpty {
                sync.majorVersions = []
                for item in given {
                    let version = try item.identifier()
                    guard ["v2", "v3"].contains(version) else { throw item.error("unknown VDA 5050 major version '\(version)' (expected v2 or v3)") }
                    if !sync.majorVersions.contains(version) { sync.majorVersions.append(version) }
                }
            }
        }
        if let machines = m.optional("machines") {
            for item in try machines.sequence() {
                let t = try item.mapping(allowed: ["topic", "status", "status_map", "reasons", "running", "speed_mps", "time", "connection", "signals", "counters"])
                let topicField = try t.required("topic")
                let pattern = try topicField.string()
                let levels = pattern.split(separator: "/", omittingEmptySubsequences: false)
                let idLevels = levels.indices.filter { levels[$0] == "{id}" }
                guard idLevels.count == 1 else { throw topicField.error("a machine topic names its entity with one level '{id}', such as plant/+/{id}/status") }
                guard !levels.contains(where: { $0.contains("#") || ($0.contains("{") && $0 != "{id}") || $0.isEmpty }) else {
                    throw topicField.error("a machine topic has levels of text, '+' or '{id}' (no '#', no empty levels)")
                }
                var topic = SyncConfig.MachineTopic(pattern: pattern, idLevel: idLevels[0])
                topic.line = item.line
                topic.statusField = try t.optional("status")?.string()
                topic.reasonsField = try t.optional("reasons")?.string()
                if topic.reasonsField != nil, topic.statusField == nil { throw try t.required("reasons").error("reasons go with a status field (give status too)") }
                topic.runningField = try t.optional("running")?.string()
                topic.speedField = try t.optional("speed_mps")?.string()
                topic.timeField = try t.optional("time")?.string()
                topic.connectionField = try t.optional("connection")?.string()
                func pairs(_ key: String) throws(LayoutError) -> [String: String] {
                    guard let f = t.optional(key) else { return [:] }
                    guard case .mapping(let mapping) = f.node else { throw f.error("expected a mapping of names to payload fields") }
                    var result: [String: String] = [:]
                    for (k, v) in mapping {
                        guard let name = k.string, let value = v.string, !value.isEmpty else { throw f.error("names and payload fields are text") }
                        result[name] = value
                    }
                    return result
                }
                topic.signals = try pairs("signals")
                topic.counters = try pairs("counters")
                topic.statusMap = try pairs("status_map")
                sync.machines.append(topic)
            }
        }
        return sync
    }

    /// A field written `off` (or false, no).
    static func isOff(_ f: ManifestField) -> Bool {
        if case .scalar(let s) = f.node { return ["off", "false", "no"].contains(s.string.lowercased()) }
        return false
    }

    private func parseRules(_ field: ManifestField) throws(LayoutError) -> LayoutRules {
        let m = try field.mapping(allowed: ["overlap", "clearance_m", "clearance_pairs", "wall_clearance_m", "inside_building", "building",
                                            "free_zones", "safety_zones_clear", "route_margin", "stations_reachable", "station_access_m", "aisle_width_m",
                                            "escape_distance_m", "escape_walk_factor", "escape_width_m", "exit_width_m", "exit_height_m",
                                            "door_clearance_m", "overhead_margin_m", "service_depth_m", "forklift_aisles", "material_flow", "link_gap_m"])
        var rules = LayoutRules()
        rules.line = field.line
        /// A distance in meters, or `off`.
        func meters(_ f: ManifestField) throws(LayoutError) -> Double? {
            if Self.isOff(f) { return nil }
            return try f.nonNegativeDouble()
        }
        if let f = m.optional("overlap") { rules.overlap = try f.bool() }
        if let f = m.optional("clearance_m") { rules.machineClearance = try meters(f) }
        if let f = m.optional("wall_clearance_m") { rules.wallClearance = try meters(f) }
        if let f = m.optional("inside_building") { rules.insideBuilding = try f.bool() }
        if let f = m.optional("safety_zones_clear") { rules.safetyZonesClear = try f.bool() }
        if let f = m.optional("building") { rules.building = try floorPolygon(f) }
        if let f = m.optional("route_margin") { rules.routeMargin = try f.bool() }
        if let f = m.optional("stations_reachable") { rules.stationsReachable = try f.bool() }
        if let f = m.optional("station_access_m") { rules.stationAccess = try meters(f) }
        if let f = m.optional("aisle_width_m") {
            if let width = try meters(f) { rules.aisleWidth = width } else { rules.aisleWidthOff = true }
        }
        if let f = m.optional("free_zones") {
            if Self.isOff(f) {
                rules.freeZones = []
            } else {
                rules.freeZones = []
                for item in try f.sequence() {
                    let text = try item.string()
                    guard let kind = Zone.Kind(rawValue: text) else {
                        throw item.error("unknown zone kind '\(text)' (expected one of: \(Zone.Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                    rules.freeZones.append(kind)
                }
            }
        }
        if let f = m.optional("escape_distance_m") { rules.escapeDistance = try meters(f) }
        if let f = m.optional("escape_walk_factor") {
            let factor = try f.double()
            guard factor >= 1 else { throw f.error("a walk is never shorter than the straight line: expected 1 or more, found \(factor)") }
            rules.escapeWalkFactor = factor
        }
        if let f = m.optional("escape_width_m") { rules.escapeWidth = try meters(f) }
        if let f = m.optional("exit_width_m") { rules.exitWidth = try meters(f) }
        if let f = m.optional("exit_height_m") { rules.exitHeight = try meters(f) }
        if let f = m.optional("door_clearance_m") { rules.doorClearance = try meters(f) }
        if let f = m.optional("overhead_margin_m") { rules.overheadMargin = try meters(f) }
        if let f = m.optional("service_depth_m") { rules.serviceDepth = try f.positiveDouble() }
        if let f = m.optional("material_flow") { rules.materialFlow = try f.bool() }
        if let f = m.optional("link_gap_m") { rules.linkGap = try f.nonNegativeDouble() }
        if let f = m.optional("forklift_aisles"), !Self.isOff(f) {
            let a = try f.mapping(allowed: ["turning_radius_m", "load_distance_m", "load_length_m", "safety_m", "working_aisle_m", "racks"])
            var aisle = LayoutRules.ForkliftAisle()
            if let given = a.optional("working_aisle_m") {
                guard a.optional("turning_radius_m") == nil else { throw given.error("give working_aisle_m (a datasheet's Ast) or turning_radius_m and load_distance_m, not both") }
                aisle.given = try given.positiveDouble()
            } else {
                aisle.turningRadius = try a.required("turning_radius_m").positiveDouble()
                aisle.loadDistance = try a.required("load_distance_m").nonNegativeDouble()
            }
            if let l = a.optional("load_length_m") { aisle.loadLength = try l.positiveDouble() }
            if let l = a.optional("safety_m") { aisle.safety = try l.nonNegativeDouble() }
            for k in try a.optional("racks")?.sequence() ?? [] { aisle.rackKinds.append(try k.identifier()) }
            rules.forklift = aisle
        }
        if let f = m.optional("clearance_pairs") {
            for item in try f.sequence() {
                let p = try item.mapping(allowed: ["kinds", "m"])
                let kindsField = try p.required("kinds")
                var kinds: [String] = []
                for k in try kindsField.sequence() { kinds.append(try k.identifier()) }
                guard kinds.count == 2 else { throw kindsField.error("expected two kinds or categories, such as [press, press] or [machine, rack]") }
                rules.pairClearances.append(.init(kinds: Set(kinds), meters: try p.required("m").nonNegativeDouble()))
            }
        }
        return rules
    }

    private func parseModel(_ item: ManifestField) throws(LayoutError) -> PlantManifest.ModelPlacement {
        let m = try item.mapping(allowed: ["id", "file", "position", "rotation_deg", "scale", "up"])
        let id = try m.required("id").identifier()
        guard !id.contains("/") else { throw m.values["id"]!.error("a model id must not contain '/'") }
        let fileField = try m.required("file")
        let file = try fileField.string()
        let path = try resolve(file, at: fileField)
        let position = try m.optional("position")?.floorPoint() ?? .zero
        let rotation = try m.optional("rotation_deg")?.double() ?? 0
        let scale = try m.optional("scale")?.positiveDouble() ?? 1
        var up = PlantManifest.UpAxis.y
        if let field = m.optional("up") {
            let text = try field.string().lowercased()
            guard let axis = PlantManifest.UpAxis(rawValue: text) else { throw field.error("expected y or z, found '\(text)'") }
            up = axis
        }
        return PlantManifest.ModelPlacement(id: id, file: file, path: path, position: position,
                                            rotationDegrees: rotation, scale: scale, up: up, line: item.line)
    }

    private func parseEntity(_ item: ManifestField, category: EntityCategory,
                             modelIds: Set<String>, network: AGVNetwork) throws(LayoutError) -> PlantManifest.EntityDeclaration {
        let m = try item.mapping(allowed: ["id", "kind", "node", "model", "network_nodes", "service", "links", "docks", "dock", "handling_s"]
                                 + (category == .machine ? ["cycle_s"] : []))
        let id = try m.required("id").identifier()
        let kind = try m.optional("kind")?.identifier()
        let binding = try parseBinding(m, owner: item, modelIds: modelIds, required: true)
        var declaration = PlantManifest.EntityDeclaration(id: id, category: category, kind: kind, binding: binding, line: item.line)
        // The network nodes that serve it (a station's, a machine's dock): declared, not guessed.
        if let field = m.optional("network_nodes") {
            for n in try field.sequence() {
                let nodeId = try n.string()
                guard network.node(id: nodeId) != nil else { throw n.error("unknown network node '\(nodeId)'") }
                declaration.networkNodes.append(nodeId)
            }
        }
        declaration.docks = try parseDocks(m, network: network)
        declaration.cycleSeconds = try m.optional("cycle_s")?.positiveDouble()
        for s in try m.optional("service")?.sequence() ?? [] {
            let a = try s.mapping(allowed: ["side", "depth_m"])
            let sideField = try a.required("side")
            let sideText = try sideField.string()
            guard let side = ServiceArea.Side(rawValue: sideText) else {
                throw sideField.error("unknown side '\(sideText)' (expected one of: \(ServiceArea.Side.allCases.map(\.rawValue).joined(separator: ", ")); +y is north)")
            }
            declaration.serviceAreas.append(ServiceArea(side: side, depth: try a.optional("depth_m")?.positiveDouble()))
        }
        for l in try m.optional("links")?.sequence() ?? [] {
            // `ST-3`, or `{to: ST-3, within_m: 1.5}`.
            if case .scalar = l.node {
                declaration.links.append(MaterialLink(to: try l.identifier()))
            } else {
                let a = try l.mapping(allowed: ["to", "within_m"])
                declaration.links.append(MaterialLink(to: try a.required("to").identifier(), within: try a.optional("within_m")?.nonNegativeDouble()))
            }
        }
        return declaration
    }

    /// `docks: {in: NODE, out: NODE}` or `dock: NODE`, with `handling_s:` beside.
    private func parseDocks(_ m: ManifestMapping, network: AGVNetwork) throws(LayoutError) -> Docks? {
        func node(_ f: ManifestField) throws(LayoutError) -> String {
            let id = try f.string()
            guard network.node(id: id) != nil else { throw f.error("unknown network node '\(id)'") }
            return id
        }
        let handling = try m.optional("handling_s")?.nonNegativeDouble()
        switch (m.optional("docks"), m.optional("dock")) {
        case (let d?, nil):
            let a = try d.mapping(allowed: ["in", "out"])
            let inbound = try a.optional("in").map { f throws(LayoutError) in try node(f) }
            let outbound = try a.optional("out").map { f throws(LayoutError) in try node(f) }
            guard inbound != nil || outbound != nil else { throw d.error("give 'in', 'out' or both (network nodes)") }
            return Docks(inbound: inbound ?? outbound!, outbound: outbound ?? inbound!, handlingSeconds: handling)
        case (nil, let d?):
            let id = try node(d)
            return Docks(inbound: id, outbound: id, handlingSeconds: handling)
        case (nil, nil):
            if let h = m.optional("handling_s") { throw h.error("'handling_s' needs 'docks' or 'dock'") }
            return nil
        case (_?, let d?):
            throw d.error("give either 'docks' or 'dock', not both")
        }
    }

    private func parseBinding(_ m: ManifestMapping, owner: ManifestField, modelIds: Set<String>,
                              required: Bool) throws(LayoutError) -> PlantManifest.Binding {
        switch (m.optional("node"), m.optional("model")) {
        case (let node?, nil):
            let path = try node.string()
            let modelId = String(path.split(separator: "/", maxSplits: 1).first ?? "")
            guard modelIds.contains(modelId) else {
                throw node.error("node path '\(path)' does not start with a model id (known: \(modelIds.sorted().joined(separator: ", ")))")
            }
            return .node(path)
        case (nil, let model?):
            let id = try model.string()
            guard modelIds.contains(id) else { throw model.error("unknown model '\(id)'") }
            return .model(id)
        case (nil, nil):
            if required { throw owner.error("needs either 'node' (a node path MODEL/...) or 'model' (a model id)") }
            return .none
        case (_?, _?):
            throw owner.error("give either 'node' or 'model', not both")
        }
    }

    private func parseAGV(_ item: ManifestField, network: AGVNetwork,
                          modelIds: Set<String>) throws(LayoutError) -> (PlantManifest.EntityDeclaration, String?) {
        let m = try item.mapping(allowed: ["id", "kind", "footprint", "factsheet", "envelope", "model", "start", "pose", "manufacturer", "serial_number",
                                           "margin", "load", "reference", "speed_mps", "rotation_speed_radps", "load_types"])
        let id = try m.required("id").identifier()
        // The body from a VDA 5050 factsheet: its envelope (the convex hull of the set chosen, the
        // loaded one for an AGV with a load), else its length and width; heightMax; speedMax.
        var sheet: VDA5050Factsheet?
        if let factsheetField = m.optional("factsheet") {
            if m.optional("footprint") != nil { throw try m.required("footprint").error("give 'footprint' or 'factsheet', not both") }
            let given = try factsheetField.string()
            let path = try resolve(given, at: factsheetField)
            do throws(FactsheetError) { sheet = try VDA5050Factsheet.read(path: path) } catch {
                throw factsheetField.error("\(given): \(error.message)")
            }
        } else if let envelope = m.optional("envelope") {
            throw envelope.error("'envelope' chooses within a factsheet: give 'factsheet' too")
        }
        let footprint: AGVFootprint
        if let sheet {
            let setName = try m.optional("envelope")?.string()
            if let setName, !sheet.envelopes.contains(where: { $0.set == setName }) {
                throw try m.required("envelope").error("the factsheet has no envelope '\(setName)' (its sets: \(sheet.envelopes.isEmpty ? "none" : sheet.envelopes.map(\.set).joined(separator: ", ")))")
            }
            if let envelope = sheet.envelope(named: setName, loaded: m.optional("load") != nil) {
                footprint = AGVFootprint(polygon: envelope.polygon, height: sheet.heightMax)
            } else {
                footprint = AGVFootprint(length: sheet.length, width: sheet.width, height: sheet.heightMax)
            }
        } else {
            footprint = try parseFootprint(try m.required("footprint"))
        }
        var pose: Pose2D?
        switch (m.optional("start"), m.optional("pose")) {
        case (let start?, nil):
            let nodeId = try start.string()
            guard let node = network.node(id: nodeId) else { throw start.error("unknown network node '\(nodeId)'") }
            pose = Pose2D(x: node.x, y: node.y, theta: node.theta ?? 0)
        case (nil, let poseField?):
            let p = try poseField.mapping(allowed: ["x", "y", "theta"])
            pose = Pose2D(x: try p.required("x").double(), y: try p.required("y").double(),
                          theta: try p.optional("theta")?.double() ?? 0)
        case (nil, nil):
            pose = nil
        case (_?, _?):
            throw item.error("give either 'start' (a network node) or 'pose', not both")
        }
        var modelFile: String?
        if let model = m.optional("model") {
            modelFile = try model.string()
            guard pose != nil else { throw model.error("an AGV with a model needs a 'start' node or a 'pose' to place it") }
        }
        var agv = PlantManifest.EntityDeclaration(
            id: id, category: .agv, kind: try m.optional("kind")?.identifier(), binding: .none,
            footprint: footprint, pose: pose, manufacturer: try m.optional("manufacturer")?.string(),
            serialNumber: try m.optional("serial_number")?.string(), line: item.line)
        agv.margin = try m.optional("margin")?.nonNegativeDouble()
        if let load = m.optional("load") {
            let l = try load.mapping(allowed: ["length", "width"])
            agv.load = SIMD2(try l.required("length").positiveDouble(), try l.required("width").positiveDouble())
        }
        let speed = try m.optional("speed_mps")?.positiveDouble() ?? sheet?.speedMax, rotation = try m.optional("rotation_speed_radps")?.positiveDouble()
        if speed != nil || rotation != nil {
            agv.drive = AGVDrive(speed: speed ?? AGVDrive.standard.speed, rotationSpeed: rotation ?? AGVDrive.standard.rotationSpeed)
        }
        for t in try m.optional("load_types")?.sequence() ?? [] { agv.loadTypes.append(try t.identifier()) }
        if let reference = m.optional("reference") {
            let v = try reference.doubles(counts: 2...2)
            agv.referenceOffset = SIMD2(v[0], v[1])
        }
        return (agv, modelFile)
    }

    /// `footprint: {length, width, height}` or `{height, polygon: [[x, y], ...]}` (convex).
    private func parseFootprint(_ footprintField: ManifestField) throws(LayoutError) -> AGVFootprint {
        let f = try footprintField.mapping(allowed: ["length", "width", "height", "polygon"])
        if let polygonField = f.optional("polygon") {
            guard f.optional("length") == nil && f.optional("width") == nil else {
                throw footprintField.error("give either 'polygon' or 'length' and 'width', not both")
            }
            var corners: [SIMD2<Double>] = []
            for corner in try polygonField.sequence() {
                let v = try corner.doubles(counts: 2...2)
                corners.append(SIMD2(v[0], v[1]))
            }
            guard corners.count >= 3 else { throw polygonField.error("a footprint polygon needs at least 3 corners, found \(corners.count)") }
            // Convex, and counterclockwise: every turn the same way.
            var sign = 0.0
            for i in corners.indices {
                let a = corners[i], b = corners[(i + 1) % corners.count], c = corners[(i + 2) % corners.count]
                let turn = (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x)
                if turn == 0 { continue }
                if sign == 0 { sign = turn } else if (turn > 0) != (sign > 0) {
                    throw polygonField.error("the footprint polygon must be convex")
                }
            }
            guard sign != 0 else { throw polygonField.error("the footprint polygon has no area") }
            if sign < 0 { corners.reverse() }
            return AGVFootprint(polygon: corners, height: try f.required("height").positiveDouble())
        }
        return AGVFootprint(length: try f.required("length").positiveDouble(),
                            width: try f.required("width").positiveDouble(),
                            height: try f.required("height").positiveDouble())
    }

    private func parseNetwork(_ field: ManifestField?) throws(LayoutError) -> AGVNetwork {
        guard let field else { return AGVNetwork() }
        let m = try field.mapping(allowed: ["nodes", "edges", "parking", "lif", "layout", "vehicle_type"])
        if let lif = m.optional("lif") {
            // The network from a VDMA LIF file: its nodes and edges, no list of ours beside them.
            for key in ["nodes", "edges"] where m.optional(key) != nil {
                throw try m.required(key).error("give the network's nodes and edges here or in the LIF file, not both")
            }
            let given = try lif.string()
            let path = try resolve(given, at: lif)
            let layoutId = try m.optional("layout")?.string(), vehicleType = try m.optional("vehicle_type")?.string()
            let imported: LIFImport
            do throws(LIFError) {
                imported = try LIFImport(try LIFDocument.read(path: path), file: given, layoutId: layoutId, vehicleType: vehicleType)
            } catch {
                let more = error.problems.count > 1 ? " (and \(error.problems.count - 1) more problems: twin import lif lists them)" : ""
                throw lif.error("\(error.file): \(error.problems.first ?? "invalid")\(more)")
            }
            var network = imported.network
            network.parking = try parseParking(m, network: network)
            return network
        }
        for key in ["layout", "vehicle_type"] where m.optional(key) != nil {
            throw try m.required(key).error("'\(key)' chooses within a LIF file: give 'lif' too")
        }
        var nodes: [AGVNetwork.Node] = []
        var nodeIds = IdRegistry()
        for item in try m.optional("nodes")?.sequence() ?? [] {
            let n = try item.mapping(allowed: ["id", "x", "y", "theta"])
            let theta = try n.optional("theta")?.double()
            if let theta, abs(theta) > VDA5050Order.maximumAngle {
                throw try n.required("theta").error("must lie within -π and π radians (VDA 5050: ±3.14159265359), found \(theta)")
            }
            let node = AGVNetwork.Node(id: try n.required("id").identifier(), x: try n.required("x").double(),
                                       y: try n.required("y").double(), theta: theta,
                                       line: item.line)
            try nodeIds.claim(node.id, in: "network node", at: item)
            nodes.append(node)
        }
        let byId = Dictionary(nodes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var edges: [AGVNetwork.Edge] = []
        var edgeIds = IdRegistry()
        for item in try m.optional("edges")?.sequence() ?? [] {
            let e = try item.mapping(allowed: ["id", "start", "end", "trajectory", "bidirectional"])
            let startField = try e.required("start"), endField = try e.required("end")
            let start = try startField.string(), end = try endField.string()
            guard let a = byId[start] else { throw startField.error("unknown network node '\(start)'") }
            guard let b = byId[end] else { throw endField.error("unknown network node '\(end)'") }
            guard start != end else { throw endField.error("an edge must join two different nodes") }
            let id = try e.optional("id")?.identifier() ?? "\(start)-\(end)"
            var trajectory: NURBSCurve?
            if let t = e.optional("trajectory") {
                let curve = try parseNURBS(t)
                for (end, node) in [(curve.startPoint, a), (curve.endPoint, b)] {
                    let d = end - node.position
                    let gap = (d.x * d.x + d.y * d.y).squareRoot()
                    guard gap <= Self.trajectoryEndTolerance else {
                        throw t.error(String(format: "the trajectory ends at (%.3f, %.3f), %.3f m from node '%@' at (%.3f, %.3f)",
                                             end.x, end.y, gap, node.id, node.x, node.y))
                    }
                }
                trajectory = curve
            }
            let edge = AGVNetwork.Edge(id: id, start: start, end: end, trajectory: trajectory,
                                       bidirectional: try e.optional("bidirectional")?.bool() ?? false, line: item.line)
            try edgeIds.claim(edge.id, in: "network edge", at: item)
            edges.append(edge)
        }
        var network = AGVNetwork(nodes: nodes, edges: edges)
        network.parking = try parseParking(m, network: network)
        return network
    }

    /// `parking:`, places of `network`, each once.
    private func parseParking(_ m: ManifestMapping, network: AGVNetwork) throws(LayoutError) -> [String] {
        var parking: [String] = []
        for item in try m.optional("parking")?.sequence() ?? [] {
            let id = try item.string()
            guard network.node(id: id) != nil else { throw item.error("unknown network node '\(id)'") }
            guard !parking.contains(id) else { throw item.error("parking place '\(id)' is listed twice") }
            parking.append(id)
        }
        return parking
    }

    /// A NURBS as VDA 5050 writes it: `degree`, `knot_vector`, `control_points` of {x, y, weight}.
    private func parseNURBS(_ field: ManifestField) throws(LayoutError) -> NURBSCurve {
        let t = try field.mapping(allowed: ["degree", "knot_vector", "control_points"])
        let degree = try t.required("degree").int()
        let knotsField = try t.required("knot_vector")
        let knots = try knotsField.doubles(counts: 0...100_000)
        var points: [NURBSCurve.ControlPoint] = []
        for item in try t.required("control_points").sequence() {
            let p = try item.mapping(allowed: ["x", "y", "weight"])
            points.append(NURBSCurve.ControlPoint(x: try p.required("x").double(), y: try p.required("y").double(),
                                                  weight: try p.optional("weight")?.positiveDouble() ?? 1))
        }
        do {
            return try NURBSCurve(degree: degree, knots: knots, controlPoints: points)
        } catch {
            throw field.error("malformed NURBS: \(error)")
        }
    }

    /// `{id, box: {position, size, yaw_deg}}` or `{id, cylinder: {position, radius, height}}`.
    private func parseObstacle(_ item: ManifestField) throws(LayoutError) -> SketchedObstacle {
        let m = try item.mapping(allowed: ["id", "box", "cylinder"])
        let id = try m.required("id").identifier()
        switch (m.optional("box"), m.optional("cylinder")) {
        case (let box?, nil):
            let b = try box.mapping(allowed: ["position", "size", "yaw_deg"])
            let sizeField = try b.required("size")
            let size = try sizeField.doubles(counts: 3...3)
            guard size.allSatisfy({ $0 > 0 }) else { throw sizeField.error("sizes must be greater than zero") }
            return SketchedObstacle(id: id, position: try b.required("position").floorPoint(),
                                    shape: .box(size: SIMD3(size[0], size[1], size[2]), yawDegrees: try b.optional("yaw_deg")?.double() ?? 0),
                                    line: item.line)
        case (nil, let cylinder?):
            let c = try cylinder.mapping(allowed: ["position", "radius", "height"])
            return SketchedObstacle(id: id, position: try c.required("position").floorPoint(),
                                    shape: .cylinder(radius: try c.required("radius").positiveDouble(), height: try c.required("height").positiveDouble()),
                                    line: item.line)
        default:
            throw item.error("give exactly one of 'box' or 'cylinder'")
        }
    }

    private func parseRoute(_ item: ManifestField, network: AGVNetwork, agvIds: Set<String>) throws(LayoutError) -> Route {
        let m = try item.mapping(allowed: ["id", "nodes", "agv"])
        let id = try m.required("id").identifier()
        let nodesField = try m.required("nodes")
        var nodes: [String] = []
        for n in try nodesField.sequence() {
            let nodeId = try n.string()
            guard network.node(id: nodeId) != nil else { throw n.error("unknown network node '\(nodeId)'") }
            if let previous = nodes.last, network.edge(from: previous, to: nodeId) == nil {
                throw n.error("no edge leads from '\(previous)' to '\(nodeId)'")
            }
            nodes.append(nodeId)
        }
        guard nodes.count >= 2 else { throw nodesField.error("a route needs at least two nodes") }
        var agv: String?
        if let field = m.optional("agv") {
            let name = try field.string()
            guard agvIds.contains(name) else { throw field.error("unknown AGV '\(name)'") }
            agv = name
        }
        return Route(id: id, nodes: nodes, agv: agv, line: item.line)
    }

    private func parseDoor(_ item: ManifestField) throws(LayoutError) -> Door {
        let m = try item.mapping(allowed: ["id", "from", "to", "height_m", "exit"])
        let fromField = try m.required("from"), toField = try m.required("to")
        let a = try fromField.doubles(counts: 2...2), b = try toField.doubles(counts: 2...2)
        let door = Door(id: try m.required("id").identifier(), from: SIMD2(a[0], a[1]), to: SIMD2(b[0], b[1]),
                        height: try m.optional("height_m")?.positiveDouble(), exit: try m.optional("exit")?.bool() ?? false, line: item.line)
        guard door.width > 0.01 else { throw toField.error("a door's opening runs from 'from' to 'to': the two lie \(door.width) m apart") }
        return door
    }

    private func parseZone(_ item: ManifestField) throws(LayoutError) -> Zone {
        let m = try item.mapping(allowed: ["id", "kind", "polygon"])
        let id = try m.required("id").identifier()
        let kindField = try m.required("kind")
        let kindText = try kindField.string()
        guard let kind = Zone.Kind(rawValue: kindText) else {
            throw kindField.error("unknown zone kind '\(kindText)' (expected one of: \(Zone.Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let zone = Zone(id: id, kind: kind, polygon: try floorPolygon(try m.required("polygon")), line: item.line)
        return zone
    }

    /// A polygon on the floor: three or more [x, y] corners enclosing some area.
    private func floorPolygon(_ polygonField: ManifestField) throws(LayoutError) -> [SIMD2<Double>] {
        var polygon: [SIMD2<Double>] = []
        for corner in try polygonField.sequence() {
            let v = try corner.doubles(counts: 2...2)
            polygon.append(SIMD2(v[0], v[1]))
        }
        guard polygon.count >= 3 else { throw polygonField.error("a polygon needs at least 3 corners, found \(polygon.count)") }
        guard abs(Zone(id: "", kind: .walkway, polygon: polygon).signedArea) > 1e-9 else { throw polygonField.error("the polygon has no area") }
        return polygon
    }

    private func parseCamera(_ item: ManifestField) throws(LayoutError) -> CameraDefinition {
        let m = try item.mapping(allowed: ["name", "eye", "target", "up", "fov_deg", "ortho_height"])
        let name = try m.required("name").identifier()
        let eye = try m.required("eye").doubles(counts: 3...3)
        let target = try m.required("target").doubles(counts: 3...3)
        let up = try m.optional("up")?.doubles(counts: 3...3) ?? [0, 0, 1]
        let eyeV = SIMD3(eye[0], eye[1], eye[2]), targetV = SIMD3(target[0], target[1], target[2])
        let upV = SIMD3(up[0], up[1], up[2])
        let forward = targetV - eyeV
        guard simdLength(forward) > 1e-9 else { throw item.error("eye and target are the same point") }
        guard simdLength(simdCross(forward, upV)) > 1e-9 * simdLength(forward) * max(simdLength(upV), 1e-300) else {
            throw item.error("'up' is zero or parallel to the view direction")
        }
        let projection: CameraDefinition.Projection
        switch (m.optional("fov_deg"), m.optional("ortho_height")) {
        case (let fov?, nil):
            let degrees = try fov.double()
            guard degrees > 0 && degrees < 180 else { throw fov.error("must be between 0 and 180 degrees, found \(degrees)") }
            projection = .perspective(fovDegrees: degrees)
        case (nil, let height?):
            projection = .orthographic(height: try height.positiveDouble())
        default:
            throw item.error("give exactly one of 'fov_deg' (perspective) or 'ortho_height' (orthographic)")
        }
        return CameraDefinition(name: name, eye: eyeV, target: targetV, up: upV, projection: projection, line: item.line)
    }

    // MARK: Helpers

    /// The items of a list section, each parsed and its id checked for uniqueness in `namespace`.
    private func parseList<T>(_ section: ManifestField?, namespace: String, id: (T) -> String,
                              _ parse: (ManifestField) throws(LayoutError) -> T) throws(LayoutError) -> [T] {
        var ids = IdRegistry()
        var items: [T] = []
        for field in try section?.sequence() ?? [] {
            let item = try parse(field)
            try ids.claim(id(item), in: namespace, at: field)
            items.append(item)
        }
        return items
    }

    /// A color written "#rrggbb" (sRGB), as 0...1 components.
    static func color(_ field: ManifestField) throws(LayoutError) -> SIMD3<Float> {
        let text = try field.string()
        let hex = text.hasPrefix("#") ? String(text.dropFirst()) : ""
        guard hex.count == 6, let value = UInt32(hex, radix: 16) else {
            throw field.error("expected a color as #rrggbb, found '\(text)'")
        }
        return SIMD3(Float((value >> 16) & 0xff), Float((value >> 8) & 0xff), Float(value & 0xff)) / 255
    }

    /// Resolves a model path against the manifest's folder and checks that the file is there.
    private func resolve(_ path: String, at field: ManifestField) throws(LayoutError) -> String {
        // Absolute and canonical, as model paths always were: the same model reached through
        // another manifest path (relative, '..', a link) is the same file to the diff.
        let resolved = FilePaths.absolute(FilePaths.resolve(path, besides: file))
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw LayoutError.manifest(file: file, line: field.line, field: field.field, message: "file not found: \(path)")
        }
        return resolved
    }

    static func describe(_ error: YamlError, file: String) -> LayoutError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let detail = context.map { "\($0.text) \(problem)" } ?? problem
            return .manifest(file: file, line: mark.line, field: "", message: "not valid YAML: \(detail)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return .manifest(file: file, line: context.mark.line, field: "",
                             message: "duplicate key\(duplicates.count > 1 ? "s" : "") \(duplicates.map { "'\($0)'" }.joined(separator: ", "))")
        default:
            return .manifest(file: file, line: nil, field: "", message: "not valid YAML: \(error)")
        }
    }
}

/// Remembers ids of one namespace and rejects a second use, naming the first.
struct IdRegistry {
    private var lines: [String: Int?] = [:]

    mutating func claim(_ id: String, in namespace: String, at field: ManifestField) throws(LayoutError) {
        if let first = lines[id] {
            throw field.error("duplicate \(namespace) id '\(id)'\(first.map { " (first declared on line \($0))" } ?? "")")
        }
        lines[id] = field.line
    }
}
