import ArgumentParser
import Foundation
import TwinCollision
import TwinJSON
import TwinLayout
import TwinPlanning

struct PlanBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "The transport planner next to an openTCS-like baseline on the same shifts, in one run.",
        discussion: """
            Each row plans shifts of at least --orders transport orders (8 hours, seeds 1, 2, 3 ...) on a \
            plant for a fleet size, with the planner (dispatch by earliest arrival, safe-interval planning, \
            verified) and with the baseline: the nearest idle AGV, the shortest way, each edge's places \
            allocated one step ahead on the same conflict table, waiting while they are taken, dead-end \
            spurs and two-way lanes as blocks (as an openTCS integrator would configure them), deadlocks \
            detected and left standing. Both runs are checked with the exact fleet check. Reported per row: \
            the medians over the seeds. demo-large is generated first where it is missing.

            Examples:
              twin bench plan
              twin bench plan --rows demo:5,demo:10 --seeds 1
              twin bench plan --orders 2000 --json
            """)

    @Option(help: "Rows as PLANT:AGVS, PLANT being demo, demo-large or a plant.yaml.")
    var rows = "demo:5,demo:10,demo-large:20,demo-large:50"

    @Option(help: "Seeds per row (1, 2, ...).")
    var seeds = 3

    @Option(help: "Orders per shift at least.")
    var orders = 1000

    @Flag(help: "Print one JSON object.")
    var json = false

    @OptionGroup var load: LoadOptions

    func validate() throws {
        guard (1...20).contains(seeds) else { throw ValidationError("--seeds must lie within 1 and 20") }
        guard (1...100_000).contains(orders) else { throw ValidationError("--orders must lie within 1 and 100000") }
        for row in rows.split(separator: ",") {
            let parts = row.split(separator: ":")
            guard parts.count == 2, let n = Int(parts[1]), (1...1000).contains(n) else {
                throw ValidationError("--rows: expected PLANT:AGVS (AGVS within 1 and 1000), found '\(row)'")
            }
        }
    }

    struct Figures {
        var seconds: [Double] = [], verify: [Double] = [], done: [Double] = [], onTime: [Double] = [], lead: [Double] = []
        var makespan: [Double] = [], separation: [Double] = [], deadlocks: [Double] = [], conflicts: [Double] = []
        mutating func add(_ m: PlanMetrics, deadlocks d: Int) {
            seconds.append(m.planningSeconds); verify.append(m.verificationSeconds)
            done.append(Double(m.done) / Double(max(m.orders, 1))); onTime.append(Double(m.onTime) / Double(max(m.orders, 1)))
            lead.append(m.meanLeadTime); makespan.append(m.makespan); separation.append(m.minimumSeparation)
            deadlocks.append(Double(d)); conflicts.append(Double(m.conflicts))
        }
        func json() -> JSONValue {
            .object(JSONObject([
                .init(key: "planning_s", value: .number(median(seconds), places: 3)),
                .init(key: "verification_s", value: .number(median(verify), places: 3)),
                .init(key: "done_share", value: .number(median(done), places: 4)),
                .init(key: "on_time_share", value: .number(median(onTime), places: 4)),
                .init(key: "mean_lead_time_s", value: .number(median(lead), places: 1)),
                .init(key: "makespan_s", value: .number(median(makespan), places: 1)),
                .init(key: "minimum_separation_m", value: .number(separation.min() ?? .nan, places: 3)),
                .init(key: "deadlocks", value: .number(deadlocks.reduce(0, +))),
                .init(key: "conflicts", value: .number(conflicts.reduce(0, +))),
            ]))
        }
    }

    func run() throws {
        let parsed = rows.split(separator: ",").map { row -> (String, Int) in
            let parts = row.split(separator: ":"); return (String(parts[0]), Int(parts[1])!)
        }
        var plants: [String: Plant] = [:]
        var progress = BenchProgress("twin bench plan", steps: parsed.count * seeds * 2, quiet: json)
        var results: [(plant: String, agvs: Int, orders: Int, ours: Figures, baseline: Figures)] = []
        if !json { print("twin bench plan: 8 h shifts of at least \(orders) orders, seeds 1...\(seeds); medians over the seeds") }
        for (name, count) in parsed {
            let path: String
            switch name {
            case "demo": path = "Assets/demo/plant.yaml"
            case "demo-large": path = try ensureDemoLarge()
            default: path = name
            }
            if plants[path] == nil { plants[path] = try load.loadPlant(path) }
            let plant = plants[path]!
            var ours = Figures(), baseline = Figures()
            var orderCount = 0
            for seed in 1...seeds {
                let shift: [TransportOrder]
                let fleet: [PlanningAGV]
                do {
                    shift = try ShiftGenerator(shiftSeconds: 8 * 3600, seed: UInt64(seed), atLeast: orders).orders(for: plant)
                    fleet = try TransportPlanner.fleet(of: plant, count: count)
                } catch {
                    throw CLIFailure.badInput("\(path): \(error.description)")
                }
                orderCount = shift.count
                let graph = TransportPlanner.graph(of: plant, fleet: fleet)
                progress.step("\(name), \(count) AGVs, seed \(seed): the planner")
                do {
                    let plan = try TransportPlanner.plan(plant: plant, orders: shift, fleet: fleet, graph: graph)
                    ours.add(plan.metrics, deadlocks: 0)
                } catch {
                    throw CLIFailure.badInput("\(path): \(error.description)")
                }
                progress.step("\(name), \(count) AGVs, seed \(seed): the baseline")
                do {
                    let run = try BaselineRun.run(plant: plant, orders: shift, fleet: fleet, graph: graph)
                    baseline.add(run.metrics, deadlocks: run.deadlocks)
                    if let first = run.deadlockNotes.first, !json { progress.clear(); print("  baseline deadlock, seed \(seed): \(first)") }
                } catch {
                    throw CLIFailure.badInput("\(path): \(error.description)")
                }
            }
            results.append((name, count, orderCount, ours, baseline))
            if !json {
                progress.clear()
                printRow(name: name, agvs: count, orders: orderCount, ours: ours, baseline: baseline)
            }
        }
        progress.finish()
        if json {
            let rowsJSON: [JSONValue] = results.map { r in
                .object(JSONObject([
                    .init(key: "plant", value: .string(r.plant)), .init(key: "agvs", value: .number(Double(r.agvs))),
                    .init(key: "orders", value: .number(Double(r.orders))),
                    .init(key: "planner", value: r.ours.json()), .init(key: "baseline", value: r.baseline.json()),
                    .init(key: "lead_time_ratio", value: .number(median(r.ours.lead) / max(median(r.baseline.lead), 1e-9), places: 3)),
                ]))
            }
            print(JSONWriter.string(.object(JSONObject([.init(key: "seeds", value: .number(Double(seeds))), .init(key: "rows", value: .array(rowsJSON))])), pretty: true))
        } else {
            print("target: mean lead time at least 20 % below the baseline's, 0 conflicts, 0 deadlocks")
        }
    }

    func printRow(name: String, agvs: Int, orders: Int, ours: Figures, baseline: Figures) {
        print("\(name), \(agvs) AGVs, \(orders) orders (last seed)")
        func line(_ label: String, _ f: Figures) {
            print("  " + label.padding(toLength: 9, withPad: " ", startingAt: 0) + String(format: " %7.2f s plan %6.2f s check  done %5.1f %%  on time %5.1f %%  lead %7.0f s  makespan %6.0f s  min sep %.3f m  conflicts %.0f  deadlocks %.0f",
                         median(f.seconds), median(f.verify), median(f.done) * 100, median(f.onTime) * 100, median(f.lead),
                         median(f.makespan), f.separation.min() ?? .nan, f.conflicts.reduce(0, +), f.deadlocks.reduce(0, +)))
        }
        line("planner", ours)
        line("baseline", baseline)
        print(String(format: "  lead time planner / baseline: %.2f", median(ours.lead) / max(median(baseline.lead), 1e-9)))
    }
}
