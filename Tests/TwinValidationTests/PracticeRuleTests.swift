import Foundation
import Testing
import TwinTestSupport
import FactoryTwin
@testable import TwinValidation

/// The rules from practice, each with layouts on either side of its limit, the geometry worked out
/// here: a millimetre for the exact rules (doors, exits, the straight line to an exit, headroom,
/// service areas, forklift aisles, links); for the walk and the clear width of an escape route,
/// judged on a grid of the floor (5 cm cells) on the safe side, a few cells or per cent.
@Suite("Rules from practice")
struct PracticeRuleTests {
    /// Boxes on the floor, (x, y) corners and a height, each an object of a model file (the
    /// names say what they are: `wall_*` are walls, `press_*` machines, `rack_*` racks).
    static func hall(_ boxes: [(name: String, lo: SIMD2<Double>, hi: SIMD2<Double>, height: Double)]) throws -> Plant {
        try RuleTests.boxes(boxes.map { b in
            // OBJ is y up: the floor's (x, y, z) is the file's (x, -z, y).
            (name: b.name, boxes: [(lo: SIMD3(b.lo.x, 0, -b.hi.y), hi: SIMD3(b.hi.x, b.height, -b.lo.y))])
        })
    }

    /// A hall 12 x 6 m inside 0.2 m walls, an exit 1.2 m wide in the west wall (y 2.4 ... 3.6),
    /// and a press (1 x 1 m) at its east end; `extra` boxes stand in it.
    static func smallHall(_ extra: [(name: String, lo: SIMD2<Double>, hi: SIMD2<Double>, height: Double)] = [],
                          exitWidth: Double = 1.2) throws -> Plant {
        let low = 3 - exitWidth / 2, high = 3 + exitWidth / 2
        var plant = try hall([
            ("wall_south", SIMD2(-0.2, -0.2), SIMD2(12.2, 0), 4), ("wall_north", SIMD2(-0.2, 6), SIMD2(12.2, 6.2), 4),
            ("wall_east", SIMD2(12, 0), SIMD2(12.2, 6), 4),
            ("wall_west_a", SIMD2(-0.2, 0), SIMD2(0, low), 4), ("wall_west_b", SIMD2(-0.2, high), SIMD2(0, 6), 4),
            ("press_A", SIMD2(9, 2.5), SIMD2(10, 3.5), 2),
        ] + extra)
        plant.doors = [Door(id: "EXIT-W", from: SIMD2(-0.1, low), to: SIMD2(-0.1, high), height: 2.1, exit: true)]
        return plant
    }

    // MARK: Doors and exits

    /// A box 1.0 m from a door's opening, less or more a millimetre.
    @Test func doorsAreKeptClear() throws {
        func check(_ distance: Double) throws -> [Violation] {
            var plant = try Self.hall([("box_1", SIMD2(5, 1 + distance), SIMD2(6, 2 + distance), 1)])
            plant.doors = [Door(id: "D-1", from: SIMD2(5.2, 1), to: SIMD2(6.4, 1), height: 2.1)]
            return Validator(plant: plant).doors()
        }
        let near = try check(1.0 - 0.001)
        #expect(near.count == 1 && near.first?.rule == .door && near.first?.entities == ["box_1", "D-1"], "\(near.map(\.message))")
        #expect(abs((near.first?.measured ?? 0) - 0.999) < 1e-6 && near.first?.required == 1.0)
        #expect(near.first?.message == "box_1 stands 0.999 m in front of door D-1; 1.00 m kept free")
        #expect(try check(1.0 + 0.001).isEmpty)
        // The other side too; and a box beside the opening, not in front of it, is no matter.
        var behind = try Self.hall([("box_1", SIMD2(5, -0.5), SIMD2(6, 0.5), 1), ("box_2", SIMD2(6.4, 1.2), SIMD2(7.4, 2.2), 1)])
        behind.doors = [Door(id: "D-1", from: SIMD2(5.2, 1), to: SIMD2(6.4, 1))]
        #expect(Validator(plant: behind).doors().map(\.message) == ["box_1 stands 0.500 m in front of door D-1; 1.00 m kept free"])
        // Above the lintel nothing counts: a conveyor bridge at 2.5 m over a 2.1 m door.
        var bridge = try RuleTests.boxes([(name: "conveyor_bridge", boxes: [(lo: SIMD3(5, 2.5, -1.5), hi: SIMD3(7, 3, -1.2))])])
        bridge.doors = [Door(id: "D-1", from: SIMD2(5.2, 1), to: SIMD2(6.4, 1), height: 2.1)]
        #expect(Validator(plant: bridge).doors().isEmpty)
        bridge.doors[0].height = 3.0
        #expect(Validator(plant: bridge).doors().count == 1)
    }

