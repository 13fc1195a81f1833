import TwinJSON
import Foundation
import TwinCollision
import TwinGeometry
import TwinLayout
import TwinRender
import TwinState

/// Plays a scenario on a simulated clock, as fast as the work allows: applies its updates and
/// edits, moves AGVs along their drives a step at a time (each pose an update in the history),
/// renders frames, checks routes and evaluates assertions, and writes what happened into a
/// ``ScenarioReport``.
public struct ScenarioPlayer {
    public let scenario: Scenario
    public private(set) var twin: Twin
    /// Where frames and images go.
    public let outputDirectory: String
    /// The version the frames' Software text chunk names.
    public var software = "library"

    struct ActiveDrive {
        var drive: Scenario.Drive
        var path: AGVPath
        /// For each path segment, the index in `drive.nodes` of the node it leaves from.
        var segmentNode: [Int]
        var start: Timestamp
        var body: AGVBody
        var arrived = false

        func s(at time: Timestamp) -> Double { min(max(time.seconds(since: start) * drive.speed, 0), path.length) }
    }

    var drives: [String: ActiveDrive] = [:]
    /// Route checks of the layout as it is: cleared by every layout edit.
    var routeResults: [RouteResult]?
    var fleetMembers: [String: FleetCheck.Member] = [:]
    var report: ScenarioReport

    public init(scenario: Scenario, twin: Twin, outputDirectory: String) {
        self.scenario = scenario
        self.twin = twin
        self.outputDirectory = outputDirectory
        report = ScenarioReport(name: scenario.name, description: scenario.description, file: scenario.file,
                                plant: twin.plant.name, start: scenario.start, end: scenario.start)
    }

    /// Plays the whole scenario. `progress` hears the fraction of simulated time done; when
    /// `shouldStop` says so (checked after every step), the play ends there and the report, marked
    /// interrupted, holds what was played.
    public mutating func play(progress: (Double) -> Void = { _ in }, shouldStop: () -> Bool = { false }) throws(TwinError) -> ScenarioReport {
        let wallStart = ContinuousClock.now
        var clock = scenario.start
        twin.advanceClock(to: clock)
        var next = 0
        let events = scenario.events
        let lastEvent = events.last?.time ?? scenario.start
        while true {
            let driving = drives.values.contains { !$0.arrived }
            let end = scenario.end ?? max(lastEvent, driving ? Timestamp(milliseconds: .max) : lastEvent)
            var target = next < events.count ? events[next].time : end
            if driving { target = min(target, clock.adding(seconds: scenario.stepSeconds)) }
            target = min(target, end)
            if target > clock || (target == clock && next < events.count && events[next].time == clock) {
                try moveAGVs(to: target)
                clock = target
                twin.advanceClock(to: clock)
            }
            while next < events.count && events[next].time <= clock {
                try perform(events[next])
                next += 1
            }
            let total = max(1, (scenario.end ?? lastEvent).seconds(since: scenario.start))
            progress(min(1, clock.seconds(since: scenario.start) / total))
            if shouldStop() {
                report.interrupted = true
                break
            }
            // Done when every event has happened and the clock stands at the end: the given one,
            // else when the last drive arrived.
            if next >= events.count {
                if let end = scenario.end { if clock >= end { break } } else if !drives.values.contains(where: { !$0.arrived }) { break }
            }
        }
        report.end = clock
        report.updatesApplied = twin.state.sequence
        report.wallSeconds = (ContinuousClock.now - wallStart).seconds
        return report
    }

    // MARK: Driving

