/// The raw memory of an ``HNSWIndex``: the vector slab, the layer-0 link slab and the side
/// tables, all indexed by internal id, plus the pool of upper-layer link blocks. Owns its buffers
/// (freed in `deinit`); grows by ×1.5. Vector row: `dimension` floats, padded with zeros to a
/// multiple of 4 floats (`rowFloats`), in a 64-byte-aligned slab bound to `Float`. Layer-0 list: a count, then `2m` slots
/// (UInt32). An upper block of a node of level `L` is `L` lists of
/// `1 + m` UInt32 (count, then ids), for layers 1...L in order, starting at `upperOffsets[id]`.
final class HNSWStore {
    let dimension: Int
    let m: Int
    /// Floats per vector row (`dimension` rounded up to a multiple of 4).
    let rowFloats: Int
    /// UInt32 slots per layer-0 list (count + 2m).
    let linkStride: Int
    /// Nodes stored (live and tombstoned).
    private(set) var count = 0
    /// Nodes the slab and side tables can hold.
    private(set) var capacity = 0
    /// UInt32 slots of the upper pool in use, and allocated.
    private(set) var upperCount = 0
    private(set) var upperCapacity = 0
    private(set) var vectors: UnsafeMutablePointer<Float>
    private(set) var links0: UnsafeMutablePointer<UInt32>
    private(set) var keys: UnsafeMutablePointer<UInt64>
    private(set) var levels: UnsafeMutablePointer<UInt8>
    private(set) var upperOffsets: UnsafeMutablePointer<UInt32>
    private(set) var tombstones: UnsafeMutablePointer<UInt64>
    private(set) var upper: UnsafeMutablePointer<UInt32>

    init(dimension: Int, m: Int) {
        self.dimension = dimension
        self.m = m
        self.rowFloats = (dimension + 3) / 4 * 4
        self.linkStride = 1 + 2 * m
        self.vectors = Self.allocateFloats(16)
        self.links0 = .allocate(capacity: 1)
        self.keys = .allocate(capacity: 1)
        self.levels = .allocate(capacity: 1)
        self.upperOffsets = .allocate(capacity: 1)
        self.tombstones = .allocate(capacity: 1)
        self.upper = .allocate(capacity: 1)
    }

    deinit {
        // Safe: each buffer came from allocate, is owned by this store alone and freed once, here.
        vectors.deallocate()
        links0.deallocate()
        keys.deallocate()
        levels.deallocate()
        upperOffsets.deallocate()
        tombstones.deallocate()
        upper.deallocate()
    }

    var memoryBytes: Int {
        capacity * (rowFloats * 4 + linkStride * 4 + 8 + 1 + 4) + (capacity + 63) / 64 * 8 + upperCapacity * 4
    }

    /// Pointers to everything, for loops that must not touch class properties.
    var view: GraphView {
        GraphView(vectors: vectors, rowFloats: rowFloats, links0: links0, linkStride: linkStride,
                  dimension: dimension,
                  upper: upper, upperOffsets: upperOffsets, upperStride: 1 + m,
                  keys: keys, tombstones: tombstones, levels: levels)
    }

    /// Ensures room for `wanted` nodes in all.
    func reserve(_ wanted: Int) {
        guard wanted > capacity else { return }
        let words = (capacity + 63) / 64, newWords = (wanted + 63) / 64
        let newVectors = Self.allocateFloats(wanted * rowFloats)
        // Safe: both slabs hold at least count rows; the old ones are initialized (Float is trivial).
        newVectors.initialize(from: vectors, count: count * rowFloats)
        vectors.deallocate()
        vectors = newVectors
        links0 = Self.grow(links0, used: count * linkStride, to: wanted * linkStride)
        keys = Self.grow(keys, used: count, to: wanted)
        levels = Self.grow(levels, used: count, to: wanted)
        upperOffsets = Self.grow(upperOffsets, used: count, to: wanted)
        tombstones = Self.grow(tombstones, used: words, to: newWords)
        // Safe: words..<newWords lie inside the new bitmap.
        (tombstones + words).initialize(repeating: 0, count: newWords - words)
        capacity = wanted
    }

