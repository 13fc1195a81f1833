import TwinJSON
import Foundation
import TwinGeometry
import TwinLayout
import TwinState
import Yams

extension Scenario {
    /// Reads a scenario file. Every error is one line: file, line, field, what is wrong.
    ///
    /// ```yaml
    /// name: Shift start
    /// plant: ../demo/plant.yaml
    /// start: 2026-05-04T05:55:00Z
    /// timeline:
    ///   - at: "06:00"                       # time of day on the start date, +5m, or ISO 8601
    ///     set: {M-001: {status: running}}   # entity: fields, as in an update's "set"
    ///     edit: [{edit: move, entity: M-012, dx: 1.5}]
    ///     drive: [{agv: AGV-01, route: R-LOOP, speed_mps: 1.2}]
    ///     render: {camera: iso, file: "shift-{time}.png", size: 1280x720}
    ///     check: routes
    ///     assert: ["M-001.status == running", "no AGV conflicts"]
    ///   - every: 5m
    ///     from: "06:00"
    ///     until: "06:30"
    ///     render: {camera: plan, file: "plan-{time}.png"}
    /// ```
    ///
    /// Throws ``TwinError/scenarioFile(file:line:field:message:)`` naming the file, line and
    /// field; a plant that cannot be loaded is said in its own words.
    public static func load(path: String, plant loadPlant: ((String) throws(LayoutError) -> Plant)? = nil) throws(TwinError) -> Scenario {
        do throws(LayoutError) {
            return try read(path: path, plant: loadPlant)
        } catch {
            let place = error.place
            throw .scenarioFile(file: place.file, line: place.line, field: place.field, message: place.message)
        }
    }