    /// ASR A2.3: an exit 0.80 m wide and 1.95 m high at least.
    @Test func exitsAreWideAndHighEnough() throws {
        var plant = try Self.hall([("box_far", SIMD2(8, 8), SIMD2(9, 9), 1)])
        func messages(width: Double, height: Double) -> [String] {
            plant.doors = [Door(id: "EXIT-1", from: SIMD2(0, 3), to: SIMD2(0, 3 + width), height: height, exit: true)]
            return Validator(plant: plant).doors().map(\.message)
        }
        #expect(messages(width: 0.8 - 0.001, height: 2.0) == ["exit EXIT-1 is 0.799 m wide; 0.80 m required for an exit"])
        #expect(messages(width: 0.8 + 0.001, height: 2.0).isEmpty)
        #expect(messages(width: 1.0, height: 1.95 - 0.001) == ["exit EXIT-1 is 1.949 m high; 1.95 m required for an exit"])
        #expect(messages(width: 1.0, height: 1.95 + 0.001).isEmpty)
        // A door that is no exit is not held to it.
        plant.doors = [Door(id: "D-1", from: SIMD2(0, 3), to: SIMD2(0, 3.5), height: 1.5)]
        #expect(Validator(plant: plant).doors().isEmpty)
    }

    // MARK: Escape routes

    /// The straight line from a workplace (the machine's centre) to the nearest exit: 35 m.
    @Test func theNearestExitLiesWithinTheStraightLineDistance() throws {
        func check(_ limit: Double) throws -> [Violation] {
            var plant = try Self.smallHall()
            plant.rules.escapeDistance = limit
            plant.rules.escapeWidth = nil   // the straight line alone
            return Validator(plant: plant).escapeRoutes()
        }
        // From (9.5, 3) to the exit's line x = -0.1: 9.6 m.
        let over = try check(9.6 - 0.001)
        #expect(over.count == 1 && abs((over.first?.measured ?? 0) - 9.6) < 1e-6, "\(over.map(\.message))")
        #expect(over.first?.message == "press_A's nearest exit (EXIT-W) lies 9.60 m away in a straight line; 10 m allowed (ASR A2.3)")
        #expect(try check(9.6 + 0.001).isEmpty)
    }

