import TwinJSON
import Foundation
import TwinGeometry
import TwinLayout
import TwinState

/// Turns MQTT messages into updates: VDA 5050 `state`, `visualization` and `connection` messages
/// (major versions 2 and 3, as the manifest's `sync.vda5050.versions` names them) of the plant's
/// AGVs, matched by manufacturer and serial number, and machine topics as the manifest's `sync:`
/// section maps them.
public struct MessageMapper: Sendable {
    public let sync: SyncConfig
    /// AGV ids by "manufacturer/serialNumber".
    let agvs: [String: String]
    let categories: [String: EntityCategory]
    /// Payloads larger than this are skipped.
    public var maximumPayloadBytes = 64 * 1024

    public init(plant: Plant) {
        sync = plant.sync
        var agvs: [String: String] = [:]
        for entity in plant.entities where entity.category == .agv {
            if let m = entity.manufacturer, let s = entity.serialNumber { agvs["\(m)/\(s)"] = entity.id }
        }
        self.agvs = agvs
        categories = Dictionary(plant.entities.map { ($0.id, $0.category) }, uniquingKeysWith: { a, _ in a })
    }

    /// The topics to subscribe to.
    public var subscriptions: [String] {
        let vda = sync.majorVersions.flatMap { version in
            ["state", "visualization", "connection"].map { "\(sync.interfaceName)/\(version)/+/+/\($0)" }
        }
        return vda + sync.machines.map(\.subscription)
    }

    /// What a message gives: its update (or why none), and, for a VDA 5050 message whose position
    /// was left out because the vehicle says it is not localized, which AGV that was.
    public struct Mapped: Sendable {
        public var result: Result<Update, SyncError>
        public var ignoredPoseOf: String?
        /// The AGV a VDA 5050 message came from, when it is one of the plant's.
        public var agv: String?
    }

    /// The update a message makes.
    public func update(topic: String, payload: UnsafeRawBufferPointer, arrival: Timestamp) -> Result<Update, SyncError> {
        map(topic: topic, payload: payload, arrival: arrival).result
    }

    /// The update a message makes, and what was left out of it.
    public func map(topic: String, payload: UnsafeRawBufferPointer, arrival: Timestamp) -> Mapped {
        var ignored: String?, agv: String?
        let result = mapped(topic: topic, payload: payload, arrival: arrival, ignoredPoseOf: &ignored, agv: &agv)
        return Mapped(result: result, ignoredPoseOf: ignored, agv: agv)
    }

    private func mapped(topic: String, payload: UnsafeRawBufferPointer, arrival: Timestamp,
                        ignoredPoseOf: inout String?, agv: inout String?) -> Result<Update, SyncError> {
        guard payload.count <= maximumPayloadBytes else { return .failure(.oversized(topic: topic, bytes: payload.count)) }
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let value: JSONValue
        do { value = try JSONParser.parse(payload.bindMemory(to: UInt8.self)) } catch {
            return .failure(.malformed(topic: topic, reason: "not valid JSON: \(error)"))
        }
        guard case .object(let o) = value else { return .failure(.malformed(topic: topic, reason: "expected a JSON object")) }
        if levels.count == 5, levels[0] == sync.interfaceName, sync.majorVersions.contains(levels[1]), ["state", "visualization", "connection"].contains(levels[4]) {
            agv = agvs["\(levels[2])/\(levels[3])"]
            return vda(o, topic: topic, version: levels[1], manufacturer: levels[2], serial: levels[3], kind: levels[4], arrival: arrival,
                       ignoredPoseOf: &ignoredPoseOf)
        }
        for machine in sync.machines where MQTTClient.matches(machine.subscription, topic) {
            return self.machine(o, topic: topic, id: levels[machine.idLevel], mapping: machine, arrival: arrival)
        }
        return .failure(.unknown(topic: topic, reason: "no mapping for this topic"))
    }

