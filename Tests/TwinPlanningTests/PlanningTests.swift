import Foundation
import Testing
import TwinCollision
import TwinGeometry
import TwinLayout
import TwinOperations
@testable import TwinPlanning
import TwinTestSupport

/// Small plants written out for the planner, without models: AGVs on a network whose nodes are
/// the places orders name.
enum PlanningFixture {
    /// A crossing: W-C-E west to east and S-C-N south to north, two-way, C in the middle; Z
    /// stands alone, reached by no edge.
    static let crossing = """
        name: Crossing
        agvs:
          - {id: AGV-1, footprint: {length: 1.2, width: 0.8, height: 0.4}, start: W, speed_mps: 1.0, rotation_speed_radps: 0.5}
          - {id: AGV-2, footprint: {length: 1.2, width: 0.8, height: 0.4}, start: S, speed_mps: 1.0, rotation_speed_radps: 0.5}
        network:
          nodes:
            - {id: W, x: 0, y: 5, theta: 0}
            - {id: E, x: 10, y: 5, theta: 0}
            - {id: S, x: 5, y: 0, theta: 1.5707963}
            - {id: N, x: 5, y: 10, theta: 1.5707963}
            - {id: C, x: 5, y: 5}
            - {id: Z, x: 30, y: 30}
          edges:
            - {id: W-C, start: W, end: C, bidirectional: true}
            - {id: C-E, start: C, end: E, bidirectional: true}
            - {id: S-C, start: S, end: C, bidirectional: true}
            - {id: C-N, start: C, end: N, bidirectional: true}
        """

    /// One lane A-B-C with a pocket P off its middle, AGVs at both ends.
    static let corridor = """
        name: Corridor
        agvs:
          - {id: AGV-1, footprint: {length: 1.2, width: 0.8, height: 0.4}, start: A, speed_mps: 1.0, rotation_speed_radps: 0.5}
          - {id: AGV-2, footprint: {length: 1.2, width: 0.8, height: 0.4}, start: C, speed_mps: 1.0, rotation_speed_radps: 0.5}
        network:
          nodes:
            - {id: A, x: 0, y: 0, theta: 0}
            - {id: B, x: 10, y: 0, theta: 0}
            - {id: C, x: 20, y: 0, theta: 3.14159}
            - {id: P, x: 10, y: 3, theta: 1.5708}
          edges:
            - {id: A-B, start: A, end: B, bidirectional: true}
            - {id: B-C, start: B, end: C, bidirectional: true}
            - {id: B-P, start: B, end: P, bidirectional: true}
          parking: [P]
        """

    static func plant(_ text: String) throws -> Plant {
        let dir = Demo.temporaryDirectory()
        try text.write(toFile: dir + "/plant.yaml", atomically: true, encoding: .utf8)
        return try PlantLoader().load(path: dir + "/plant.yaml")
    }

    static func orders(_ text: String, plant: Plant, name: String = "orders.jsonl") throws -> TransportOrderFile {
        try TransportOrderFile.parse(text, file: name, plant: plant)
    }

    /// Every AGV's timeline is physically possible: moves one after another, each no faster than
    /// the AGV drives, work at a node only while standing there, a pickup before its drop and
    /// never before the order's release.
    static func expectConsistent(_ plan: TransportPlan, sourceLocation: SourceLocation = #_sourceLocation) {
        let byId = Dictionary(uniqueKeysWithValues: plan.result.orders.map { ($0.id, $0) })
        for v in plan.timelines {
            var clock = -Double.infinity
            for move in v.moves {
                let arc = plan.graph.arcs[move.arc]
                #expect(move.turnStart >= clock - 1e-6 && move.departure >= move.turnStart - 1e-9, "\(v.agv.id) overtakes itself", sourceLocation: sourceLocation)
                #expect(move.arrival - move.departure >= arc.length / v.agv.drive.speed - 1e-6,
                        "\(v.agv.id) drives \(arc.edge) faster than \(v.agv.drive.speed) m/s", sourceLocation: sourceLocation)
                clock = move.arrival
            }
            for task in v.tasks where task.kind == .pick {
                let order = byId[task.order!]!
                #expect(task.node == order.pickup && task.start >= order.release - 1e-6, sourceLocation: sourceLocation)
                let drop = v.tasks.first { $0.kind == .drop && $0.order == task.order }
                #expect(drop.map { $0.start >= task.end - 1e-6 && $0.node == order.drop } == true, sourceLocation: sourceLocation)
            }
        }
    }
}