    /// The walk, on the grid, pulled taut. A partition across the hall (x 6 ... 6.2, up to y 4)
    /// leaves a way round its north end; the press stands in the south-east, the exit in the west
    /// wall's south end (y 0.4 ... 1.6): the walk turns north and back south.
    @Test func theWalkToAnExitIsMeasuredAlongTheFloor() throws {
        var plant = try Self.hall([
            ("wall_south", SIMD2(-0.2, -0.2), SIMD2(12.2, 0), 4), ("wall_north", SIMD2(-0.2, 6), SIMD2(12.2, 6.2), 4),
            ("wall_east", SIMD2(12, 0), SIMD2(12.2, 6), 4),
            ("wall_west_a", SIMD2(-0.2, 0), SIMD2(0, 0.4), 4), ("wall_west_b", SIMD2(-0.2, 1.6), SIMD2(0, 6), 4),
            ("wall_partition", SIMD2(6, 0), SIMD2(6.2, 4), 4),
            ("press_A", SIMD2(9, 0.8), SIMD2(10, 1.8), 2),
        ])
        plant.doors = [Door(id: "EXIT-W", from: SIMD2(-0.1, 0.4), to: SIMD2(-0.1, 1.6), height: 2.1, exit: true)]
        plant.rules.escapeWalkFactor = 1
        plant.rules.escapeDistance = 9.7    // the straight line holds: 9.6 m from the press's centre
        let long = Validator(plant: plant).escapeRoutes()
        #expect(long.count == 1 && long.first?.rule == .escape && long.first?.entities == ["press_A"], "\(long.map(\.message))")
        // Worked out: from the workplace 1 m from the press's north-west corner, towards the
        // partition's end, over it 0.45 m (half the route's width) clear, and down to the exit
        // (its opening's upper end less half the exit's width).
        let east = SIMD2(6.2, 4.45), west = SIMD2(6.0, 4.45)
        let start = SIMD2(9, 1.8) + (east - SIMD2(9, 1.8)) / simdLength(east - SIMD2(9, 1.8)) * 1.0
        let exit = SIMD2(0, 1.6 - 0.4)
        let expected = simdLength(east - start) + simdLength(west - east) + simdLength(exit - west)
        let measured = try #require(long.first?.measured)
        // The grid errs on the safe side: never shorter than the true walk (but for a cell at its
        // ends), and at most a few per cent longer (the route kept up to a cell wider than asked).
        #expect(measured > expected - 0.05 && measured < expected * 1.04, "measured \(measured), worked out \(expected)")
        #expect(long.first?.message == String(format: "the walk from press_A to the nearest exit is %.1f m; 9.7 m allowed (1.0 x 10 m, ASR A2.3)", measured))
        // With the limit three cells above what was measured it holds; three below it does not.
        plant.rules.escapeDistance = measured + 0.15
        #expect(Validator(plant: plant).escapeRoutes().isEmpty)
        plant.rules.escapeDistance = measured - 0.15
        #expect(Validator(plant: plant).escapeRoutes().count == 1)
    }

    /// The clear width all the way (0.90 m): a gap in a partition 0.1 m wider or narrower
    /// (two cells of the grid) than the route asks.
    @Test func anEscapeRouteIsClearWideEnough() throws {
        func check(gap: Double) throws -> [Violation] {
            let low = 3 - gap / 2, high = 3 + gap / 2
            return Validator(plant: try Self.smallHall([
                ("wall_partition_s", SIMD2(6, 0), SIMD2(6.2, low), 4), ("wall_partition_n", SIMD2(6, high), SIMD2(6.2, 6), 4),
            ])).escapeRoutes()
        }
        #expect(try check(gap: 0.9 + 0.1).isEmpty)
        let narrow = try check(gap: 0.9 - 0.1)
        #expect(narrow.count == 1, "\(narrow.map(\.message))")
        let v = try #require(narrow.first)
        #expect(v.message.hasPrefix("no escape route 0.90 m wide from press_A to an exit; narrowest"), "\(v.message)")
        #expect(Set(v.entities).isSuperset(of: ["press_A", "EXIT-W", "wall_partition_s", "wall_partition_n"]), "\(v.entities)")
        #expect(abs((v.measured ?? 0) - 0.8) <= 0.1, "\(String(describing: v.measured))")
        // Racks all round the press: its workplace is shut in.
        let shut = try Validator(plant: Self.smallHall([
            ("rack_n", SIMD2(8.5, 3.6), SIMD2(10.5, 4.5), 2), ("rack_s", SIMD2(8.5, 1.5), SIMD2(10.5, 2.4), 2),
            ("rack_w", SIMD2(8.5, 2.4), SIMD2(8.9, 3.6), 2), ("rack_e", SIMD2(10.1, 2.4), SIMD2(10.5, 3.6), 2),
        ])).escapeRoutes()
        #expect(shut.map(\.message) == ["no floor 0.90 m wide within 1.0 m of press_A: its workplace is shut in"])
        // An exit too narrow for the route still lets it out at the exit's own width (0.80 m).
        #expect(Validator(plant: try Self.smallHall(exitWidth: 1.0)).escapeRoutes().isEmpty)
    }

