import ArgumentParser
import Foundation
import TwinCollision
import TwinGeometry
import TwinJSON
import TwinLayout
import TwinOperations
import TwinRender
import TwinState

struct StateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Print the state of a plant's entities, now or at any past moment.",
        discussion: """
            Reads the plant's history (written by twin apply, twin run, twin sync): the latest state, or with \
            --at the state when the plant clock reached that time. Without a history: the plant as loaded. \
            --json prints the state document that twin render --state reads.

            Examples:
              twin state Assets/demo/plant.yaml
              twin state Assets/demo/plant.yaml --at 2026-05-04T08:05:00Z --json
              twin state Assets/demo/plant.yaml --entity M-012 --entity AGV-01
            """)

    @Argument(help: "A plant.yaml manifest or a model file.")
    var plant: String

    @Option(help: "The moment, ISO 8601 (2026-05-04T08:15:00Z).", transform: TimeArgument.parse)
    var at: TimeArgument?

    @Option(name: .customLong("entity"), help: "Only these entities (repeat the option).")
    var entities: [String] = []

    @Flag(help: "Print the JSON state document.")
    var json = false

    @OptionGroup var history: HistoryOptions
    @OptionGroup var load: LoadOptions

    func run() throws {
        let loaded = try load.loadPlant(plant)
        let store = try history.openExisting(plant: loaded, at: plant)
        var state: PlantState
        do {
            if let store {
                state = try store.state(at: at?.value)
            } else {
                state = PlantState(plant: loaded)
                if let at { state.setClock(at.value) }
            }
        } catch {
            throw CLIFailure.badInput(error.description)
        }
        for id in entities where state.entity(id) == nil {
            throw CLIFailure.badInput("unknown entity '\(id)'")
        }
        if json {
            var document = state.document(showingData: true, noDataAfter: loaded.sync.noDataAfter)
            if !entities.isEmpty, case .object(var top) = document, case .object(let all)? = top["entities"] {
                let kept = JSONObject(all.members.filter { entities.contains($0.key) })
                top.members = top.members.map { $0.key == "entities" ? .init(key: "entities", value: .object(kept)) : $0 }
                document = .object(top)
            }
            if let calendar = loaded.calendar, let time = state.time, case .object(var top) = document {
                // Where the moment falls in the plant's calendar, after "time".
                let moment = calendar.moment(time.milliseconds)
                var o = JSONObject([.init(key: "moment", value: .string(moment.name))])
                if let p = moment.period {
                    o.append("shift", .string(p.name))
                    o.append("start", .string(Timestamp(milliseconds: p.start).description))
                    o.append("end", .string(Timestamp(milliseconds: p.end).description))
                }
                let at = (top.members.firstIndex { $0.key == "time" } ?? 0) + 1
                top.members.insert(.init(key: "calendar", value: .object(o)), at: min(at, top.members.count))
                document = .object(top)
            }
            print(JSONWriter.string(document, pretty: true))
            return
        }
        print("\(state.plantName) at \(state.time?.description ?? "the start (no updates)"), after update \(state.sequence)"
              + (store.map { " (history \($0.path))" } ?? " (no history)"))
        if let calendar = loaded.calendar, let time = state.time {
            print("calendar: " + calendar.moment(time.milliseconds).text(in: calendar))
        }
        let shown = state.entities.filter { entities.isEmpty ? true : entities.contains($0.id) }
        for record in shown {
            let line = Self.describe(record, data: record.state.data(at: state.time, noDataAfter: loaded.sync.noDataAfter))
            if !line.isEmpty || !entities.isEmpty { print(line.isEmpty ? "\(record.id.padding(toLength: 10, withPad: " ", startingAt: 0)) (no state)" : line) }
        }
        if state.hasLayoutEdits {
            let moved = state.entities.filter { $0.isMoved && !$0.removed && $0.shape == nil }.map(\.id)
            let added = state.entities.filter { $0.shape != nil && !$0.removed }.map(\.id)
            let removed = state.entities.filter(\.removed).map(\.id)
            var parts: [String] = []
            if !moved.isEmpty { parts.append("moved " + moved.joined(separator: ", ")) }
            if !added.isEmpty { parts.append("added " + added.joined(separator: ", ")) }
            if !removed.isEmpty { parts.append("removed " + removed.joined(separator: ", ")) }
            if state.networkEdited { parts.append("network edited (\(state.nodes.count) nodes, \(state.edges.count) edges)") }
            print("layout: " + parts.joined(separator: "; "))
        }
    }

    /// One line per entity with a state: status, signals, counters, conveyor and AGV fields; an
    /// entity whose data is not live says so first ("no data since T (silent); last known: ...").
    static func describe(_ record: PlantState.EntityRecord, data: DataState = .live) -> String {
        let s = record.state
        var parts: [String] = []
        if record.removed { parts.append("removed") }
        if s.updated != nil, let text = data.text { parts.append(text + "; last known:") }
        if let status = s.status {
            var text = status.rawValue
            if !s.statusReasons.isEmpty { text += " (" + s.statusReasons.joined(separator: ", ") + ")" }
            text += s.statusSince.map { " since \($0)" } ?? ""
            if s.stop == .planned { text += " [planned stop]" }
            parts.append(text)
        }
        if let running = s.running { parts.append(running ? "running" : "stopped") }
        if let speed = s.speed { parts.append(String(format: "%.2f m/s", speed)) }
        if record.category == .agv, s.updated != nil {
            if let p = s.agv.pose { parts.append(String(format: "at (%.2f, %.2f) heading %.0f deg", p.x, p.y, p.theta * 180 / .pi)) }
            if let driving = s.agv.driving { parts.append(driving ? "driving" : "standing") }
            if let battery = s.agv.battery { parts.append(String(format: "battery %.0f%%", battery)) }
            if let mode = s.agv.operatingMode { parts.append(mode.rawValue) }
            if let order = s.agv.order { parts.append("order \(order)") }
            if let node = s.agv.lastNode { parts.append("last node \(node)") }
            if !s.agv.loads.isEmpty { parts.append("loads " + s.agv.loads.map { $0.id ?? $0.type ?? "?" }.joined(separator: ",")) }
            for e in s.agv.errors { parts.append("\(e.level.rawValue) \(e.type)") }
        }
        for (name, value) in s.signals.sorted(by: { $0.key < $1.key }) {
            switch value {
            case let .number(v, unit): parts.append("\(name)=\(JSONWriter.number(v))\(unit.map { " \($0)" } ?? "")")
            case .string(let text): parts.append("\(name)=\(text)")
            case .bool(let b): parts.append("\(name)=\(b)")
            }
        }
        for (name, value) in s.counters.sorted(by: { $0.key < $1.key }) {
            if let r = s.counterResets[name] {
                parts.append("\(name)=\(value) (total \(s.total(ofCounter: name)!) across \(r.count) reset\(r.count == 1 ? "" : "s"))")
            } else {
                parts.append("\(name)=\(value)")
            }
        }
        guard !parts.isEmpty else { return "" }
        return "\(record.id.padding(toLength: 10, withPad: " ", startingAt: 0)) \(record.category.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) " + parts.joined(separator: "  ")
    }
}