@Suite("Transport order files")
struct TransportOrderFileTests {
    @Test func eachBadOrderIsOneLineAndTheRestIsRead() throws {
        let lines = [
            #"{"id":"T-1","from":"R-01","to":"M-001","release_s":0,"due_s":900,"load":"bin"}"#,
            #"{"id":"T-2","from":"M-999","to":"M-001","release_s":0,"due_s":900}"#,
            #"{"id":"T-3","from":"R-01","to":"M-001","release_s":600,"due_s":300}"#,
            #"{"id":"T-4","from":"R-01","to":"M-001","release_s":0,"due_s":900,"load":"crate"}"#,
            #"{"id":"T-1","from":"R-02","to":"M-002","release_s":0,"due_s":900}"#,
            #"{"id":"T-6","from":"#,
            #"{"id":"T-7","from":"R-01","to":"M-001","due_s":900,"colour":"red"}"#,
            #"{"id":"T-8","from":"R-01","to":"M-001"}"#,
            #"{"id":"T-9","from":"R-01","to":"M-001","due_s":900,"priority":1.5}"#,
            #"{"id":"T-10","from":"S1","to":"S1","due_s":900}"#,
            #"{"id":"T-11","from":"R-01","to":"C-201","due_s":900}"#,
            #"{"id":"T-12","from":"R-01","to":"M-001","release_s":-5,"due_s":900}"#,
            #"[1, 2]"#,
            #"{"id":"T-14","from":{"entity":"R-01"},"to":"M-001","due_s":900}"#,
            "",
            "# a comment",
            #"{"id":"T-17","from":"M-001","to":"S1","release_s":30,"due_s":930,"priority":1}"#,
        ]
        let file = try PlanningFixture.orders(lines.joined(separator: "\n"), plant: Demo.plant)
        #expect(file.orders.map(\.id) == ["T-1", "T-17"])
        let expected = [
            "orders.jsonl:2: order T-2: from: unknown place 'M-999' (neither an entity nor a network node)",
            "orders.jsonl:3: order T-3: due_s 300 lies before release_s 600",
            "orders.jsonl:4: order T-4: unknown load type 'crate' (the AGVs carry: bin, pallet)",
            "orders.jsonl:5: order T-1: the id is used twice",
            "orders.jsonl:6: order ?: not JSON",
            "orders.jsonl:7: order T-7: unknown field 'colour' (expected: id, from, to, release_s, due_s, priority, load)",
            "orders.jsonl:8: order T-8: due_s: missing",
            "orders.jsonl:9: order T-9: priority: expected a whole number within -1000 and 1000",
            "orders.jsonl:10: order T-10: from and to are the same place (S1)",
            "orders.jsonl:11: order T-11: to: C-201 has no dock",
            "orders.jsonl:12: order T-12: release_s: must lie within 0 and a year of seconds, found -5.0",
            "orders.jsonl:13: order ?: expected a JSON object",
            "orders.jsonl:14: order T-14: from: expected a string or a number, found an object",
        ]
        #expect(file.rejected.count == expected.count, "\(file.rejected)")
        for (line, prefix) in zip(file.rejected, expected) {
            #expect(line.hasPrefix(prefix), "\(line)")
            #expect(!line.contains("\n"))
        }
        // What the good ones resolve to: the rack's outbound dock, the machine's inbound one.
        let t1 = file.orders[0]
        let rack = try #require(Demo.plant.entity(id: "R-01")?.docks), machine = try #require(Demo.plant.entity(id: "M-001")?.docks)
        #expect(t1.pickup == rack.outbound && t1.drop == machine.inbound && t1.load == "bin" && t1.line == 1)
        #expect(file.orders[1].priority == 1 && file.orders[1].release == 30 && file.orders[1].drop == "S1")
    }