    /// A walkway along the hall to the exit leads out; a rack across it cuts off what lies beyond.
    @Test func walkwaysLeadToAnExit() throws {
        func check(_ extra: [(name: String, lo: SIMD2<Double>, hi: SIMD2<Double>, height: Double)]) throws -> [Violation] {
            var plant = try Self.smallHall(extra)
            plant.zones = [Zone(id: "W-1", kind: .walkway, polygon: [SIMD2(0.2, 4), SIMD2(11.8, 4), SIMD2(11.8, 5.8), SIMD2(0.2, 5.8)]),
                           Zone(id: "W-2", kind: .walkway, polygon: [SIMD2(0.2, 2), SIMD2(3, 2), SIMD2(3, 4), SIMD2(0.2, 4)])]
            return Validator(plant: plant).escapeRoutes().filter { $0.entities.allSatisfy { $0.hasPrefix("W-") } }
        }
        #expect(try check([]).isEmpty)
        let cut = try check([("rack_across", SIMD2(6, 3.9), SIMD2(6.5, 6), 2)])
        #expect(cut.count == 1 && cut.first?.entities == ["W-1"], "\(cut.map(\.message))")
        #expect(cut.first?.message.hasPrefix("walkway W-1 is cut: ") ?? false)
        // East of the rack: 11.8 - 6.5 = 5.3 m of the walkway's length lies beyond it.
        #expect((cut.first?.place?.x ?? 0) > 6.5)
    }

    /// A plant with machines and no exit is told that escape routes went unchecked (in a full
    /// validation; the check of a change leaves it to the base's).
    @Test func aPlantWithoutExitsIsToldSo() throws {
        var plant = try Self.smallHall()
        let withExit = Validator(plant: plant)
        _ = withExit.validate()
        #expect(withExit.warnings.isEmpty, "\(withExit.warnings.map(\.message))")
        plant.doors = []
        let without = Validator(plant: plant)
        _ = without.validate()
        #expect(without.warnings.map(\.message) == ["no exit declared (doors: with exit: true): escape routes not checked"])
    }

    // MARK: Overhead

    /// An AGV passing under a door: its height plus the 0.1 m margin under the lintel, to a millimetre.
    @Test func anAGVPassesUnderALintelWithHeadroom() throws {
        var plant = RuleTests.base
        let route = try #require(plant.routes.first { $0.agv != nil })
        let agv = try #require(plant.entity(id: route.agv!))
        let height = try #require(agv.footprint?.height)
        let path = try PlantCollision.path(of: route, in: plant.network)
        let pose = path.pose(at: path.length / 2)
        // A door 3 m wide across the route's middle, square to its heading.
        let across = SIMD2(-sin(pose.theta), cos(pose.theta)) * 1.5
        func check(_ lintel: Double) -> [Violation] {
            plant.doors = [Door(id: "D-ROUTE", from: SIMD2(pose.x, pose.y) - across, to: SIMD2(pose.x, pose.y) + across, height: lintel)]
            return Validator(plant: plant).overhead().filter { $0.entities.contains(route.id) }
        }
        let low = check(height + 0.1 - 0.001)
        #expect(low.count == 1 && abs((low.first?.measured ?? 0) - 0.099) < 1e-6 && low.first?.entities == [route.id, agv.id, "D-ROUTE"], "\(low.map(\.message))")
        #expect(check(height + 0.1 + 0.001).isEmpty)
    }

    /// A part under a crane stays 0.1 m below the hook.
    @Test func aPartUnderACraneStaysBelowItsHook() throws {
        var plant = try Self.hall([("press_1", SIMD2(2, 2), SIMD2(4, 3), 3.5), ("press_2", SIMD2(8, 2), SIMD2(9, 3), 5)])
        func check(_ hook: Double) -> [Violation] {
            plant.cranes = [CraneArea(id: "CR-1", polygon: [SIMD2(0, 0), SIMD2(6, 0), SIMD2(6, 6), SIMD2(0, 6)], hookHeight: hook)]
            return Validator(plant: plant).overhead()
        }
        let tall = check(3.6 - 0.001)
        #expect(tall.map(\.message) == ["press_1 rises to 3.50 m under crane CR-1 (hook at 3.60 m): 0.099 m headroom; 0.10 m required"])
        #expect(check(3.6 + 0.001).isEmpty)   // press_2, 5 m high, stands outside the crane's area
    }

    // MARK: Service areas

