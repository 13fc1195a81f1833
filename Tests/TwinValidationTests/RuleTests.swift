import Foundation
import Testing
import TwinTestSupport
import FactoryTwin
@testable import TwinValidation

/// Each rule with a change that keeps it and one that breaks it, on the demo plant.
@Suite("Layout rules")
struct RuleTests {
    static let repository = TestPaths.repository
    static let base: Plant = try! PlantLoader().load(path: repository + "/Assets/demo/plant.yaml")

    /// The base with edits (JSON objects without "t"), as a change file makes it.
    static func edited(_ edits: [String], rules: ((inout LayoutRules) -> Void)? = nil) throws -> Plant {
        var state = PlantState(plant: base)
        for edit in edits {
            try state.apply(try UpdateParser.parse(line: #"{"t":"2026-05-04T08:00:00Z","# + edit.dropFirst()))
        }
        var plant = base.edited(by: state)
        if let rules { rules(&plant.rules) }
        return plant
    }

    /// The violations of one rule that the change causes (checked the way `twin validate BASE NEW` does).
    static func violations(_ rule: Violation.Rule, _ edits: [String], rules: ((inout LayoutRules) -> Void)? = nil) throws -> [Violation] {
        let new = try edited(edits, rules: rules)
        return Validator(plant: new).validate(changes: LayoutDiff(base: base, new: new)).filter { $0.rule == rule }
    }

    /// A validation says each rule as it begins, in order, and the end.
    @Test func validationSaysItsSteps() {
        var steps: [(String, Int)] = []
        _ = Validator(plant: Self.base).validate { step, done, total in
            #expect(total == Validator.ruleSteps.count)
            steps.append((step, done))
        }
        #expect(steps.map(\.0) == Validator.ruleSteps + ["done"])
        #expect(steps.map(\.1) == Array(0...Validator.ruleSteps.count))
    }

    @Test func theDemoPlantKeepsEveryRule() {
        #expect(Validator(plant: Self.base).validate().map(\.message) == [])
    }

    @Test func machinesMustNotIntersect() throws {
        let m002 = try #require(Validator(plant: Self.base).boxes.first { $0.name == "M-002" })
        let x = (m002.lo.x + m002.hi.x) / 2, y = (m002.lo.y + m002.hi.y) / 2
        let bad = try Self.violations(.overlap, [#"{"edit":"add","entity":"M-100","like":"M-001","x":\#(x + 0.5),"y":\#(y)}"#])
        #expect(bad.count == 1 && Set(bad[0].entities) == ["M-100", "M-002"] && bad[0].measured == 0)
        // In the place of a machine taken away, a copy of M-001 touches nothing.
        let m007 = try #require(Validator(plant: Self.base).boxes.first { $0.name == "M-007" })
        #expect(try Self.violations(.overlap, [#"{"edit":"remove","entity":"M-007"}"#,
                                               #"{"edit":"add","entity":"M-100","like":"M-001","x":\#((m007.lo.x + m007.hi.x) / 2),"y":\#((m007.lo.y + m007.hi.y) / 2)}"#]).isEmpty)
    }

    /// An OBJ file of closed boxes, one object each (y up, as OBJ has it).
    static func boxes(_ objects: [(name: String, boxes: [(lo: SIMD3<Double>, hi: SIMD3<Double>)])]) throws -> Plant {
        var obj = "", base = 0
        for object in objects {
            obj += "o \(object.name)\n"
            for (lo, hi) in object.boxes {
                for k in 0..<8 {
                    obj += "v \(k & 1 == 0 ? lo.x : hi.x) \(k & 2 == 0 ? lo.y : hi.y) \(k & 4 == 0 ? lo.z : hi.z)\n"
                }
                // Counterclockwise seen from outside.
                for f in [[0, 2, 3, 1], [4, 5, 7, 6], [0, 1, 5, 4], [2, 6, 7, 3], [0, 4, 6, 2], [1, 3, 7, 5]] {
                    obj += "f " + f.map { String(base + $0 + 1) }.joined(separator: " ") + "\n"
                }
                base += 8
            }
        }
        let path = NSTemporaryDirectory() + "nested-\(UUID().uuidString).obj"
        try obj.write(toFile: path, atomically: true, encoding: .utf8)
        return try PlantLoader().load(path: path)
    }

    @Test func aMachineWhollyInsideAnotherIntersectsIt() throws {
        let cell = (name: "cell_big", boxes: [(lo: SIMD3<Double>(0, 0, 0), hi: SIMD3<Double>(4, 3, 4))])
        let inside = (name: "robot_inside", boxes: [(lo: SIMD3<Double>(1.5, 1, 1.5), hi: SIMD3<Double>(2.5, 2, 2.5))])
        let nested = Validator(plant: try Self.boxes([cell, inside])).validate().filter { $0.rule == .overlap }
        #expect(nested.map(\.message) == ["robot_inside stands inside cell_big"])
        // The same robot beside the cell: no overlap.
        let beside = (name: "robot_beside", boxes: [(lo: SIMD3<Double>(6, 1, 1.5), hi: SIMD3<Double>(7, 2, 2.5))])
        #expect(Validator(plant: try Self.boxes([cell, beside])).validate().filter { $0.rule == .overlap }.isEmpty)
        // Inside a fence of four closed walls (an enclosure, not a solid): no overlap either.
        let fence = (name: "fence_cell", boxes: [(lo: SIMD3<Double>(0, 0, 0), hi: SIMD3<Double>(4, 3, 0.1)), (lo: SIMD3<Double>(0, 0, 3.9), hi: SIMD3<Double>(4, 3, 4)),
                                                  (lo: SIMD3<Double>(0, 0, 0.1), hi: SIMD3<Double>(0.1, 3, 3.9)), (lo: SIMD3<Double>(3.9, 0, 0.1), hi: SIMD3<Double>(4, 3, 3.9))])
        #expect(Validator(plant: try Self.boxes([fence, inside])).validate().filter { $0.rule == .overlap }.isEmpty)
    }

    @Test func machinesKeepTheirClearance() throws {
        // M-002 slid towards M-001 until 0.3 m of air is left between them; then 0.8 m.
        let validator = Validator(plant: Self.base)
        let a = try #require(validator.part("M-001")), b = try #require(validator.part("M-002"))
        let gap = a.tree.distance(to: b.tree)
        let close = try Self.violations(.clearance, [#"{"edit":"move","entity":"M-002","dx":\#(-(gap - 0.3))}"#])
        #expect(close.count == 1)
        #expect(abs((close.first?.measured ?? 0) - 0.3) < 1e-6, "measured \(String(describing: close.first?.measured))")
        #expect(close.first?.required == 0.5)
        #expect(try Self.violations(.clearance, [#"{"edit":"move","entity":"M-002","dx":\#(-(gap - 0.8))}"#]).isEmpty)
        // A pair rule asks more of two kinds: 1.0 m between cnc-mills.
        let pair = try Self.violations(.clearance, [#"{"edit":"move","entity":"M-002","dx":\#(-(gap - 0.8))}"#]) { rules in
            rules.pairClearances = [.init(kinds: ["cnc-mill"], meters: 1.0)]
        }
        #expect(pair.first?.required == 1.0)
    }

    @Test func machinesKeepAwayFromWalls() throws {
        let near = try Self.violations(.wallClearance, [#"{"edit":"add","entity":"M-200","category":"machine","size":[1,1,1],"x":0.6,"y":30}"#])
        let wall = try #require(near.first { $0.entities == ["M-200", "hall/Building/Walls"] })
        #expect(abs((wall.measured ?? 1) - 0.1) < 1e-6, "the box's west face stands at x = 0.1, the wall's inner face at 0")
        #expect(try Self.violations(.wallClearance, [#"{"edit":"add","entity":"M-200","category":"machine","size":[1,1,1],"x":3,"y":30}"#]).isEmpty)
    }

    @Test func walkwaysAndKeepOutZonesStayFree() throws {
        let bad = try Self.violations(.zone, [#"{"edit":"add","entity":"PAL-9","category":"object","size":[1.2,0.8,1],"x":30,"y":2.5}"#])
        #expect(bad.count == 1 && bad[0].entities == ["PAL-9", "Z-WALK-SOUTH"])
        #expect(abs((bad.first?.measured ?? 0) - 1.1) < 1e-6, "the pallet stands wholly inside, 1.1 m from the walkway's edges")
        #expect(try Self.violations(.zone, [#"{"edit":"add","entity":"PAL-9","category":"object","size":[1.2,0.8,1],"x":30,"y":44.5}"#]).isEmpty)
    }

    @Test func routesKeepTheirMargin() throws {
        let blocked = try Self.violations(.route, [#"{"edit":"move","entity":"M-006","dy":-4}"#])
        #expect(blocked.contains { $0.entities.starts(with: ["R-LOOP"]) && $0.entities.contains("M-006") && $0.measured == 0 })
        #expect(try Self.violations(.route, [#"{"edit":"move","entity":"M-006","dy":-1}"#]).isEmpty)
        // A removed edge leaves the routes through it without a way.
        let cut = try Self.violations(.route, [#"{"edit":"remove_edge","edge":"S3-M-004-IN-J"}"#])
        #expect(cut.contains { $0.message == "route R-LOOP: no edge from 'S3' to 'M-004-IN-J'" })
    }

    @Test func stationsStayReachable() throws {
        let cut = try Self.violations(.station, [#"{"edit":"remove_edge","edge":"W10-CH1"}"#])
        #expect(cut.map(\.entities) == [["CS-1", "CH1"]], "\(cut.map(\.message))")
        #expect(try Self.violations(.station, [#"{"edit":"move","entity":"M-006","dy":-1}"#]).isEmpty)
        // With an access distance, a station far from every node breaks the rule.
        let far = try Self.violations(.station, [#"{"edit":"remove_edge","edge":"S3-M-004-IN-J"}"#]) { $0.stationAccess = 3 }
        #expect(far.contains { $0.entities == ["ST-E1", "E-S1"] && ($0.measured ?? 0) > 3 }, "\(far.map(\.message))")
    }

    /// Stations name the nodes that serve them; nothing is guessed by distance.
    @Test func stationsAreCheckedAtTheNodesTheyDeclare() throws {
        // CS-1's own node taken away (its edge first): the next charger's node does not stand in for it.
        let gone = try Self.violations(.station, [#"{"edit":"remove_edge","edge":"W10-CH1"}"#, #"{"edit":"remove_node","node":"CH1"}"#])
        #expect(gone.map(\.message) == ["station CS-1 is served by network node CH1, which the layout no longer has"])
        // A stray node, unconnected, 0.48 m from transfer station ST-W1: ST-W1 is still served by W-S1.
        let st = try #require(Validator(plant: Self.base).boxes.first { $0.name == "ST-W1" })
        let stray = try Self.violations(.station, [#"{"edit":"add_node","node":"N-STRAY","x":\#(st.lo.x - 0.48),"y":\#((st.lo.y + st.hi.y) / 2)}"#])
        #expect(stray.isEmpty, "\(stray.map(\.message))")
        // A station added without a declared node: a warning, not a guess and not a failure.
        let added = try Self.edited([#"{"edit":"add","entity":"ST-NEW","category":"station","size":[1,1,1],"x":30,"y":44.5}"#])
        let validator = Validator(plant: added)
        let violations = validator.validate(changes: LayoutDiff(base: Self.base, new: added)).filter { $0.rule == .station }
        #expect(violations.isEmpty)
        #expect(validator.warnings.map(\.message) == ["station ST-NEW names no network node (network_nodes: [...]): its access is not checked"])
    }

    @Test func aislesStayWideEnough() throws {
        // Two pallets either side of the south aisle (the path runs along y = 8): 1.6 m between them, then 2.0 m.
        let narrow = try Self.violations(.aisle, [#"{"edit":"add","entity":"P-N","category":"object","size":[1,1,1],"x":30,"y":9.3}"#,
                                                  #"{"edit":"add","entity":"P-S","category":"object","size":[1,1,1],"x":30,"y":6.7}"#])
        #expect(narrow.count == 3, "all three routes run along the south aisle: \(narrow.map(\.message))")
        #expect(narrow.allSatisfy { abs(($0.measured ?? 0) - 1.6) < 1e-6 && $0.required == 1.8 })
        #expect(try Self.violations(.aisle, [#"{"edit":"add","entity":"P-N","category":"object","size":[1,1,1],"x":30,"y":9.5}"#,
                                             #"{"edit":"add","entity":"P-S","category":"object","size":[1,1,1],"x":30,"y":6.5}"#]).isEmpty)
    }

    @Test func theAisleIsMeasuredAcrossTheWayTheAGVTravelsNotTheWayItPoints() throws {
        // The same two pallets, with every edge driven sideways (VDA 5050 orientation 90° to the
        // tangent, or fixed north): the aisle is still 1.6 m across the direction of travel, and
        // the AGV now needs its length (1.2 m) plus 1 m of it, not its width plus 1 m.
        let pallets = [#"{"edit":"add","entity":"P-N","category":"object","size":[1,1,1],"x":30,"y":9.3}"#,
                       #"{"edit":"add","entity":"P-S","category":"object","size":[1,1,1],"x":30,"y":6.7}"#]
        for global in [false, true] {
            var sideways = try Self.edited(pallets)
            for i in sideways.network.edges.indices {
                sideways.network.edges[i].orientation = .pi / 2
                sideways.network.edges[i].orientationIsGlobal = global
            }
            let narrow = Validator(plant: sideways).aisles(LayoutDiff(base: Self.base, new: sideways))
            #expect(narrow.count == 3 && narrow.allSatisfy { abs(($0.measured ?? 0) - 1.6) < 1e-6 && abs(($0.required ?? 0) - 2.2) < 1e-9 },
                    "global \(global): \(narrow.map(\.message))")
        }
    }

    @Test func theDiffNamesEveryKindOfChange() throws {
        let new = try Self.edited([
            #"{"edit":"move","entity":"M-011","dx":0.8,"dtheta_deg":90}"#,
            #"{"edit":"remove","entity":"M-007"}"#,
            #"{"edit":"add","entity":"M-100","like":"M-001","x":30,"y":44.5}"#,
            #"{"edit":"add_node","node":"N-X","x":20,"y":6}"#,
            #"{"edit":"add_edge","edge":"E-X","from":"N-X","to":"S2"}"#,
            #"{"edit":"remove_edge","edge":"W10-CH1"}"#,
        ])
        let diff = LayoutDiff(base: Self.base, new: new)
        #expect(diff.added == ["M-100"] && diff.removed == ["M-007"])
        #expect(diff.moved.map(\.id) == ["M-011"])
        #expect(abs(diff.moved[0].dx - 0.8) < 1e-9 && abs(diff.moved[0].dthetaDegrees - 90) < 1e-9)
        #expect(diff.nodesAdded == ["N-X"] && diff.edgesAdded == ["E-X"] && diff.edgesRemoved == ["W10-CH1"])
        #expect(diff.changedEntities == ["M-100", "M-011"])
        #expect(LayoutDiff(base: Self.base, new: Self.base).isEmpty)
    }

    @Test func rulesComeFromTheManifestAndBadOnesAreErrors() throws {
        let directory = NSTemporaryDirectory() + "rules-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func load(_ rules: String) throws -> Plant {
            try "name: r\nrules:\n\(rules)".write(toFile: directory + "/p.yaml", atomically: true, encoding: .utf8)
            return try PlantLoader().load(path: directory + "/p.yaml")
        }
        let plant = try load("  clearance_m: 0.8\n  wall_clearance_m: off\n  free_zones: [keep-out]\n  clearance_pairs: [{kinds: [press, robot-cell], m: 1.5}]\n")
        #expect(plant.rules.machineClearance == 0.8 && plant.rules.wallClearance == nil && plant.rules.freeZones == [.keepOut])
        #expect(plant.rules.clearance(between: "robot-cell", "press") == 1.5 && plant.rules.clearance(between: "press", "press") == 0.8)
        let cases: [(String, String)] = [
            ("  clearance_m: -1\n", "p.yaml:3: rules.clearance_m: must not be negative, found -1.0"),
            ("  free_zones: [parking]\n", "p.yaml:3: rules.free_zones[0]: unknown zone kind 'parking' (expected one of: keep-out, safety, walkway)"),
            ("  clearance_pairs: [{kinds: [press], m: 1}]\n", "p.yaml:3: rules.clearance_pairs[0].kinds: expected two kinds or categories, such as [press, press] or [machine, rack]"),
            ("  aisle: 2\n", "p.yaml:3: rules.aisle: unknown field (expected one of: overlap, clearance_m, clearance_pairs, wall_clearance_m, inside_building, building, free_zones, safety_zones_clear, route_margin, stations_reachable, station_access_m, aisle_width_m, escape_distance_m, escape_walk_factor, escape_width_m, exit_width_m, exit_height_m, door_clearance_m, overhead_margin_m, service_depth_m, forklift_aisles, material_flow, link_gap_m)"),
            ("  overlap: maybe\n", "p.yaml:3: rules.overlap: expected true or false, found 'maybe'"),
        ]
        for (rules, message) in cases {
            do {
                _ = try load(rules)
                Issue.record("accepted \(rules)")
            } catch {
                #expect("\(error)".hasSuffix(message), "\(error)")
            }
        }
    }

    @Test func changeFilesNameTheirBadLines() throws {
        let directory = NSTemporaryDirectory() + "changes-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let base = Self.repository + "/Assets/demo/plant.yaml"
        let cases: [(String, String)] = [
            ("base: \(base)\nedits:\n  - {edit: move, entity: M-011}\n", "c.yaml:3: edits[0]: a move needs x, y, theta_deg, dx, dy or dtheta_deg"),
            ("base: \(base)\nedits:\n  - {edit: fly, entity: M-011}\n", "c.yaml:3: edits[0]: edit: unknown edit 'fly' (expected one of: move, add, remove, add_node, remove_node, add_edge, remove_edge)"),
            ("base: nowhere.yaml\nedits: []\n", "c.yaml:1: file not found"),
        ]
        for (text, message) in cases {
            try text.write(toFile: directory + "/c.yaml", atomically: true, encoding: .utf8)
            #expect(ChangeFile.isChangeFile(directory + "/c.yaml"))
            do {
                _ = try ChangeFile.load(path: directory + "/c.yaml")
                Issue.record("accepted \(text)")
            } catch {
                #expect("\(error)".contains(message), "\(error)")
            }
        }
        // An edit that does not apply to the base names its line too.
        try "base: \(base)\nedits:\n  - {edit: move, entity: M-404, dx: 1}\n".write(toFile: directory + "/c.yaml", atomically: true, encoding: .utf8)
        let change = try ChangeFile.load(path: directory + "/c.yaml")
        #expect(throws: ChangeError(file: directory + "/c.yaml", line: 3, field: "edits[0].entity", message: "unknown entity 'M-404'")) {
            try change.apply(to: Self.base)
        }
    }
}