    @Test func yamlSaysTheSameAsJSONLines() throws {
        let json = try PlanningFixture.orders(#"{"id":"T-1","from":"R-01","to":"M-001","release_s":12.5,"due_s":900,"priority":1,"load":"bin"}"#,
                                              plant: Demo.plant)
        let yaml = try PlanningFixture.orders("orders:\n  - {id: T-1, from: R-01, to: M-001, release_s: 12.5, due_s: 900, priority: 1, load: bin}\n",
                                              plant: Demo.plant, name: "orders.yaml")
        var a = try #require(json.orders.first), b = try #require(yaml.orders.first)
        a.line = nil; b.line = nil
        #expect(a == b && json.rejected.isEmpty && yaml.rejected.isEmpty)
        let bad = try PlanningFixture.orders("orders:\n  - {id: T-1, from: R-01, to: M-001, due_s: 900, speed: 3}\n", plant: Demo.plant, name: "o.yaml")
        #expect(bad.orders.isEmpty && bad.rejected.count == 1 && bad.rejected[0].hasPrefix("o.yaml:2: order ?: "), "\(bad.rejected)")
        #expect(bad.rejected.first?.contains("speed") == true)
    }

    @Test func aFileThatCannotBeReadIsOneError() throws {
        for (text, message) in [("", "the order file is empty"), ("  \n\n", "the order file is empty"), ("machines: []\n", "machines: unknown field")] {
            #expect(throws: PlanningError.self) { try PlanningFixture.orders(text, plant: Demo.plant, name: "o.yaml") }
            do { _ = try PlanningFixture.orders(text, plant: Demo.plant, name: "o.yaml") } catch {
                #expect(String(describing: error).hasPrefix("o.yaml:") && String(describing: error).contains(message) && !String(describing: error).contains("\n"),
                        "\(String(describing: error))")
            }
        }
        let path = Demo.temporaryDirectory() + "/latin1.jsonl"
        try Data([0x7B, 0xE9, 0x7D]).write(to: URL(fileURLWithPath: path))
        #expect(throws: PlanningError.self) { try TransportOrderFile.load(path: path, plant: Demo.plant) }
        #expect(throws: PlanningError.self) { try TransportOrderFile.load(path: path + ".missing", plant: Demo.plant) }
    }
}

@Suite("The shift generator")
struct ShiftGeneratorTests {
    @Test func theSameSeedGivesTheSameShift() throws {
        let a = try ShiftGenerator(shiftSeconds: 3600, seed: 7).orders(for: Demo.plant)
        let b = try ShiftGenerator(shiftSeconds: 3600, seed: 7).orders(for: Demo.plant)
        let c = try ShiftGenerator(shiftSeconds: 3600, seed: 8).orders(for: Demo.plant)
        #expect(!a.isEmpty && a.map(\.jsonLine) == b.map(\.jsonLine))
        #expect(a.map(\.jsonLine) != c.map(\.jsonLine))
    }

