/// Who holds which resource when, and so when each resource is blocked for the others: holding a
/// resource blocks every resource that conflicts with it for the same interval (widened by the
/// guard time). An AGV's last hold runs to infinity: where its plan ends, it stays.
struct Reservations {
    struct Interval {
        var start: Double
        var end: Double
        var owner: Int32
    }

    /// Seconds kept between two AGVs' occupations of conflicting places.
    let guardTime: Double
    let conflicts: [[Int32]]
    /// Per resource: finite blocking intervals sorted by start, the longest of them, and the
    /// holds without end (start, owner).
    private(set) var blocked: [[Interval]]
    private var longest: [Double]
    private var forever: [[(start: Double, owner: Int32)]]

    init(conflicts: [[Int32]], guardTime: Double) {
        self.conflicts = conflicts
        self.guardTime = guardTime
        blocked = Array(repeating: [], count: conflicts.count)
        longest = Array(repeating: 0, count: conflicts.count)
        forever = Array(repeating: [], count: conflicts.count)
    }

    /// `owner` holds `resource` from `start` to `end` (infinity: for good).
    mutating func hold(_ resource: Int32, from start: Double, to end: Double, owner: Int32) {
        for c in conflicts[Int(resource)] {
            let r = Int(c)
            if end == .infinity {
                forever[r].append((start, owner))
            } else {
                let item = Interval(start: start, end: end, owner: owner)
                var lo = 0, hi = blocked[r].count
                while lo < hi { let mid = (lo + hi) / 2; if blocked[r][mid].start <= start { lo = mid + 1 } else { hi = mid } }
                blocked[r].insert(item, at: lo)
                longest[r] = max(longest[r], end - start)
            }
        }
    }

    /// Takes back a hold made with the same arguments.
    mutating func release(_ resource: Int32, from start: Double, to end: Double, owner: Int32) {
        for c in conflicts[Int(resource)] {
            let r = Int(c)
            if end == .infinity {
                if let k = forever[r].firstIndex(where: { $0.owner == owner && $0.start == start }) { forever[r].remove(at: k) }
            } else {
                var lo = 0, hi = blocked[r].count
                while lo < hi { let mid = (lo + hi) / 2; if blocked[r][mid].start < start { lo = mid + 1 } else { hi = mid } }
                var k = lo
                while k < blocked[r].count && blocked[r][k].start == start {
                    if blocked[r][k].owner == owner && blocked[r][k].end == end { blocked[r].remove(at: k); break }
                    k += 1
                }
            }
        }
    }

    /// The latest end of another's occupation of `resource` overlapping [a, b] (guard time
    /// included), or nil when it is free then; infinity when a hold without end overlaps.
    func blockedUntil(_ resource: Int32, from a: Double, to b: Double, for owner: Int32) -> Double? {
        let r = Int(resource), g = guardTime
        for f in forever[r] where f.owner != owner && f.start < b + g { return .infinity }
        let list = blocked[r]
        // The first interval starting after b + g; every one before it that ends after a - g overlaps.
        var lo = 0, hi = list.count
        while lo < hi { let mid = (lo + hi) / 2; if list[mid].start < b + g { lo = mid + 1 } else { hi = mid } }
        var k = lo - 1
        var until: Double?
        let earliest = a - g - longest[r]
        while k >= 0 && list[k].start >= earliest {
            let item = list[k]
            if item.owner != owner && item.end > a - g { until = max(until ?? -.infinity, item.end) }
            k -= 1
        }
        return until.map { $0 + g }
    }

    /// The time up to which `resource` stays free for `owner` from `t` on (exclusive of the
    /// guard): the start of the next other occupation, or infinity.
    func freeUntil(_ resource: Int32, from t: Double, for owner: Int32) -> Double {
        let r = Int(resource), g = guardTime
        var next = Double.infinity
        for f in forever[r] where f.owner != owner { next = min(next, f.start) }
        let list = blocked[r]
        var lo = 0, hi = list.count
        while lo < hi { let mid = (lo + hi) / 2; if list[mid].start < t { lo = mid + 1 } else { hi = mid } }
        var k = lo
        while k < list.count && list[k].start < next {
            if list[k].owner != owner { next = list[k].start; break }
            k += 1
        }
        return next - g
    }

    /// The earliest time from which `resource` stays free of the others for good (guard time
    /// included), or infinity when another holds it without end.
    func freeForGoodFrom(_ resource: Int32, for owner: Int32) -> Double {
        let r = Int(resource)
        for f in forever[r] where f.owner != owner { return .infinity }
        let list = blocked[r]
        var latest = -Double.infinity
        var k = list.count - 1
        // Intervals are sorted by start; none before one starting `longest` before the latest end can end later.
        while k >= 0 && list[k].start + longest[r] > latest {
            if list[k].owner != owner { latest = max(latest, list[k].end) }
            k -= 1
        }
        return latest + guardTime
    }
}