    func vda(_ o: JSONObject, topic: String, version: String, manufacturer: String, serial: String, kind: String, arrival: Timestamp,
             ignoredPoseOf: inout String?) -> Result<Update, SyncError> {
        let v3 = version == "v3"
        guard let agv = agvs["\(manufacturer)/\(serial)"] else {
            return .failure(.unknown(topic: topic, reason: "no AGV with manufacturer '\(manufacturer)' and serial number '\(serial)'"))
        }
        func bad(_ reason: String) -> Result<Update, SyncError> { .failure(.malformed(topic: topic, reason: reason)) }
        if case .string(let m)? = o["manufacturer"], m != manufacturer { return bad("manufacturer '\(m)' does not match the topic") }
        if case .string(let s)? = o["serialNumber"], s != serial { return bad("serialNumber '\(s)' does not match the topic") }
        var time = arrival
        if let t = o["timestamp"] {
            guard case .string(let text) = t, let parsed = Timestamp(iso8601: text) else { return bad("timestamp: expected an ISO 8601 time") }
            time = parsed
        }
        var changes: [Change] = []
        func number(_ v: JSONValue?) -> Double? { if case .number(let n)? = v { return n }; return nil }
        func string(_ v: JSONValue?) -> String? { if case .string(let s)? = v { return s }; return nil }
        if kind == "connection" {
            let states = v3 ? ["ONLINE", "OFFLINE", "HIBERNATING", "CONNECTION_BROKEN"] : ["ONLINE", "OFFLINE", "CONNECTIONBROKEN"]
            guard let state = string(o["connectionState"]), states.contains(state) else {
                return bad("connectionState: expected \(states.joined(separator: ", "))")
            }
            changes.append(.connection(state))
            // A broken connection is the vehicle's last will, which the broker sends with the
            // timestamp of the vehicle's connect: it is stamped with the time it arrived instead.
            let broken = state == "CONNECTIONBROKEN" || state == "CONNECTION_BROKEN"
            return .success(Update(time: broken ? arrival : time, action: .set(entity: agv, changes: changes)))
        }
        // 2.x: agvPosition with positionInitialized; 3.0: mobileRobotPosition with localized.
        let positionKey = v3 ? "mobileRobotPosition" : "agvPosition", validKey = v3 ? "localized" : "positionInitialized"
        if let p = o[positionKey] {
            guard case .object(let position) = p, let x = number(position["x"]), let y = number(position["y"]), let theta = number(position["theta"]) else {
                return bad("\(positionKey): expected x, y and theta numbers")
            }
            if position[validKey] != .bool(false) {
                changes.append(.pose(Pose2D(x: x, y: y, theta: theta)))
            } else {
                ignoredPoseOf = agv
            }
        }
        if let v = o["velocity"] {
            guard case .object(let velocity) = v else { return bad("velocity: expected an object") }
            changes.append(.velocity(SIMD3(number(velocity["vx"]) ?? 0, number(velocity["vy"]) ?? 0, number(velocity["omega"]) ?? 0)))
        }
        if kind == "state" {
            if let d = o["driving"] {
                guard case .bool(let driving) = d else { return bad("driving: expected true or false") }
                changes.append(.driving(driving))
            }
            if let m = o["operatingMode"] {
                guard let text = string(m), let mode = OperatingMode(vda5050: text) else { return bad("operatingMode: unknown mode") }
                changes.append(.operatingMode(mode))
            }
            // 2.x: batteryState.batteryCharge; 3.0: powerSupply.stateOfCharge.
            if case .object(let battery)? = o[v3 ? "powerSupply" : "batteryState"], let charge = number(battery[v3 ? "stateOfCharge" : "batteryCharge"]) {
                changes.append(.battery(min(max(charge, 0), 100)))
            }
            if let l = o["loads"] {
                guard case .array(let items) = l else { return bad("loads: expected an array") }
                changes.append(.loads(items.compactMap { item in
                    guard case .object(let load) = item else { return nil }
                    return AGVLoad(id: string(load["loadId"]), type: string(load["loadType"]), weightKilograms: number(load["weight"]))
                }))
            }
            if let e = o["errors"] {
                guard case .array(let items) = e else { return bad("errors: expected an array") }
                changes.append(.errors(items.compactMap { item in
                    guard case .object(let error) = item, let type = string(error["errorType"]) else { return nil }
                    return AGVError(type: type, level: AGVError.Level(rawValue: string(error["errorLevel"]) ?? "") ?? .warning,
                                    description: string(error["errorDescription"]))
                }))
            }
            if v3, let z = o["zoneSets"] {
                // The zone set each map has enabled.
                guard case .array(let items) = z else { return bad("zoneSets: expected an array") }
                changes.append(.zoneSets(items.compactMap { item in
                    guard case .object(let set) = item, string(set["zoneSetStatus"]) == "ENABLED", let id = string(set["zoneSetId"]), !id.isEmpty else { return nil }
                    return id
                }))
            }
            if v3, let z = o["zoneRequests"] {
                guard case .array(let items) = z else { return bad("zoneRequests: expected an array") }
                var requests: [AGVZoneRequest] = []
                for item in items {
                    guard case .object(let r) = item, let set = string(r["zoneSetId"]), let zone = string(r["zoneId"]),
                          let kind = string(r["requestType"]).flatMap(AGVZoneRequest.Kind.init(rawValue:)),
                          let status = string(r["requestStatus"]).flatMap(AGVZoneRequest.Status.init(rawValue:)) else {
                        return bad("zoneRequests: expected zoneSetId, zoneId, requestType (ACCESS, REPLANNING) and requestStatus")
                    }
                    requests.append(AGVZoneRequest(zoneSet: set, zone: zone, kind: kind, status: status))
                }
                changes.append(.zoneRequests(requests))
            }
            if let node = string(o["lastNodeId"]) { changes.append(.lastNode(node.isEmpty ? nil : node)) }
            if let order = string(o["orderId"]) { changes.append(.order(order.isEmpty ? nil : order)) }
        }
        guard !changes.isEmpty else {
            if ignoredPoseOf != nil { return bad("its position is not localized (\(validKey): false) and it carries nothing else the twin follows") }
            return bad("nothing the twin follows (\(positionKey), velocity, driving, \(v3 ? "powerSupply" : "batteryState"), ...)")
        }
        return .success(Update(time: time, action: .set(entity: agv, changes: changes)))
    }