    @Test func ordersAreRealistic() throws {
        let orders = try ShiftGenerator(shiftSeconds: 3600, seed: 1).orders(for: Demo.plant)
        #expect(Set(orders.map(\.id)).count == orders.count)
        #expect(orders.map(\.release) == orders.map(\.release).sorted())
        for o in orders {
            #expect(o.release >= 0 && o.release < 3600)
            #expect(abs(o.due - o.release - (o.priority == 1 ? 450 : 900)) < 1e-6, "\(o.jsonLine)")
            let from = try #require(Demo.plant.entity(id: o.from)), to = try #require(Demo.plant.entity(id: o.to))
            #expect(o.pickup == from.docks?.outbound && o.drop == to.docks?.inbound)
            // Supply runs from the racks to a machine, output from a machine onwards.
            #expect(from.category == .machine || (from.category == .rack && to.category == .machine), "\(o.jsonLine)")
        }
        // Read back through the order file: the same orders.
        let text = orders.map(\.jsonLine).joined(separator: "\n")
        let read = try PlanningFixture.orders(text, plant: Demo.plant)
        #expect(read.rejected.isEmpty && read.orders.map(\.jsonLine) == orders.map(\.jsonLine))
        // At least N: the loads shrink until the shift holds them.
        let many = try ShiftGenerator(shiftSeconds: 3600, seed: 1, atLeast: orders.count * 3).orders(for: Demo.plant)
        #expect(many.count >= orders.count * 3)
    }

    @Test func aPlantWithoutDocksSaysWhy() throws {
        let plant = try PlanningFixture.plant(PlanningFixture.crossing)
        #expect(throws: PlanningError.self) { try ShiftGenerator(shiftSeconds: 3600, seed: 1).orders(for: plant) }
    }
}

@Suite("Dispatch and conflict-free plans")
struct TransportPlannerTests {
    /// Both AGVs pick up where they stand and cross at C at the same moment: one waits, the plan
    /// is verified, and the order no AGV can reach is rejected, not planned.
    @Test func twoAGVsAtACrossingTakeTurns() throws {
        let plant = try PlanningFixture.plant(PlanningFixture.crossing)
        let file = try PlanningFixture.orders("""
            {"id":"X1","from":"W","to":"E","release_s":0,"due_s":300}
            {"id":"X2","from":"S","to":"N","release_s":0,"due_s":300}
            {"id":"X3","from":"S","to":"Z","release_s":0,"due_s":300}
            """, plant: plant)
        let fleet = try TransportPlanner.fleet(of: plant)
        let plan = try TransportPlanner.plan(plant: plant, orders: file.orders, fleet: fleet, rejected: file.rejected)
        #expect(plan.rejected == ["order X3: Z (Z) cannot be reached from S (S) on the network"])
        let outcomes = Dictionary(uniqueKeysWithValues: plan.result.outcomes.map { ($0.order, $0) })
        #expect(outcomes["X1"]?.agv == "AGV-1" && outcomes["X2"]?.agv == "AGV-2")
        // Alone, each would be done at 50 s: 20 s to pick up, 10 m at 1 m/s, 20 s to drop.
        let drops = [outcomes["X1"]?.dropped, outcomes["X2"]?.dropped].compactMap { $0 }.sorted()
        #expect(drops.count == 2 && abs(drops[0] - 50) < 1e-3 && drops[1] > 50.5, "\(drops)")
        #expect(plan.metrics.waiting > 0.5 && plan.metrics.done == 2 && plan.metrics.onTime == 2)
        PlanningFixture.expectConsistent(plan)
        // The exact fleet check, run again here: nobody comes within the margin.
        let report = FleetCheck(members: TransportPlanner.fleetMembers(plan.result)).check()
        #expect(report.conflicts.isEmpty && report.withinMargin.isEmpty)
        #expect(report.minimumSeparation >= 0.1 && abs(report.minimumSeparation - plan.metrics.minimumSeparation) < 1e-9)
    }

