import Foundation
import TwinLayout

/// A realistic shift of transport orders from the machines' cycle times: every machine with
/// docks and a `cycle_s` is supplied from the supermarket (the racks' docks) with a load of
/// parts each time it has used one up, and its output goes out the same way, to the entities its
/// `links:` name (where they have docks), else back to the supermarket. Releases come at each
/// machine's own rhythm with a little jitter, due a quarter of an hour later (an eighth for the
/// one order in ten that is urgent, priority 1). The same plant, shift and seed give the same orders.
public struct ShiftGenerator: Sendable {
    public var shiftSeconds: Double
    public var seed: UInt64
    /// Parts per load: each machine releases one supply and one removal order per `partsPerLoad` cycles.
    public var partsPerLoad: Double
    /// When set, the loads are resized so that the shift holds at least this many orders.
    public var atLeast: Int?

    public static let defaultPartsPerLoad = 60.0
    public static let maximumOrders = 1_000_000

    public init(shiftSeconds: Double, seed: UInt64, partsPerLoad: Double = ShiftGenerator.defaultPartsPerLoad, atLeast: Int? = nil) {
        self.shiftSeconds = shiftSeconds; self.seed = seed; self.partsPerLoad = partsPerLoad; self.atLeast = atLeast
    }

    public func orders(for plant: Plant) throws(PlanningError) -> [TransportOrder] {
        let machines = plant.entities.filter { $0.category == .machine && $0.docks != nil && $0.cycleSeconds != nil }
        guard !machines.isEmpty else { throw .plant("no machine has docks and a cycle_s: nothing to generate orders from") }
        let market = plant.entities.filter { $0.category == .rack && $0.docks != nil }
        guard !market.isEmpty else { throw .plant("no rack has a dock: the generator supplies the machines from the racks' docks") }
        var load = partsPerLoad
        if let atLeast {
            // Orders per shift = 2 * sum(shift / (load * cycle)): solve for the load, then round down.
            let rate = machines.map { shiftSeconds / $0.cycleSeconds! }.reduce(0, +) * 2
            load = max(1, (rate / Double(max(atLeast, 1))).rounded(.down))
            while machines.map({ Int((shiftSeconds / (load * $0.cycleSeconds!)).rounded(.down)) * 2 }).reduce(0, +) < atLeast && load > 1 { load -= 1 }
        }
        var rng = Generator(seed: seed)
        var made: [(release: Double, from: String, to: String, urgent: Bool)] = []
        for machine in machines {
            let interval = load * machine.cycleSeconds!
            let phase = rng.uniform() * interval
            var t = phase
            let targets = machine.links.compactMap { plant.entity(id: $0.to) }.filter { $0.docks != nil }
            while t < shiftSeconds {
                let supply = market[rng.index(market.count)]
                made.append((t, supply.id, machine.id, rng.uniform() < 0.1))
                let out = rng.uniform() * interval * 0.2
                let target = targets.isEmpty ? market[rng.index(market.count)] : targets[rng.index(targets.count)]
                if t + out < shiftSeconds { made.append((t + out, machine.id, target.id, rng.uniform() < 0.1)) }
                t += interval * (0.9 + 0.2 * rng.uniform())
                guard made.count <= Self.maximumOrders else { throw .plant("more than \(Self.maximumOrders) orders: give a shorter --shift") }
            }
        }
        made.sort { ($0.release, $0.from, $0.to) < ($1.release, $1.from, $1.to) }
        let width = max(4, String(made.count).count)
        return made.enumerated().map { i, m in
            let number = String(i + 1)
            let id = "T-" + String(repeating: "0", count: max(0, width - number.count)) + number
            let pickup = plant.entity(id: m.from)!.docks!, drop = plant.entity(id: m.to)!.docks!
            let release = (m.release * 10).rounded() / 10
            return TransportOrder(id: id, from: m.from, to: m.to, pickup: pickup.outbound, drop: drop.inbound, release: release,
                                  due: release + (m.urgent ? 450 : 900), priority: m.urgent ? 1 : 0, load: "bin",
                                  pickupHandling: pickup.handlingSeconds ?? TransportOrderFile.defaultHandling,
                                  dropHandling: drop.handlingSeconds ?? TransportOrderFile.defaultHandling)
        }
    }

    /// SplitMix64: small, fast and the same everywhere.
    struct Generator {
        var state: UInt64
        init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
        mutating func index(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }
}