    /// Appends a node record holding `vector` (dimension floats), no links, not tombstoned, and
    /// an upper block of `level` empty lists; returns its id.
    func append(key: UInt64, vector: UnsafePointer<Float>, level: Int) -> UInt32 {
        precondition(count < Int(UInt32.max), "HNSWIndex: more than \(UInt32.max - 1) nodes")
        if count == capacity { reserve(Swift.max(16, capacity + capacity / 2)) }
        let id = count
        let row = vectors + id * rowFloats
        // Safe: the row's rowFloats floats lie inside the slab (id < capacity); padding is zeroed.
        row.initialize(from: vector, count: dimension)
        (row + dimension).initialize(repeating: 0, count: rowFloats - dimension)
        // Safe: id < capacity for the link slab and every side table.
        links0[id * linkStride] = 0
        keys[id] = key
        levels[id] = UInt8(level)
        upperOffsets[id] = level > 0 ? allocateUpper(lists: level) : 0
        count += 1
        return UInt32(id)
    }

    /// Reserves `lists` empty upper lists in the pool; returns the offset of the first.
    private func allocateUpper(lists: Int) -> UInt32 {
        let slots = lists * (1 + m)
        precondition(upperCount + slots < Int(UInt32.max), "HNSWIndex: upper layers too large")
        if upperCount + slots > upperCapacity {
            let wanted = Swift.max(upperCount + slots, upperCapacity + upperCapacity / 2, 64)
            upper = Self.grow(upper, used: upperCount, to: wanted)
            upperCapacity = wanted
        }
        let offset = upperCount
        for list in 0..<lists {
            // Safe: offset + list·(1+m) < upperCount + slots <= upperCapacity.
            upper[offset + list * (1 + m)] = 0
        }
        upperCount += slots
        return UInt32(offset)
    }

    /// Marks node `id` tombstoned. Precondition: `id < count`.
    func setTombstone(_ id: UInt32) {
        precondition(Int(id) < count, "HNSWStore: id \(id) out of range")
        // Safe: id < count <= capacity, so its word lies inside the bitmap.
        tombstones[Int(id) >> 6] |= 1 << (UInt64(id) & 63)
    }

    /// Room for `count` floats, aligned to a cache line (64 bytes).
    private static func allocateFloats(_ count: Int) -> UnsafeMutablePointer<Float> {
        // Safe: fresh allocation, bound to Float once here and only ever used as Float.
        UnsafeMutableRawPointer.allocate(byteCount: Swift.max(1, count) * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: Swift.max(1, count))
    }

    /// A buffer of `capacity` elements holding a copy of the first `used` of `old` (freed).
    private static func grow<T>(_ old: UnsafeMutablePointer<T>, used: Int, to capacity: Int) -> UnsafeMutablePointer<T> {
        let new = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(1, capacity))
        // Safe: the new buffer holds capacity >= used elements; old holds used initialized ones
        // (all element types here are trivial, so moving is copying).
        new.moveInitialize(from: old, count: used)
        old.deallocate()
        return new
    }
}

/// Unmanaged pointers into an ``HNSWStore``, valid while the store lives and does not grow:
/// hot loops read through it instead of class properties (no retain, no exclusivity checks).
struct GraphView {
    let vectors: UnsafeMutablePointer<Float>
    let rowFloats: Int
    let links0: UnsafeMutablePointer<UInt32>
    let linkStride: Int
    let dimension: Int
    let upper: UnsafeMutablePointer<UInt32>
    let upperOffsets: UnsafeMutablePointer<UInt32>
    let upperStride: Int
    let keys: UnsafeMutablePointer<UInt64>
    let tombstones: UnsafeMutablePointer<UInt64>
    let levels: UnsafeMutablePointer<UInt8>

    /// The vector of node `id`. Precondition (unchecked): `id` < the store's count.
    @inline(__always)
    func vector(_ id: UInt32) -> UnsafePointer<Float> {
        // Safe: row `id` (rowFloats floats, the first dimension of them the vector) lies inside the slab.
        UnsafePointer(vectors + Int(id) &* rowFloats)
    }

    /// The list of node `id` on `level`: the count, then the ids.
    /// Precondition (unchecked): `id` < the store's count and `level <= levels[id]`.
    @inline(__always)
    func links(_ id: UInt32, level: Int) -> UnsafeMutablePointer<UInt32> {
        if level == 0 {
            // Safe: list `id` (count, then 2m slots) lies inside the layer-0 slab.
            return links0 + Int(id) &* linkStride
        }
        // Safe: a node of level L owns L lists of upperStride slots from upperOffsets[id].
        return upper + (Int(upperOffsets[Int(id)]) &+ (level &- 1) &* upperStride)
    }

    /// Whether node `id` is tombstoned. Precondition (unchecked): `id` < the store's count.
    @inline(__always)
    func isTombstone(_ id: UInt32) -> Bool {
        // Safe: the bitmap covers every id below the store's capacity.
        tombstones[Int(id &>> 6)] & (1 &<< (UInt64(id) & 63)) != 0
    }
}
