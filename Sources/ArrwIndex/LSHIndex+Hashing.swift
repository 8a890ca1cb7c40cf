extension LSHIndex {
    /// The `tables × bits` projections `a·v`, function after function (C GEMM, ``PackedMatrix``).
    /// - Complexity: O(tables·bits·d).
    func project(_ v: UnsafeBufferPointer<Float>) -> [Float] {
        // Safe: v holds dimension >= 1 floats.
        packedProjections.products(of: v.baseAddress!, count: 1)
    }

    /// l2: the (unfloored) position `a·v / w + b` of function `f` for projection `p`.
    @inline(__always)
    func position(_ p: Float, function f: Int) -> Float {
        p / bucketWidth + offsets[f]
    }

    /// The slot of a position, clamped so that a huge ratio cannot overflow `Int64` (and 0 for
    /// NaN, from a projection that overflowed), never a trap.
    @inline(__always)
    static func slot(_ position: Float) -> Int64 {
        guard !position.isNaN else { return 0 }
        return Int64(Swift.min(Swift.max(position, -1e15), 1e15).rounded(.down))
    }

    /// The bucket code of table `t` for the projections `p`: the sign bits for cosine and dot;
    /// for l2 a hash of the `bits` slots.
    func code(table t: Int, projections p: [Float]) -> UInt64 {
        let first = t * bits
        if metric != .l2 {
            var code: UInt64 = 0
            for i in 0..<bits where p[first + i] >= 0 { code |= 1 << UInt64(i) }
            return code
        }
        return Self.mix((0..<bits).lazy.map { Self.slot(self.position(p[first + $0], function: first + $0)) })
    }

    /// The code of each table for vector `v`.
    func bucketCodes(of v: UnsafeBufferPointer<Float>) -> [UInt64] {
        let p = project(v)
        return (0..<tables).map { code(table: $0, projections: p) }
    }

    /// A 64-bit hash of a sequence of slots (multiply–xorshift, as in SplitMix64's finalizer).
    static func mix(_ slots: some Sequence<Int64>) -> UInt64 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3
        for slot in slots {
            h = (h ^ UInt64(bitPattern: slot)) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
        }
        return h
    }

    /// l2: ``widthScale`` × the RMS spread (standard deviation) of the projections over an evenly
    /// strided sample of at most 2,048 rows; 1 when the rows do not spread at all.
    func fittedWidth() -> Float {
        let step = Swift.max(1, store.count / 2048)
        let sample = Array(stride(from: 0, to: store.count, by: step))
        let functions = tables * bits
        var sum = [Double](repeating: 0, count: functions)
        var sumOfSquares = [Double](repeating: 0, count: functions)
        for row in sample {
            let p = store.slab.withRow(row) { project($0) }
            for f in 0..<functions {
                sum[f] += Double(p[f])
                sumOfSquares[f] += Double(p[f]) * Double(p[f])
            }
        }
        let n = Double(sample.count)
        var variance = 0.0
        for f in 0..<functions { variance += Swift.max(0, sumOfSquares[f] / n - (sum[f] / n) * (sum[f] / n)) }
        let sigma = Float((variance / Double(functions)).squareRoot())
        let width = Self.widthScale * sigma
        return width.isFinite && width >= 1e-30 ? width : 1
    }

    /// Multi-probe (Lv et al. 2007): the codes of up to `count` buckets of table `t` for a query
    /// with projections `p`, its own bucket first, then by increasing perturbation score (the sum
    /// of the squared distances from the query's projections to the boundaries crossed). The
    /// perturbation sets come from a min-heap grown by *shift* and *expand* over the single
    /// perturbations sorted by cost, which yields them in score order without enumerating all.
    func probeCodes(table t: Int, projections p: [Float], count: Int) -> [UInt64] {
        let first = t * bits
        // Single perturbations: (cost, function index within the table, direction).
        var singles: [(cost: Float, function: Int, delta: Int64)] = []
        if metric != .l2 {
            for i in 0..<bits { singles.append((p[first + i] * p[first + i], i, 0)) }
        } else {
            for i in 0..<bits {
                let x = position(p[first + i], function: first + i)
                let fraction = x - x.rounded(.down)
                singles.append((fraction * fraction, i, -1))
                singles.append(((1 - fraction) * (1 - fraction), i, 1))
            }
        }
        singles.sort { $0.cost < $1.cost || ($0.cost == $1.cost && $0.function < $1.function) }
        let home = code(table: t, projections: p)
        var result = [home]
        guard count > 1, !singles.isEmpty else { return result }
        let baseSlots: [Int64] = metric == .l2
            ? (0..<bits).map { Self.slot(position(p[first + $0], function: first + $0)) } : []
        var frontier = LSHProbeHeap()
        frontier.push(LSHProbeSet(score: singles[0].cost, last: 0, low: 1, high: 0))
        while result.count < count, let set = frontier.pop() {
            let last = set.last, next = last + 1
            if next < singles.count {
                var shifted = set
                shifted.remove(last)
                shifted.insert(next)
                shifted.score += singles[next].cost - singles[last].cost
                frontier.push(shifted)
                var expanded = set
                expanded.insert(next)
                expanded.score += singles[next].cost
                frontier.push(expanded)
            }
            if metric != .l2 {
                var code = home
                set.forEachMember { code ^= 1 << UInt64(singles[$0].function) }
                result.append(code)
            } else {
                var slots = baseSlots
                var touched: UInt64 = 0
                var valid = true
                set.forEachMember { m in
                    let function = singles[m].function
                    valid = valid && touched & (1 << UInt64(function)) == 0
                    touched |= 1 << UInt64(function)
                    slots[function] += singles[m].delta
                }
                if valid { result.append(Self.mix(slots)) }
            }
        }
        return result
    }
}

/// A set of single perturbations (indexes into the cost-sorted list: at most 2 × 64, as bits of
/// `low` and `high`), its greatest member and its score. No allocation per set.
struct LSHProbeSet {
    var score: Float
    var last: Int
    var low: UInt64
    var high: UInt64

    mutating func insert(_ member: Int) {
        if member < 64 { low |= 1 << UInt64(member) } else { high |= 1 << UInt64(member - 64) }
        last = Swift.max(last, member)
    }

    /// Removes `member`; only ever the greatest (`last`), replaced at once by `insert`.
    mutating func remove(_ member: Int) {
        if member < 64 { low &= ~(1 << UInt64(member)) } else { high &= ~(1 << UInt64(member - 64)) }
    }

    func forEachMember(_ body: (Int) -> Void) {
        var bits = low
        while bits != 0 {
            body(bits.trailingZeroBitCount)
            bits &= bits - 1
        }
        bits = high
        while bits != 0 {
            body(64 + bits.trailingZeroBitCount)
            bits &= bits - 1
        }
    }
}

/// A small binary min-heap of ``LSHProbeSet``s by score, for ``LSHIndex/probeCodes(table:projections:count:)``.
struct LSHProbeHeap {
    private var items: [LSHProbeSet] = []

    mutating func push(_ item: LSHProbeSet) {
        items.append(item)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].score < items[parent].score else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> LSHProbeSet? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < items.count && items[left].score < items[smallest].score { smallest = left }
            if right < items.count && items[right].score < items[smallest].score { smallest = right }
            if smallest == parent { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