    /// Without the wait the two bodies would meet: the same timelines with the wait taken out
    /// fail the check, so the check above has teeth.
    @Test func theWaitIsWhatKeepsThemApart() throws {
        let plant = try PlanningFixture.plant(PlanningFixture.crossing)
        let file = try PlanningFixture.orders("""
            {"id":"X1","from":"W","to":"E","release_s":0,"due_s":300}
            {"id":"X2","from":"S","to":"N","release_s":0,"due_s":300}
            """, plant: plant)
        let plan = try TransportPlanner.plan(plant: plant, orders: file.orders, fleet: try TransportPlanner.fleet(of: plant))
        var result = plan.result
        for k in result.vehicles.indices {
            guard let first = result.vehicles[k].moves.first, first.turnStart > 20 + 1e-6 else { continue }
            let shift = first.turnStart - 20
            for m in result.vehicles[k].moves.indices {
                result.vehicles[k].moves[m].turnStart -= shift
                result.vehicles[k].moves[m].departure -= shift
                result.vehicles[k].moves[m].arrival -= shift
            }
        }
        let report = FleetCheck(members: TransportPlanner.fleetMembers(result)).check()
        #expect(!report.conflicts.isEmpty)
    }

    /// Two AGVs at the ends of one lane with orders the other way: both orders are done, one
    /// lane never holds both, and idle AGVs go to the parking place.
    @Test func aLaneIsSharedInTurn() throws {
        let plant = try PlanningFixture.plant(PlanningFixture.corridor)
        let file = try PlanningFixture.orders("""
            {"id":"X","from":"A","to":"C","release_s":0,"due_s":600}
            {"id":"Y","from":"C","to":"A","release_s":0,"due_s":600}
            """, plant: plant)
        let plan = try TransportPlanner.plan(plant: plant, orders: file.orders, fleet: try TransportPlanner.fleet(of: plant))
        #expect(plan.metrics.done == 2 && plan.verification.conflicts.isEmpty)
        #expect(plan.timelines.contains { v in v.tasks.contains { $0.kind == .park && $0.node == "P" } })
        PlanningFixture.expectConsistent(plan)
    }

    /// The demo's hour: every order done, verified, and the fleet file reads back into the same check.
    @Test func theDemoHourIsPlannedAndVerified() throws {
        let orders = try ShiftGenerator(shiftSeconds: 3600, seed: 3).orders(for: Demo.plant)
        let plan = try TransportPlanner.plan(plant: Demo.plant, orders: orders, fleet: try TransportPlanner.fleet(of: Demo.plant, count: 8))
        #expect(plan.metrics.orders == orders.count && plan.metrics.done == orders.count)
        #expect(plan.verification.conflicts.isEmpty && plan.verification.withinMargin.isEmpty)
        #expect(plan.metrics.onTime <= plan.metrics.done && plan.metrics.meanLeadTime > 0 && plan.metrics.p95LeadTime >= plan.metrics.meanLeadTime)
        PlanningFixture.expectConsistent(plan)
        // Written as a fleet file and read back by the manifest's reader: each AGV's legs again.
        let path = Demo.temporaryDirectory() + "/fleet.yaml"
        try plan.fleetYAML().write(toFile: path, atomically: true, encoding: .utf8)
        let fleet = try FleetPlan.load(path: path, plant: Demo.plant)
        let legs = plan.timelines.map { TransportPlanner.legs(of: $0, graph: plan.graph).count }.reduce(0, +)
        #expect(fleet.entries.count == legs)
        #expect(fleet.entries.filter { $0.agv == "AGV-08" }.allSatisfy { $0.bodyOf == "AGV-01" })
    }

    @Test func aFleetThatCannotBePlannedSaysWhy() throws {
        let plant = try PlanningFixture.plant(PlanningFixture.corridor)
        #expect(throws: PlanningError.self) { try TransportPlanner.fleet(of: plant, count: 0) }
        // Two more AGVs need two free parking places; the corridor has one.
        do { _ = try TransportPlanner.fleet(of: plant, count: 4); Issue.record("planned 4 AGVs on one parking place") } catch {
            #expect(String(describing: error).contains("2 more free parking places"), "\(String(describing: error))")
        }
        #expect(try TransportPlanner.fleet(of: plant, count: 3).map(\.id) == ["AGV-1", "AGV-2", "AGV-03"])
    }
}