    func machine(_ o: JSONObject, topic: String, id: String, mapping: SyncConfig.MachineTopic, arrival: Timestamp) -> Result<Update, SyncError> {
        guard let category = categories[id], category != .agv else { return .failure(.unknown(topic: topic, reason: "no machine '\(id)' in the plant")) }
        func bad(_ reason: String) -> Result<Update, SyncError> { .failure(.malformed(topic: topic, reason: reason)) }
        var time = arrival
        if let field = mapping.timeField, let t = o[field] {
            guard case .string(let text) = t, let parsed = Timestamp(iso8601: text) else { return bad("\(field): expected an ISO 8601 time") }
            time = parsed
        }
        var changes: [Change] = []
        if let field = mapping.statusField, let v = o[field] {
            guard case .string(let raw) = v, let status = MachineStatus(rawValue: mapping.statusMap[raw] ?? raw) else {
                return bad("\(field): unknown status (expected one of: \(MachineStatus.allCases.map(\.rawValue).joined(separator: ", ")), or a status_map entry)")
            }
            changes.append(.status(status))
            // Without a reason the status clears the reasons before (PlantState.apply).
            if let field = mapping.reasonsField, let r = o[field] {
                // One reason as text, or an array of them, as UpdateParser reads them.
                do throws(StateError) {
                    if case .string = r { changes.append(.statusReasons(try UpdateParser.reasons(.array([r]), field: field))) } else {
                        changes.append(.statusReasons(try UpdateParser.reasons(r, field: field)))
                    }
                } catch { return bad("\(error.field): \(error.message)") }
            }
        }
        if let field = mapping.runningField, let v = o[field] {
            guard case .bool(let running) = v, category == .conveyor else { return bad("\(field): expected true or false for a conveyor") }
            changes.append(.running(running))
        }
        if let field = mapping.speedField, let v = o[field] {
            guard case .number(let speed) = v, category == .conveyor else { return bad("\(field): expected a number for a conveyor") }
            changes.append(.speed(speed))
        }
        for (name, field) in mapping.signals.sorted(by: { $0.key < $1.key }) {
            guard let v = o[field] else { continue }
            switch v {
            case .number(let n): changes.append(.signal(name, .number(n, unit: nil)))
            case .string(let s): changes.append(.signal(name, .string(s)))
            case .bool(let b): changes.append(.signal(name, .bool(b)))
            default: return bad("\(field): expected a number, string or boolean")
            }
        }
        for (name, field) in mapping.counters.sorted(by: { $0.key < $1.key }) {
            guard let v = o[field] else { continue }
            guard case .number(let n) = v, n == n.rounded(), abs(n) < 9e15 else { return bad("\(field): expected a whole number") }
            changes.append(.counter(name, Int64(n)))
        }
        if let field = mapping.connectionField, let v = o[field] {
            let states = ["ONLINE", "OFFLINE", "CONNECTIONBROKEN", "CONNECTION_BROKEN", "HIBERNATING"]
            guard case .string(let raw) = v, states.contains(raw.uppercased()) else {
                return bad("\(field): expected \(states.joined(separator: ", "))")
            }
            changes.append(.connection(raw.uppercased()))
        }
        guard !changes.isEmpty else { return bad("none of the mapped fields is in the payload") }
        return .success(Update(time: time, action: .set(entity: id, changes: changes)))
    }
}
