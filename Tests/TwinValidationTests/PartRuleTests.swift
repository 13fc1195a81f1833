import Foundation
import Testing
import TwinTestSupport
import FactoryTwin
@testable import TwinValidation

/// Every kind of part against every other, and every part inside the building, each rule with a
/// change on either side of its limit (a millimetre), the geometry worked out here.
@Suite("Every part against every other")
struct PartRuleTests {
    static func box(_ name: String) throws -> Validator.PartBox {
        try #require(Validator(plant: RuleTests.base).boxes.first { $0.name == name })
    }
    static func add(_ id: String, category: String = "object", size: Double = 1, x: Double, y: Double) -> String {
        #"{"edit":"add","entity":"\#(id)","category":"\#(category)","size":[\#(size),\#(size),\#(size)],"x":\#(x),"y":\#(y)}"#
    }

    /// Two 1 m boxes on free floor (A spans x 29.5 ... 30.5): crossing by 2 mm is an overlap,
    /// by half a millimetre or face to face a touch, which parts may do when no clearance is asked.
    @Test func objectsMustNotCrossButMayTouch() throws {
        let a = Self.add("BOX-A", x: 30, y: 44.5)
        let crossing = try RuleTests.violations(.overlap, [a, Self.add("BOX-B", x: 31 - 0.002, y: 44.5)])
        #expect(crossing.map(\.message) == ["BOX-A and BOX-B intersect"])
        #expect(try RuleTests.violations(.overlap, [a, Self.add("BOX-B", x: 31 - 0.0005, y: 44.5)]).isEmpty)
        #expect(try RuleTests.violations(.overlap, [a, Self.add("BOX-B", x: 31, y: 44.5)]).isEmpty)
    }

    /// A clearance asked between categories: 0.5 m between objects, held to the millimetre.
    @Test func clearancesBetweenCategories() throws {
        let a = Self.add("BOX-A", x: 30, y: 44.5)
        func ask(_ rules: inout LayoutRules) { rules.pairClearances = [.init(kinds: ["object"], meters: 0.5)] }
        let near = try RuleTests.violations(.clearance, [a, Self.add("BOX-B", x: 31.5 - 0.001, y: 44.5)], rules: ask)
        #expect(near.count == 1 && abs((near.first?.measured ?? 0) - 0.499) < 1e-6, "\(near.map(\.message))")
        #expect(near.first?.required == 0.5)
        #expect(try RuleTests.violations(.clearance, [a, Self.add("BOX-B", x: 31.5 + 0.001, y: 44.5)], rules: ask).isEmpty)
        // Kinds and categories mix: a rack and a machine.
        #expect(RuleTests.base.rules.clearance(between: ("pallet-rack", "rack"), ("press", "machine")) == nil)
        var rules = LayoutRules()
        rules.pairClearances = [.init(kinds: ["machine", "rack"], meters: 1.0), .init(kinds: ["press", "pallet-rack"], meters: 1.5)]
        #expect(rules.clearance(between: ("pallet-rack", "rack"), ("cnc-mill", "machine")) == 1.0)
        #expect(rules.clearance(between: ("press", "machine"), ("pallet-rack", "rack")) == 1.5)
        #expect(rules.clearance(between: ("pallet-rack", "rack"), ("roller", "conveyor")) == nil)
    }