    /// Moves every driving AGV to where it is at `time`: one pose update each, in one commit.
    mutating func moveAGVs(to time: Timestamp) throws(TwinError) {
        var updates: [Update] = []
        for (agv, var active) in drives.sorted(by: { $0.key < $1.key }) where !active.arrived {
            let s = active.s(at: time)
            let pose = active.path.pose(at: s)
            let arrived = s >= active.path.length
            let segment = arrived ? active.path.segments.count - 1 : active.path.segmentIndex(at: s)
            let lastNode = arrived ? active.drive.nodes.last! : active.drive.nodes[active.segmentNode[max(0, min(segment, active.segmentNode.count - 1))]]
            updates.append(Update(time: time, action: .set(entity: agv, changes: [
                .pose(pose), .velocity(SIMD3(arrived ? 0 : active.drive.speed, 0, 0)), .driving(!arrived), .lastNode(lastNode),
            ])))
            if arrived { active.arrived = true }
            drives[agv] = active
        }
        guard !updates.isEmpty else { return }
        let outcome: [StateError?]
        do { outcome = try twin.apply(updates) } catch { throw .state(error) }
        if let error = outcome.compactMap({ $0 }).first { throw .scenario(file: scenario.file, line: nil, .state(error)) }
    }

    mutating func startDrive(_ drive: Scenario.Drive, at time: Timestamp, line: Int?) throws(TwinError) {
        let layout = twin.layout
        guard let entity = layout.entity(id: drive.agv), let (body, _) = PlantCollision.body(of: entity, plant: layout) else {
            throw .drive(file: scenario.file, line: line, "AGV '\(drive.agv)' has no footprint to drive with")
        }
        let path: AGVPath
        do {
            (path, _) = try PlantCollision.pathWithEdges(of: Route(id: drive.name, nodes: drive.nodes), in: drive.orderNetwork ?? layout.network)
        } catch {
            throw .drive(file: scenario.file, line: line, "drive of \(drive.agv) along \(drive.name): \(error)")
        }
        // The node each segment leaves from: a new edge begins at every segment that is not a turn
        // on the spot (a turn belongs to the edge it turns onto).
        var segmentNode: [Int] = []
        var node = 0
        for segment in path.segments {
            segmentNode.append(min(node, drive.nodes.count - 1))
            if case .turn = segment { continue }
            node += 1
        }
        drives[drive.agv] = ActiveDrive(drive: drive, path: path, segmentNode: segmentNode, start: time, body: body)
        // Every drive of the AGV so far is a leg of its timeline: `no AGV conflicts` sees them all.
        let leg = FleetCheck.Member.Leg(body: body, path: path, speed: drive.speed, start: time.seconds(since: scenario.start))
        fleetMembers[drive.agv, default: FleetCheck.Member(name: drive.agv, legs: [])].legs.append(leg)
        let order: String? = drive.name == "nodes" ? nil : drive.name
        do {
            try twin.apply(Update(time: time, action: .set(entity: drive.agv, changes: [.order(order), .driving(true), .pose(path.pose(at: 0))])))
        } catch {
            throw .scenario(file: scenario.file, line: line, .state(error))
        }
        report.record(time, line, "drive", "\(drive.agv) sets off along \(drive.name) (\(String(format: "%.1f", path.length)) m at \(JSONWriter.number(drive.speed)) m/s, arrives \(time.adding(seconds: path.length / drive.speed)))")
    }

    // MARK: Events

    mutating func perform(_ event: Scenario.Event) throws(TwinError) {
        for action in event.actions {
            switch action {
            case .update(let update):
                do { try twin.apply(update) } catch { throw .scenario(file: scenario.file, line: event.line, .state(error)) }
                if case .edit = update.action { routeResults = nil }
                report.record(event.time, event.line, "update", update.summary)
            case .drive(let drive):
                try startDrive(drive, at: event.time, line: event.line)
            case .render(let render):
                try self.render(render, at: event.time, line: event.line)
            case .check(let check):
                let results = try checkRoutes(check.routes, line: event.line)
                report.checks.append(ScenarioReport.Check(time: event.time, line: event.line, routes: results.map(ScenarioReport.RouteOutcome.init)))
                var summary = results.map { "\($0.route.id) " + ($0.report.collides ? "COLLIDES" : $0.isViolation ? "within margin" : "clear") }.joined(separator: ", ")
                if let image = check.image {
                    let file = expand(image, at: event.time)
                    let image: Image
                    do { image = try ClearanceImage.render(twin, results: results) } catch { throw .output(path: file, message: error.description) }
                    try write(image, to: file)
                    report.frames.append(file)
                    summary += " (image \(relative(file)))"
                }
                report.record(event.time, event.line, "check", summary)
            case .assert(let condition):
                let (holds, actual) = try evaluate(condition, line: event.line)
                report.assertions.append(ScenarioReport.Assertion(time: event.time, line: event.line, condition: condition.description, passed: holds, actual: actual))
                report.record(event.time, event.line, "assert", "\(holds ? "PASS" : "FAIL") \(condition) (\(actual))")
            }
        }
    }