    /// 0.7 m in front of a control cabinet by default (IEC 60364-7-729), or as deep as declared.
    @Test func serviceAreasStayFree() throws {
        func check(_ gap: Double, depth: Double? = nil) throws -> [Violation] {
            var plant = try Self.hall([("cabinet_1", SIMD2(2, 2), SIMD2(3, 2.5), 2), ("box_1", SIMD2(1.5, 2.5 + gap), SIMD2(3.5, 3.5 + gap), 1)])
            let i = try #require(plant.entities.firstIndex { $0.id == "cabinet_1" })
            plant.entities[i].serviceAreas = [ServiceArea(side: .north, depth: depth)]
            return Validator(plant: plant).serviceAreas()
        }
        let near = try check(0.7 - 0.001)
        #expect(near.map(\.message) == ["box_1 stands 0.699 m north of cabinet_1, in its service area (0.70 m deep)"])
        #expect(near.first?.entities == ["box_1", "cabinet_1"] && near.first?.required == 0.7)
        #expect(try check(0.7 + 0.001).isEmpty)
        #expect(try check(1.2 - 0.001, depth: 1.2).count == 1)
        #expect(try check(1.2 + 0.001, depth: 1.2).isEmpty)
    }

    // MARK: Forklift aisles

    /// VDI 2198: Ast = 1.95 + 0.45 + 1.2 + 0.2 = 3.8 m in front of one long side of a rack.
    @Test func aRackHasAForkliftAisle() throws {
        func check(north: Double) throws -> [Violation] {
            var plant = try Self.hall([
                ("rack_1", SIMD2(2, 5), SIMD2(10, 6), 5),
                ("rack_back", SIMD2(2, 3.5), SIMD2(10, 4.5), 5),          // 0.5 m behind it: no aisle there
                ("rack_front", SIMD2(2, 6 + north), SIMD2(10, 7 + north), 5),
            ])
            var aisle = LayoutRules.ForkliftAisle()
            aisle.turningRadius = 1.95; aisle.loadDistance = 0.45
            plant.rules.forklift = aisle
            return Validator(plant: plant).forkliftAisles().filter { $0.entities.first == "rack_1" }
        }
        let narrow = try check(north: 3.8 - 0.001)
        #expect(narrow.map(\.message) == ["rack_1's widest working aisle (north side, up to rack_front) is 3.799 m; a forklift needs 3.80 m (VDI 2198 Ast)"])
        #expect(try check(north: 3.8 + 0.001).isEmpty)
    }

    // MARK: Material flow

    /// A conveyor meets its transfer station within 5 cm; a link naming an entity that is gone.
    @Test func linkedEntitiesStayWithinReach() throws {
        func check(_ gap: Double) throws -> [Violation] {
            var plant = try Self.hall([("conveyor_1", SIMD2(2, 2), SIMD2(6, 3), 0.8), ("station_1", SIMD2(6 + gap, 2), SIMD2(7 + gap, 3), 1)])
            let i = try #require(plant.entities.firstIndex { $0.id == "conveyor_1" })
            plant.entities[i].links = [MaterialLink(to: "station_1")]
            return Validator(plant: plant).materialFlow()
        }
        #expect(try check(0.05 - 0.001).isEmpty)
        let apart = try check(0.05 + 0.001)
        #expect(apart.map(\.message) == ["conveyor_1 and station_1 stand 0.051 m apart; their link allows 0.05 m"])
        var plant = try Self.hall([("conveyor_1", SIMD2(2, 2), SIMD2(6, 3), 0.8)])
        plant.entities[0].links = [MaterialLink(to: "station_9", within: 1)]
        #expect(Validator(plant: plant).materialFlow().map(\.message) == ["conveyor_1 hands material to station_9, which is gone"])
    }

    /// A line holds together: its machines each within reach of the one before, its conveyors
    /// within reach of one of its machines; exact to the millimetre at the limit.
    @Test func aLineHoldsTogether() throws {
        func check(_ gap: Double, conveyorAt x: Double = 1) throws -> [Violation] {
            var plant = try Self.hall([("press_1", SIMD2(2, 2), SIMD2(4, 4), 2), ("press_2", SIMD2(4 + gap, 2), SIMD2(6 + gap, 4), 2),
                                       ("conveyor_1", SIMD2(x, 4.5), SIMD2(x + 6, 5.3), 0.8)])
            plant.lines = [ProductionLine(id: "LINE-A", machines: ["press_1", "press_2"], conveyors: ["conveyor_1"], within: 1.5)]
            return Validator(plant: plant).materialFlow()
        }
        #expect(try check(1.5 - 0.001).isEmpty)
        #expect(try check(1.5 + 0.001).map(\.message) == ["line LINE-A: press_2 follows press_1 at 1.501 m; the line allows 1.50 m"])
        let far = try check(1, conveyorAt: 30)
        #expect(far.map(\.message) == ["line LINE-A: conveyor conveyor_1 stands 23.005 m from its nearest machine of the line, press_2; the line allows 1.50 m"])
        #expect(far.first?.measured.map { abs($0 - (23.0 * 23.0 + 0.25).squareRoot()) < 1e-6 } == true)
    }