    static func read(path: String, plant loadPlant: ((String) throws(LayoutError) -> Plant)?) throws(LayoutError) -> Scenario {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw .fileNotFound(path: path, referencedFrom: nil, line: nil)
        }
        let top = try ManifestField.document(text, file: path, emptyMessage: "the scenario file is empty")
            .mapping(allowed: ["name", "description", "plant", "start", "end", "step_s", "timeline"])
        func resolve(_ file: String) -> String { FilePaths.absolute(FilePaths.resolve(file, besides: path)) }
        let startField = try top.required("start")
        guard let start = Timestamp(iso8601: try startField.string()) else {
            throw startField.error("expected an ISO 8601 time such as 2026-05-04T06:00:00Z")
        }
        let plantField = try top.required("plant")
        let plantPath = resolve(try plantField.string())
        guard FileManager.default.fileExists(atPath: plantPath) else {
            throw .fileNotFound(path: plantPath, referencedFrom: path, line: plantField.line)
        }
        var scenario = Scenario(name: try top.optional("name")?.string() ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent,
                                description: try top.optional("description")?.string(), plantPath: plantPath, start: start, end: nil,
                                stepSeconds: try top.optional("step_s")?.positiveDouble() ?? 1, events: [], file: path)
        if let endField = top.optional("end") {
            scenario.end = try time(endField, start: start)
            if scenario.end! < start { throw endField.error("the end lies before the start") }
        }
        let plant = try loadPlant.map { load throws(LayoutError) in try load(plantPath) }
        for entry in try top.required("timeline").sequence() {
            let m = try entry.mapping(allowed: ["at", "every", "from", "until", "set", "updates", "edit", "drive", "render", "check", "assert"])
            let times = try entryTimes(entry, m, top: top, start: start)
            if let first = times.first, first < start { throw (m.optional("at") ?? m.optional("from") ?? entry).error("lies before the scenario's start \(start)") }
            var actions: [Action] = []
            let at = times[0]
            if let set = m.optional("set") {
                guard case .mapping(let entities) = set.node else { throw set.error("expected a mapping of entity ids to fields") }
                for (key, value) in entities {
                    guard let id = key.string else { throw set.error("an entity id is not text") }
                    let field = set.child(value, id)
                    var changes: [Change] = []
                    let value = try field.json()
                    do throws(StateError) { try UpdateParser.changes(value, field: "set", into: &changes) } catch {
                        throw field.error(error.field.replacingOccurrences(of: "set.", with: "") + ": " + error.message)
                    }
                    actions.append(.update(Update(time: at, action: .set(entity: id, changes: changes))))
                }
            }
            if let updates = m.optional("updates") {
                actions += try timedUpdates(updates, at: at, what: "an update", expected: "an update (entity and set, or edit)", needsEdit: false)
            }
            if let edits = m.optional("edit") {
                actions += try timedUpdates(edits, at: at, what: "an edit", expected: "an edit such as {edit: move, entity: M-012, dx: 1.5}", needsEdit: true)
            }
            if let drives = m.optional("drive") {
                for item in try list(drives) {
                    let d = try item.mapping(allowed: ["agv", "route", "order", "nodes", "speed_mps"])
                    let agvField = try d.required("agv")
                    let agv = try agvField.identifier()
                    if let plant, plant.entity(id: agv)?.category != .agv { throw agvField.error("unknown AGV '\(agv)'") }
                    let speed = try d.required("speed_mps").positiveDouble()
                    var drive: Drive
                    switch (d.optional("route"), d.optional("order"), d.optional("nodes")) {
                    case (let r?, nil, nil):
                        let id = try r.identifier()
                        if let plant, plant.routes.first(where: { $0.id == id }) == nil {
                            throw r.error("unknown route '\(id)' (known: \(plant.routes.map(\.id).joined(separator: ", ")))")
                        }
                        drive = Drive(agv: agv, name: id, nodes: plant?.routes.first { $0.id == id }?.nodes ?? [], speed: speed)
                    case (nil, let o?, nil):
                        let order: VDA5050Order
                        let orderPath = resolve(try o.string())
                        do throws(LayoutError) { order = try VDA5050Order.load(path: orderPath, network: plant?.network) } catch { throw o.error(error.description) }
                        drive = Drive(agv: agv, name: order.orderId, nodes: order.nodeSequence, speed: speed, orderNetwork: order.network)
                    case (nil, nil, let n?):
                        var nodes: [String] = []
                        for node in try n.sequence() { nodes.append(try node.identifier()) }
                        guard nodes.count >= 2 else { throw n.error("a drive needs at least two nodes") }
                        drive = Drive(agv: agv, name: "nodes", nodes: nodes, speed: speed)
                    default:
                        throw item.error("give exactly one of route, order or nodes")
                    }
                    actions.append(.drive(drive))
                }
            }
            if let renders = m.optional("render") {
                for item in try list(renders) {
                    let r = try item.mapping(allowed: ["camera", "file", "size", "aa"])
                    var width = 1280, height = 720
                    if let size = r.optional("size") {
                        switch ImageSize.parse(try size.string(), minimumSide: 16, maximumPixels: Scenario.maximumFramePixels) {
                        case .success(let s): width = s.width; height = s.height
                        case .failure(let problem): throw size.error(problem.description)
                        }
                    }
                    let samples = try r.optional("aa")?.int() ?? 4
                    guard [1, 4, 8].contains(samples) else { throw try r.required("aa").error("must be 1, 4 or 8") }
                    let camera = try r.optional("camera")?.string() ?? "iso"
                    if let plant, !(["plan", "iso"] + plant.cameras.map(\.name)).contains(camera) {
                        throw try r.required("camera").error("unknown camera '\(camera)' (known: \((["plan", "iso"] + plant.cameras.map(\.name)).joined(separator: ", ")))")
                    }
                    let file = try r.required("file").string()
                    guard !file.hasPrefix("/"), !file.split(separator: "/").contains("..") else {
                        throw try r.required("file").error("a frame goes inside the output folder: give a relative path without '..'")
                    }
                    actions.append(.render(Render(camera: camera, file: file, width: width, height: height, samples: samples)))
                }
            }
            if let check = m.optional("check") {
                var routes: [String]?, image: String?
                switch check.node {
                case .scalar:
                    guard try check.string() == "routes" else { throw check.error("expected 'routes', a list of route ids, or {routes, image}") }
                case .sequence:
                    routes = try check.sequence().map { f throws(LayoutError) in try f.identifier() }
                default:
                    let c = try check.mapping(allowed: ["routes", "image"])
                    routes = try c.optional("routes").map { f throws(LayoutError) in try f.sequence().map { g throws(LayoutError) in try g.identifier() } }
                    image = try c.optional("image")?.string()
                }
                if let plant, let routes {
                    for id in routes where !plant.routes.contains(where: { $0.id == id }) { throw check.error("unknown route '\(id)'") }
                }
                actions.append(.check(Check(routes: routes, image: image)))
            }
            if let asserts = m.optional("assert") {
                for item in try list(asserts) {
                    switch Condition.parse(try item.string()) {
                    case .success(let condition):
                        if let plant {
                            if case let .field(id, _, _, _) = condition {
                                // Entities added by an edit earlier in the timeline are fine; others are typos.
                                var category = plant.entity(id: id)?.category
                                if category == nil {
                                    for action in scenario.events.flatMap(\.actions) + actions {
                                        if case .update(let u) = action, case .edit(.add(let a, let c, _, _, _)) = u.action, a == id { category = c }
                                    }
                                }
                                guard let category else { throw item.error("unknown entity '\(id)'") }
                                // A condition that could never hold or fail is a mistake, said at load.
                                if let problem = condition.problem(for: category) { throw item.error(problem) }
                            }
                            if case .routesFree(let ids?) = condition, let id = ids.first, !plant.routes.contains(where: { $0.id == id }) { throw item.error("unknown route '\(id)'") }
                            if case .routeBlocked(let id) = condition, !plant.routes.contains(where: { $0.id == id }) { throw item.error("unknown route '\(id)'") }
                        }
                        actions.append(.assert(condition))
                    case .failure(let error):
                        throw item.error(error.description)
                    }
                }
            }
            guard !actions.isEmpty else { throw entry.error("nothing happens here (give set, updates, edit, drive, render, check or assert)") }
            for t in times {
                // Repeated entries: the same actions at each time; updates carry their own time.
                let timed = actions.map { action -> Action in
                    if case .update(var u) = action { u.time = t; return .update(u) }
                    return action
                }
                scenario.events.append(Event(time: t, actions: timed, line: entry.line))
            }
        }
        // Events in time order; entries at the same time keep the order written.
        scenario.events = scenario.events.enumerated().sorted { a, b in
            a.element.time != b.element.time ? a.element.time < b.element.time : a.offset < b.offset
        }.map(\.element)
        if let end = scenario.end, let last = scenario.events.last, last.time > end {
            throw .manifest(file: path, line: last.line, field: "timeline", message: "an event at \(last.time) lies after the scenario's end \(end)")
        }
        return scenario
    }

    /// A single item or a list of them.
    /// The times of a timeline entry: its `at`, or each step of `every` from `from` (the start)
    /// until `until` (the scenario's end), at most 10,000.
    static func entryTimes(_ entry: ManifestField, _ m: ManifestMapping, top: ManifestMapping, start: Timestamp) throws(LayoutError) -> [Timestamp] {
        guard let every = m.optional("every") else { return [try time(try m.required("at"), start: start)] }
        guard m.optional("at") == nil else { throw entry.error("give 'at' or 'every', not both") }
        let step = try duration(every)
        guard step >= 0.001 else { throw every.error("must be a positive duration such as 30s, 5m or 1h") }
        let from = try m.optional("from").map { f throws(LayoutError) in try time(f, start: start) } ?? start
        guard let untilField = m.optional("until") ?? top.optional("end") else { throw entry.error("'every' needs 'until' (or the scenario's 'end')") }
        let until = try time(untilField, start: start)
        guard until >= from else { throw untilField.error("lies before 'from'") }
        guard until.seconds(since: from) / step <= 10_000 else { throw every.error("makes more than 10,000 events") }
        var times: [Timestamp] = []
        var t = from
        while t <= until { times.append(t); t = t.adding(seconds: step) }
        return times
    }

    /// The updates (or, with `needsEdit`, the layout edits) of an entry's list, each an update
    /// line without its `t`, which is the entry's time.
    static func timedUpdates(_ field: ManifestField, at: Timestamp, what: String, expected: String, needsEdit: Bool) throws(LayoutError) -> [Action] {
        var actions: [Action] = []
        for item in try field.sequence() {
            guard case .object(var o) = try item.json() else { throw item.error("expected \(expected)") }
            guard o["t"] == nil else { throw item.error("\(what) in a scenario takes the time of its entry; leave out 't'") }
            if needsEdit && o["edit"] == nil { throw item.error("missing 'edit' (move, add, remove, add_node, remove_node, add_edge, remove_edge)") }
            o.members.insert(.init(key: "t", value: .string(at.description)), at: 0)
            do throws(StateError) { actions.append(.update(try UpdateParser.update(from: .object(o)))) } catch {
                throw item.error("\(error.field.isEmpty ? "" : error.field + ": ")\(error.message)")
            }
        }
        return actions
    }

    static func list(_ field: ManifestField) throws(LayoutError) -> [ManifestField] {
        if case .sequence = field.node { return try field.sequence() }
        return [field]
    }

    /// `HH:MM[:SS]` on the start's date, `+90s`/`+5m`/`+1h30m` after the start, or ISO 8601.
    static func time(_ field: ManifestField, start: Timestamp) throws(LayoutError) -> Timestamp {
        let text = try field.string()
        if text.hasPrefix("+") {
            let seconds = try duration(field, text: String(text.dropFirst()))
            return start.adding(seconds: seconds)
        }
        if let t = Timestamp(iso8601: text) { return t }
        let parts = text.split(separator: ":").map { Int($0) }
        if (2...3).contains(parts.count), parts.allSatisfy({ $0 != nil }), let h = parts[0], let m = parts[1], h < 24, m < 60, (parts.count == 2 || parts[2]! < 60) {
            let day = start.milliseconds - ((start.milliseconds % 86_400_000) + 86_400_000) % 86_400_000
            let seconds = Int64(h * 3600 + m * 60 + (parts.count == 3 ? parts[2]! : 0))
            return Timestamp(milliseconds: day + seconds * 1000)
        }
        throw field.error("expected a time: HH:MM[:SS] on the start's date, +DURATION (such as +5m) or ISO 8601, found '\(text)'")
    }

    /// `90`, `90s`, `5m`, `1h30m`, `250ms`: seconds.
    static func duration(_ field: ManifestField, text given: String? = nil) throws(LayoutError) -> Double {
        let text: String
        if let given { text = given } else { text = try field.string() }
        if let plain = Double(text), plain.isFinite, plain >= 0 { return plain }
        var total = 0.0, number = "", rest = Substring(text)
        var matched = false
        while let c = rest.first {
            if c.isNumber || c == "." { number.append(c); rest = rest.dropFirst(); continue }
            let unit: Double, length: Int
            if rest.hasPrefix("ms") { unit = 0.001; length = 2 } else if c == "h" { unit = 3600; length = 1 } else if c == "m" { unit = 60; length = 1 } else if c == "s" { unit = 1; length = 1 } else {
                throw field.error("expected a duration such as 30s, 5m, 1h30m, found '\(text)'")
            }
            guard let value = Double(number) else { throw field.error("expected a duration such as 30s, 5m, 1h30m, found '\(text)'") }
            total += value * unit
            number = ""
            matched = true
            rest = rest.dropFirst(length)
        }
        guard matched, number.isEmpty else { throw field.error("expected a duration such as 30s, 5m, 1h30m, found '\(text)'") }
        return total
    }

}