    mutating func render(_ render: Scenario.Render, at time: Timestamp, line: Int?) throws(TwinError) {
        let file = expand(render.file, at: time)
        let snapshot: Snapshot
        do {
            snapshot = try twin.render(SnapshotRequest(camera: .named(render.camera), width: render.width, height: render.height, samples: render.samples))
        } catch {
            throw .output(path: file, message: error.description)
        }
        try write(snapshot.image, to: file, text: snapshot.textChunks(version: software))
        report.frames.append(file)
        report.record(time, line, "render", "\(render.camera) -> \(relative(file))")
    }

    /// Every route checked once per layout: a check and an assertion at the same moment share it.
    mutating func checkRoutes(_ ids: [String]?, line: Int?) throws(TwinError) -> [RouteResult] {
        if routeResults == nil {
            do {
                var results = try twin.checkRoutes()
                // A route some AGV is driving in the scenario is checked with that AGV's body.
                for (k, result) in results.enumerated() {
                    if let driver = drives.values.first(where: { $0.drive.name == result.route.id && $0.drive.orderNetwork == nil })?.drive.agv,
                       driver != result.agv {
                        results[k] = try twin.checkRoutes([result.route.id], agv: driver)[0]
                    }
                }
                routeResults = results
            } catch {
                throw .drive(file: scenario.file, line: line, "route check: \(error)")
            }
        }
        guard let ids else { return routeResults! }
        return ids.compactMap { id in routeResults!.first { $0.route.id == id } }
    }

    mutating func evaluate(_ condition: Condition, line: Int?) throws(TwinError) -> (Bool, String) {
        switch condition {
        case .field:
            return condition.evaluate(in: twin.state)
        case .noAGVConflicts:
            let members = fleetMembers.values.sorted { $0.name < $1.name }
            guard members.count >= 2 else { return (true, "\(members.count) AGV driving") }
            let fleet = FleetCheck(members: members).check()
            if let c = fleet.conflicts.first {
                return (false, String(format: "%@ meet at (%.2f, %.2f), %.1f s after the start", c.agvs.joined(separator: " and "), c.position.x, c.position.y, c.time))
            }
            return (true, String(format: "smallest separation %.2f m", fleet.minimumSeparation))
        case .routesFree(let ids):
            let results = try checkRoutes(ids, line: line)
            let bad = results.filter(\.isViolation)
            if bad.isEmpty {
                let tightest = results.compactMap { r in r.report.minimumClearance.map { (r.route.id, $0.distance) } }.min { $0.1 < $1.1 }
                return (true, tightest.map { String(format: "smallest clearance %.3f m on %@", $0.1, $0.0) } ?? "clear")
            }
            return (false, bad.map(Self.describe).joined(separator: "; "))
        case .routeBlocked(let id):
            let results = try checkRoutes([id], line: line)
            return (results.contains(where: \.isViolation), results.map(Self.describe).joined(separator: "; "))
        }
    }