@Suite("The openTCS-like baseline")
struct BaselineDispatcherTests {
    /// At the crossing both orders are done, one AGV waiting for the other's places, and what
    /// they drove passes the exact fleet check.
    @Test func theCrossingIsDoneSafely() throws {
        let plant = try PlanningFixture.plant(PlanningFixture.crossing)
        let file = try PlanningFixture.orders("""
            {"id":"X1","from":"W","to":"E","release_s":0,"due_s":300}
            {"id":"X2","from":"S","to":"N","release_s":0,"due_s":300}
            """, plant: plant)
        let run = try BaselineRun.run(plant: plant, orders: file.orders, fleet: try TransportPlanner.fleet(of: plant))
        #expect(run.metrics.done == 2 && run.deadlocks == 0)
        #expect(run.verification.conflicts.isEmpty && run.verification.withinMargin.isEmpty)
        let drops = run.result.outcomes.compactMap(\.dropped).sorted()
        #expect(drops.count == 2 && abs(drops[0] - 50) < 1e-3 && drops[1] > 50.5, "\(drops)")
    }

    /// Two AGVs at the two ends of a lane, each to fetch at its own end and drop at the other's:
    /// allocated one step ahead, each waits for the end the other stands on. The baseline finds
    /// the deadlock and leaves both standing; the planner, which plans in time, does both orders.
    @Test func aHeadOnLaneDeadlocksTheBaselineNotThePlanner() throws {
        let plant = try PlanningFixture.plant(PlanningFixture.corridor)
        let file = try PlanningFixture.orders("""
            {"id":"X","from":"A","to":"C","release_s":0,"due_s":600}
            {"id":"Y","from":"C","to":"A","release_s":0,"due_s":600}
            """, plant: plant)
        let fleet = try TransportPlanner.fleet(of: plant)
        let run = try BaselineRun.run(plant: plant, orders: file.orders, fleet: fleet)
        #expect(run.deadlocks == 1 && run.stuckAGVs == 2 && run.metrics.done == 0)
        #expect(run.deadlockNotes.first?.contains("AGV-1 at A") == true && run.deadlockNotes.first?.contains("AGV-2 at C") == true, "\(run.deadlockNotes)")
        #expect(run.result.outcomes.allSatisfy { $0.reason == "its AGV was deadlocked" })
        let plan = try TransportPlanner.plan(plant: plant, orders: file.orders, fleet: fleet)
        #expect(plan.metrics.done == 2)
    }

    @Test func deadEndSpursAndTwoWayLanesAreBlocks() throws {
        let corridor = try PlanningFixture.plant(PlanningFixture.corridor)
        let graph = TransportPlanner.graph(of: corridor, fleet: try TransportPlanner.fleet(of: corridor))
        let (blockOf, axes) = BaselineDispatcher.deadEnds(graph)
        let ids = ["A", "B", "C", "P"].map { graph.node($0)! }
        #expect(blockOf[ids[1]] == nil, "B joins three ways: no block")
        #expect(Set([blockOf[ids[0]], blockOf[ids[2]], blockOf[ids[3]]].compactMap { $0 }).count == 3 && axes.allSatisfy { $0 == nil })
        // The demo's cross aisle (y = 30) is one two-way lane along x; its docks are spurs off it.
        let demo = TransportPlanner.graph(of: Demo.plant, fleet: try TransportPlanner.fleet(of: Demo.plant))
        let (demoBlocks, demoAxes) = BaselineDispatcher.deadEnds(demo)
        let lane = try #require(demoBlocks[demo.node("X1-4")!])
        #expect(demoAxes[lane] == 0 && demoBlocks[demo.node("M-016-IN-J")!] == lane)
        let dock = try #require(demoBlocks[demo.node("M-016-IN")!])
        #expect(dock != lane && demoAxes[dock] == nil)
        #expect(demoBlocks[demo.node("S3")!] == nil, "the one-way loop is no block")
    }
}