    /// What was missed before: a rack pushed through the north wall, a copy of a machine inside
    /// a rack, a pallet set down on a machine.
    @Test func racksWallsMachinesAndPalletsAreHeldAgainstEachOther() throws {
        let rack = try Self.box("R-01")
        // The north wall's inner face stands at y = 59; the rack pushed 0.1 m into it.
        let pushed = try RuleTests.violations(.overlap, [#"{"edit":"move","entity":"R-01","dy":\#(59 - rack.hi.y + 0.1)}"#])
        #expect(pushed.contains { Set($0.entities) == ["R-01", "hall/Building/Walls"] }, "\(pushed.map(\.message))")
        let centre = ((rack.lo.x + rack.hi.x) / 2, (rack.lo.y + rack.hi.y) / 2)
        let copy = try RuleTests.violations(.overlap, [#"{"edit":"add","entity":"M-100","like":"M-001","x":\#(centre.0),"y":\#(centre.1)}"#])
        #expect(copy.contains { Set($0.entities) == ["M-100", "R-01"] }, "\(copy.map(\.message))")
        // A pallet set down on CNC mill M-001 (a closed enclosure; a press's open frame may hold one untouched).
        let mill = try Self.box("M-001")
        let pallet = try RuleTests.violations(.overlap, [Self.add("PAL-1", size: 0.8, x: (mill.lo.x + mill.hi.x) / 2, y: (mill.lo.y + mill.hi.y) / 2)])
        #expect(pallet.map(\.message) == ["M-001 and PAL-1 intersect"])
    }

    /// The walls' outer faces bound the building (x -0.3 ... 102.3, y -0.3 ... 59.3 in the demo).
    @Test func everyPartStaysInsideTheBuilding() throws {
        let m001 = try Self.box("M-001")
        let out = try RuleTests.violations(.building, [#"{"edit":"move","entity":"M-001","dy":-16}"#])
        #expect(out.count == 1 && out.first?.entities == ["M-001"])
        let expected = -0.3 - (m001.lo.y - 16)
        #expect(abs((out.first?.measured ?? 0) - expected) < 1e-4, "measured \(String(describing: out.first?.measured)), expected \(expected)")
        // A box reaching 2 mm past the west wall's outer face is outside; half a millimetre is not.
        let far = try RuleTests.violations(.building, [Self.add("BOX-W", x: -0.3 + 0.5 - 0.002, y: 30)])
        #expect(far.count == 1 && abs((far.first?.measured ?? 0) - 0.002) < 1e-6, "\(far.map(\.message))")
        #expect(try RuleTests.violations(.building, [Self.add("BOX-W", x: -0.3 + 0.5 - 0.0005, y: 30)]).isEmpty)
        // A declared outline: the western half of the hall leaves the east's machines outside.
        // (Other rules than the base's: the whole layout is checked again.)
        let half = try RuleTests.violations(.building, []) { rules in rules.building = [SIMD2(0, 0), SIMD2(50, 0), SIMD2(50, 59), SIMD2(0, 59)] }
        #expect(half.contains { $0.entities == ["M-044"] } && !half.contains { $0.entities == ["M-001"] })
        // Switched off.
        #expect(try RuleTests.violations(.building, [#"{"edit":"move","entity":"M-001","dy":-16}"#]) { $0.insideBuilding = false }.isEmpty)
    }
}

/// Each violation a move of one part can fix says the smallest such move, checked by making it.
@Suite("The smallest fix")
struct FixTests {
    @Test func clearancesAndTheBuildingSayHowFarToMove() throws {
        // M-002 slid west towards M-001 until 0.3 m of air is left; 0.5 m is asked: 0.2 m back east.
        let validator = Validator(plant: RuleTests.base)
        let a = try #require(validator.part("M-001")), b = try #require(validator.part("M-002"))
        let gap = a.tree.distance(to: b.tree)
        let close = try RuleTests.violations(.clearance, [#"{"edit":"move","entity":"M-002","dx":\#(-(gap - 0.3))}"#])
        let fix = try #require(close.first?.fix)
        #expect(fix == "move M-002 0.200 m east" || fix == "move M-002 0.201 m east", "\(fix)")
        // Moved 16 m south, out of the hall: back north by as much as it reaches out.
        let out = try RuleTests.violations(.building, [#"{"edit":"move","entity":"M-001","dy":-16}"#])
        let reach = try #require(out.first?.measured)
        let back = try #require(out.first?.fix)
        #expect(back.hasPrefix("move M-001 ") && back.hasSuffix(" m north"), "\(back)")
        let metres = try #require(Double(back.dropFirst("move M-001 ".count).dropLast(" m north".count)))
        #expect(metres >= reach - 0.002 && metres <= reach + 0.002, "\(metres) against \(reach)")
        // Making the move named clears the violation.
        let fixed = try RuleTests.violations(.clearance, [#"{"edit":"move","entity":"M-002","dx":\#(-(gap - 0.3) + 0.201)}"#])
        #expect(fixed.isEmpty, "\(fixed.map(\.message))")
    }
}

@Suite("Dashed lines for removed edges")
struct DashTests {
    /// A 3 m line in 0.6 m dashes with 0.4 m gaps: dashes at 0-0.6, 1-1.6, 2-2.6; round a corner too.
    @Test func dashesFollowTheLine() {
        let dashes = DiffImage.dashes([SIMD2(0, 0), SIMD2(3, 0)], on: 0.6, off: 0.4)
        #expect(dashes.count == 3)
        for (k, dash) in dashes.enumerated() {
            #expect(abs(dash.first!.x - Double(k)) < 1e-9 && abs(dash.last!.x - (Double(k) + 0.6)) < 1e-9, "\(dash)")
        }
        let corner = DiffImage.dashes([SIMD2(0, 0), SIMD2(0.5, 0), SIMD2(0.5, 1)], on: 0.6, off: 0.4)
        #expect(corner.first! == [SIMD2(0, 0), SIMD2(0.5, 0), SIMD2(0.5, 0.1)] || corner.first!.count == 3)
        #expect(corner.count == 2 && abs(corner[1].first!.y - 0.5) < 1e-9 && abs(corner[1].last!.y - 1) < 1e-9, "\(corner)")
    }
}

/// Safety zones hold the machine they guard and nothing else: no part, no walkway, no AGV route.
/// Z-SAFETY-M-012 spans x 13.6 ... 18.4, y 22.2 ... 26.8 around press M-012.
@Suite("Safety zones kept clear")
struct SafetyZoneTests {
    static func safety(_ plant: Plant) -> [Violation] {
        Validator(plant: plant).validate().filter { $0.rule == .safety }
    }

    @Test func noOtherPartInASafetyZone() throws {
        // A 1 m box whose north face reaches 2 mm over the zone's south edge, then half a millimetre.
        let into = try RuleTests.violations(.safety, [PartRuleTests.add("BOX-S", x: 16, y: 22.2 + 0.002 - 0.5)])
        #expect(into.count == 1 && into.first?.entities == ["BOX-S", "Z-SAFETY-M-012"], "\(into.map(\.message))")
        #expect(abs((into.first?.measured ?? 0) - 0.002) < 1e-6)
        #expect(into.first?.message.contains("(around M-012)") ?? false)
        // Back out of it by what it reaches in (to the rule's millimetre).
        let fix = try #require(into.first?.fix)
        #expect(fix == "move BOX-S 0.001 m south" || fix == "move BOX-S 0.002 m south", "\(fix)")
        #expect(try RuleTests.violations(.safety, [PartRuleTests.add("BOX-S", x: 16, y: 22.2 + 0.0005 - 0.5)]).isEmpty)
    }

    @Test func noWalkwayAcrossASafetyZone() throws {
        var plant = RuleTests.base
        plant.zones.append(Zone(id: "Z-WALK-NEW", kind: .walkway, polygon: [SIMD2(10, 24), SIMD2(13.6 + 0.002, 24), SIMD2(13.6 + 0.002, 25), SIMD2(10, 25)]))
        let across = Self.safety(plant)
        #expect(across.map(\.entities) == [["Z-WALK-NEW", "Z-SAFETY-M-012"]], "\(across.map(\.message))")
        #expect(abs((across.first?.measured ?? 0) - 0.002) < 1e-6)
        plant.zones[plant.zones.count - 1].polygon = [SIMD2(10, 24), SIMD2(13.6 - 0.001, 24), SIMD2(13.6 - 0.001, 25), SIMD2(10, 25)]
        #expect(Self.safety(plant).isEmpty)
    }

    /// The loop runs east along y = 8 with AGV-01, 0.8 m wide: its side at y = 8.4. A safety zone
    /// (guarding nothing) whose south edge lies 2 mm below that side is entered; half a millimetre is not.
    @Test func noRouteThroughASafetyZone() throws {
        var plant = RuleTests.base
        func zone(from south: Double) -> Zone {
            Zone(id: "Z-SAFETY-TEST", kind: .safety, polygon: [SIMD2(26, south), SIMD2(30, south), SIMD2(30, south + 1.2), SIMD2(26, south + 1.2)])
        }
        plant.zones.append(zone(from: 8.4 - 0.002))
        let entered = Self.safety(plant).filter { $0.entities.first == "R-LOOP" }
        #expect(entered.count == 1 && abs((entered.first?.measured ?? 0) - 0.002) < 1e-6, "\(entered.map(\.message))")
        plant.zones[plant.zones.count - 1] = zone(from: 8.4 + 0.0005)
        #expect(Self.safety(plant).filter { $0.entities.first == "R-LOOP" }.isEmpty)
    }
}