    static func describe(_ r: RouteResult) -> String {
        if let c = r.report.firstContact { return String(format: "%@ collides with %@ at s = %.2f m (x %.2f, y %.2f)", r.route.id, c.obstacle, c.s, c.pose.x, c.pose.y) }
        if !r.report.withinMargin.isEmpty { return "\(r.route.id) passes within \(JSONWriter.number(r.margin)) m of \(r.report.withinMargin.joined(separator: ", "))" }
        return "\(r.route.id) is clear"
    }

    func expand(_ file: String, at time: Timestamp) -> String {
        let text = time.description
        let hhmmss = String(text.dropFirst(11).prefix(8)).replacingOccurrences(of: ":", with: "")
        return (outputDirectory as NSString).appendingPathComponent(file.replacingOccurrences(of: "{time}", with: hhmmss))
    }

    /// A path inside the output folder as the scenario named it.
    func relative(_ path: String) -> String {
        path.hasPrefix(outputDirectory + "/") ? String(path.dropFirst(outputDirectory.count + 1)) : path
    }

    func write(_ image: Image, to file: String, text: [(key: String, value: String)] = []) throws(TwinError) {
        let folder = (file as NSString).deletingLastPathComponent
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw .output(path: folder, message: "cannot create the folder: " + WriteFailure.reason(writing: folder, error, creatingFolders: true))
        }
        do { try PNGEncoder.write(image, to: file, text: text) } catch {
            if case let .fileWrite(_, reason) = error { throw .output(path: file, message: "cannot write: \(reason)") }
            throw .output(path: file, message: error.description)
        }
    }
}

extension Update {
    /// A short account of the update for reports.
    var summary: String {
        switch action {
        case let .set(entity, changes):
            let parts = changes.compactMap { change -> String? in
                switch change {
                case .status(let s): return "status \(s.rawValue)"
                case .statusReasons(let reasons): return reasons.isEmpty ? nil : "reasons " + reasons.joined(separator: ", ")
                case let .signal(name, value):
                    switch value {
                    case let .number(v, unit): return "\(name) \(JSONWriter.number(v))\(unit.map { " \($0)" } ?? "")"
                    case .string(let text): return "\(name) \"\(text)\""
                    case .bool(let b): return "\(name) \(b)"
                    }
                case let .counter(name, v): return "\(name) = \(v)"
                case let .counterIncrement(name, v): return "\(name) += \(v)"
                case let .counterCorrection(name, v): return "\(name) corrected to \(v)"
                case .running(let running): return running ? "running" : "stopped"
                case .speed(let v): return "speed \(JSONWriter.number(v)) m/s"
                default: return change.field.replacingOccurrences(of: "set.", with: "")
                }
            }
            return "\(entity): " + parts.joined(separator: ", ")
        case .edit(let edit):
            switch edit {
            case let .move(id, p):
                var parts: [String] = []
                if let x = p.x { parts.append("x \(JSONWriter.number(x))") }
                if let y = p.y { parts.append("y \(JSONWriter.number(y))") }
                if p.dx != 0 { parts.append("dx \(JSONWriter.number(p.dx))") }
                if p.dy != 0 { parts.append("dy \(JSONWriter.number(p.dy))") }
                if p.theta != nil || p.dtheta != 0 { parts.append("turned") }
                return "moved \(id) (" + parts.joined(separator: ", ") + ")"
            case let .add(id, _, _, shape, pose):
                let look: String
                switch shape { case .like(let m): look = "like \(m)"; case .box(let s): look = "box \(JSONWriter.number(s.x)) x \(JSONWriter.number(s.y)) x \(JSONWriter.number(s.z)) m" }
                return "added \(id) (\(look)) at (\(JSONWriter.number(pose.x)), \(JSONWriter.number(pose.y)))"
            case .remove(let id): return "removed \(id)"
            case .addNode(let n): return "added node \(n.id)"
            case .removeNode(let id): return "removed node \(id)"
            case let .addEdge(id, from, to, _): return "added edge \(id) \(from) -> \(to)"
            case .removeEdge(let id): return "removed edge \(id)"
            }
        }
    }
}