    /// The demo's lines hold; the conveyor the old fault scenario stopped for line 2 (C-201, a
    /// block further north) would not.
    @Test func theDemoLinesHoldAndAForeignConveyorIsFound() throws {
        var plant = Demo.plant
        #expect(plant.lines.map(\.id) == ["LINE-1", "LINE-2", "LINE-3", "LINE-4"])
        #expect(Validator(plant: plant).productionLines().isEmpty)
        plant.lines[1].conveyors.append("C-201")
        let found = Validator(plant: plant).productionLines()
        #expect(found.count == 1 && found.first?.entities.first == "C-201", "\(found.map(\.message))")
        #expect(found.first?.message.hasPrefix("line LINE-2: conveyor C-201 stands ") == true, "\(found.map(\.message))")
    }

    /// A link whose other end a change removes is reported by the change's check.
    @Test func removingTheOtherEndOfALinkIsAViolation() throws {
        var base = RuleTests.base
        let conveyor = try #require(base.entities.firstIndex { $0.category == .conveyor })
        let station = try #require(base.entities.first { $0.category == .station }).id
        base.entities[conveyor].links = [MaterialLink(to: station, within: 200)]
        var state = PlantState(plant: base)
        try state.apply(try UpdateParser.parse(line: #"{"t":"2026-05-04T08:00:00Z","edit":"remove","entity":"\#(station)"}"#))
        let new = base.edited(by: state)
        let flow = Validator(plant: new).validate(changes: LayoutDiff(base: base, new: new)).filter { $0.rule == .flow }
        #expect(flow.map(\.message) == ["\(base.entities[conveyor].id) hands material to \(station), which is gone"])
    }

    /// However far a door is declared, the floor grid stays within its bound of cells.
    @Test func theFloorGridIsBoundedWhateverTheManifestSays() throws {
        var plant = try Self.smallHall()
        plant.rules.building = nil
        plant.doors.append(Door(id: "FAR", from: SIMD2(1e7, 3), to: SIMD2(1e7, 4.2), exit: true))
        let validator = Validator(plant: plant)
        let grid = try #require(validator.floorGrid())
        #expect(grid.width * grid.height <= Validator.escapeMaxCells, "\(grid.width) x \(grid.height)")
        _ = validator.escapeRoutes()   // and it finishes, on a grid too coarse to say much
    }

    // MARK: Changes

    /// A change of the declarations alone (a door added) is a change the rules look at.
    @Test func aDeclaredDoorIsAChange() throws {
        var new = RuleTests.base
        new.doors = [Door(id: "D-NEW", from: SIMD2(50, 30), to: SIMD2(51, 30))]
        let diff = LayoutDiff(base: RuleTests.base, new: new)
        #expect(diff.practiceChanged && !diff.isEmpty)
        #expect(!LayoutDiff(base: RuleTests.base, new: RuleTests.base).practiceChanged)
    }

    // MARK: Fixes

    /// The move a fix names, as (dx, dy).
    static func offset(of fix: String?) throws -> (name: String, dx: Double, dy: Double) {
        let words = try #require(fix).split(separator: " ").map(String.init)
        try #require(words.count == 5 && words[0] == "move" && words[3] == "m")
        let d = try #require(Double(words[2]))
        let direction = ["north": (0.0, 1.0), "south": (0, -1), "east": (1, 0), "west": (-1, 0)][words[4]] ?? (0, 0)
        return (words[1], direction.0 * d, direction.1 * d)
    }

    /// A part in front of a door, in a service area, or too far from its link is told how far to move.
    @Test func practiceViolationsNameTheirSmallestFix() throws {
        var plant = try Self.hall([("box_1", SIMD2(5, 1.8), SIMD2(6, 2.8), 1), ("cabinet_1", SIMD2(10, 2), SIMD2(11, 2.5), 2),
                                   ("box_2", SIMD2(10, 3.0), SIMD2(11, 3.5), 1),
                                   ("conveyor_1", SIMD2(2, 6), SIMD2(6, 7), 0.8), ("station_1", SIMD2(6.3, 6), SIMD2(7.3, 7), 1)])
        plant.doors = [Door(id: "D-1", from: SIMD2(5.2, 1), to: SIMD2(6.4, 1), height: 2.1)]
        plant.entities[plant.entities.firstIndex { $0.id == "cabinet_1" }!].serviceAreas = [ServiceArea(side: .north)]
        plant.entities[plant.entities.firstIndex { $0.id == "conveyor_1" }!].links = [MaterialLink(to: "station_1")]
        let validator = Validator(plant: plant)
        let fixed = validator.withFixes(validator.doors() + validator.serviceAreas() + validator.materialFlow(), changed: nil)
        #expect(fixed.count == 3, "\(fixed.map(\.message))")
        // 0.8 m in front of the door: 0.2 m more; 0.5 m north of the cabinet: 0.2 m more; 0.3 m
        // from the station: 0.25 m nearer. Each to the millimetre (rounded up).
        let moves = try fixed.map { try Self.offset(of: $0.fix) }
        #expect(moves.map(\.name) == ["box_1", "box_2", "conveyor_1"], "\(fixed.map { $0.fix ?? "-" })")
        for (move, expected) in zip(moves, [(0.0, 0.2), (0, 0.2), (0.25, 0)]) {
            #expect(abs(move.dx - expected.0) <= 0.0015 && abs(move.dy - expected.1) <= 0.0015, "\(move)")
        }
        // One part, one violation each: no combined move.
        #expect(validator.combinedFixes.isEmpty)
        // A box both in front of the door and in the cabinet's service area: one move clears both,
        // the larger of the two (1.0 m from the door's line, 0.7 m from the cabinet's side).
        var both = try Self.hall([("box_1", SIMD2(5.2, 1.5), SIMD2(6.2, 2.5), 1), ("cabinet_1", SIMD2(5.2, 0.5), SIMD2(6.2, 1.0), 2)])
        both.doors = [Door(id: "D-1", from: SIMD2(5.2, 1), to: SIMD2(6.4, 1), height: 2.1)]
        both.entities[both.entities.firstIndex { $0.id == "cabinet_1" }!].serviceAreas = [ServiceArea(side: .north)]
        let twice = Validator(plant: both)
        let each = twice.withFixes(twice.doors() + twice.serviceAreas(), changed: nil)
        #expect(each.filter { $0.entities.first == "box_1" }.count == 2, "\(each.map(\.message))")
        // The cabinet stands right in front of the door on its south side (0 m), and only touches
        // its line from behind on the north side, which is no matter there.
        #expect(each.filter { $0.entities.first == "cabinet_1" }.map(\.measured) == [0], "\(each.map(\.message))")
        let combined = try #require(twice.combinedFixes.first { $0.entity == "box_1" })
        #expect(combined.violations == 2)
        let move = try Self.offset(of: combined.move)
        #expect(abs(move.dx) < 1e-9 && abs(move.dy - 0.5) <= 0.0015, "\(combined.move)")
    }

    /// A box set down on a route: the fix moves it off, and after that move the route keeps its margin.
    @Test func aPartOnARouteIsToldWhereToGo() throws {
        let route = try #require(RuleTests.base.routes.first { $0.agv != nil })
        let path = try PlantCollision.path(of: route, in: RuleTests.base.network)
        let pose = path.pose(at: path.length / 2)
        let add = PartRuleTests.add("BOX-R", size: 0.6, x: pose.x, y: pose.y)
        let hits = try RuleTests.violations(.route, [add]).filter { $0.entities.first == route.id }
        let v = try #require(hits.first)
        let move = try Self.offset(of: v.fix)
        #expect(move.name == "BOX-R")
        let moved = #"{"edit":"move","entity":"BOX-R","dx":\#(move.dx),"dy":\#(move.dy)}"#
        #expect(try RuleTests.violations(.route, [add, moved]).filter { $0.entities.first == route.id }.isEmpty)
    }
}
