import ArgumentParser
import Foundation
import TwinJSON
import TwinLayout
import TwinOperations
import TwinPlanning
import TwinRender

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Dispatch transport orders to the AGVs and plan conflict-free, verified paths for a shift.",
        discussion: """
            Reads transport orders (JSON Lines or YAML: id, from, to, release_s, due_s, priority, load), assigns \
            each to the AGV that reaches its pickup first, and plans every trip in continuous time against the \
            others on the bodies' exact geometry (safe-interval planning). The whole plan is then verified with \
            the exact fleet check before anything is written: a plan that fails it is a bug, never an output. \
            Idle AGVs park off the aisles; AGVs low on battery charge. Orders that cannot be read or planned are \
            one line each on stderr, and the rest is planned. Exit status: 0 planned, 2 bad input (some orders \
            rejected: the plan of the rest is still written). Make a shift with 'twin generate orders \
            Assets/demo/plant.yaml --shift 8h -o shift.jsonl'; check a written plan again with 'twin check \
            Assets/demo/plant.yaml --fleet fleet.yaml'.

            Examples:
              twin plan Assets/demo/plant.yaml shift.jsonl
              twin plan Assets/demo/plant.yaml shift.jsonl --agvs 10 --report plan.md --image traffic.png
              twin plan Assets/demo/plant.yaml shift.jsonl --fleet-out fleet.yaml --orders-out orders/
            """)

    @Argument(help: "A plant.yaml manifest with an AGV network, docks and AGVs.")
    var plant: String

    @Argument(help: "The transport orders: JSON Lines (.jsonl) or YAML (orders:).")
    var orders: String

    @Option(help: "Plan for this many AGVs: the plant's first N, or more as copies of its first AGV at free parking places.")
    var agvs: Int?

    @Flag(help: "Print the figures and each order's outcome as JSON.")
    var json = false

    @Option(help: "Write a Markdown report: figures, each AGV's day, late and unplanned orders.")
    var report: String?

    @Option(help: "Write a plan view of the traffic: edges driven loaded and empty, waits marked.")
    var image: String?

    @Option(name: .customLong("fleet-out"), help: "Write the plan as a fleet file that 'twin check --fleet' accepts.")
    var fleetOut: String?

    @Option(name: .customLong("orders-out"), help: "Write VDA 5050 2.1 orders into this folder: AGV/ORDER.json.")
    var ordersOut: String?

    @OptionGroup var load: LoadOptions

    func validate() throws {
        if let agvs, agvs < 1 || agvs > 10_000 { throw ValidationError("--agvs must lie within 1 and 10000, found \(agvs)") }
    }

    func run() throws {
        let loaded = try load.loadPlant(plant)
        let file: TransportOrderFile
        do { file = try TransportOrderFile.load(path: orders, plant: loaded) } catch { throw CLIFailure.badInput(error.description) }
        let plan: TransportPlan
        do {
            let fleet = try TransportPlanner.fleet(of: loaded, count: agvs)
            progress("planning \(file.orders.count) orders for \(fleet.count) AGVs")
            plan = try TransportPlanner.plan(plant: loaded, orders: file.orders, fleet: fleet, rejected: file.rejected) { progress($0) }
        } catch {
            throw CLIFailure.badInput("\(plant): \(error.description)")
        }
        for line in plan.rejected { FileHandle.standardError.write(Data("twin: \(line)\n".utf8)) }
        if let report {
            do { try plan.markdown(plant: loaded.name, ordersFile: orders).write(toFile: report, atomically: true, encoding: .utf8) } catch {
                throw CLIFailure.cannotWrite(report, error)
            }
        }
        if let fleetOut {
            do { try plan.fleetYAML().write(toFile: fleetOut, atomically: true, encoding: .utf8) } catch { throw CLIFailure.cannotWrite(fleetOut, error) }
        }
        if let ordersOut {
            for (agv, order, text) in plan.vda5050Orders(plant: loaded) {
                let folder = (ordersOut as NSString).appendingPathComponent(agv)
                do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                    throw CLIFailure.cannotCreateFolder(folder, error)
                }
                // Order ids come from the order file: only their plain characters make the file name.
                let name = String(order.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") ? $0 : "_" })
                let path = (folder as NSString).appendingPathComponent((name.hasPrefix(".") ? "_" + name.dropFirst() : name) + ".json")
                do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch { throw CLIFailure.cannotWrite(path, error) }
            }
        }
        if let image {
            do { try PNGEncoder.write(try plan.trafficImage(Twin(plant: loaded)), to: image) } catch {
                throw CLIFailure.badInput("\(image): \(error)")
            }
        }
        if json {
            print(JSONWriter.string(.object(plan.json()), pretty: true))
        } else {
            for line in plan.summaryLines { print(line) }
        }
        if !plan.rejected.isEmpty { throw ExitCode(2) }
    }

    private func progress(_ text: String) {
        FileHandle.standardError.write(Data("twin: \(text)\n".utf8))
    }
}
