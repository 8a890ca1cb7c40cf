/// Dense storage for fixed-dimension `Float` vectors: one owned, contiguous, 64-byte-aligned
/// buffer in which row `r` occupies floats `r * dimension ..< (r + 1) * dimension`.
///
/// Modelled on swift-collections' `RigidArray`: no per-vector arrays, the buffer is freed in
/// `deinit`. Invariants: `0 <= count <= capacity`; rows `0..<count` are initialized and dense
/// (``removeSwappingLast(row:)`` moves the last row into the hole, so row numbers are not stable
/// across removals); capacity grows geometrically (×1.5, at least 16 rows), so appends are
/// amortized O(d). The buffer never shrinks.
///
/// Not thread-safe: the caller serializes mutations; reads may run concurrently with each other.
public final class VectorSlab {
    /// The number of floats per row. At least 1.
    public let dimension: Int
    /// The number of rows stored.
    public private(set) var count: Int
    /// The number of rows the buffer can hold without growing.
    public private(set) var capacity: Int
    /// The buffer: `capacity * dimension` floats, of which the first `count * dimension` are
    /// initialized (floats are trivial, so the rest need no deinitialization).
    @usableFromInline var base: UnsafeMutablePointer<Float>

    /// An empty slab for vectors of `dimension` floats. Precondition: `dimension >= 1`.
    public init(dimension: Int, capacity: Int = 0) {
        precondition(dimension >= 1, "VectorSlab: dimension must be at least 1, got \(dimension)")
        precondition(capacity >= 0, "VectorSlab: negative capacity \(capacity)")
        self.dimension = dimension
        self.count = 0
        self.capacity = capacity
        self.base = Self.allocate(rows: capacity, dimension: dimension)
    }

    deinit {
        // Safe: base came from allocate(rows:dimension:) and is freed exactly once, here.
        base.deallocate()
    }

    /// The bytes the buffer occupies (its capacity, not only the rows in use).
    public var memoryBytes: Int { capacity * dimension * MemoryLayout<Float>.stride }

    /// Appends a copy of `v` as a new last row and returns its row number.
    /// `v` may point into this slab. Precondition: `v.count == dimension`.
    /// - Complexity: amortized O(d).
    @discardableResult
    public func append(_ v: UnsafeBufferPointer<Float>) -> Int {
        precondition(v.count == dimension, "VectorSlab.append: expected \(dimension) floats, got \(v.count)")
        let row = count
        if count == capacity {
            let old = base
            let newCapacity = Swift.max(16, capacity + capacity / 2)
            base = Self.allocate(rows: newCapacity, dimension: dimension)
            // Safe: both buffers hold at least count * dimension floats, the old ones initialized.
            base.initialize(from: old, count: count * dimension)
            // Safe: v has dimension floats (checked above) and old is still alive, even if v points into it.
            (base + row * dimension).initialize(from: v.baseAddress!, count: dimension)
            // Safe: old is no longer referenced; it came from allocate(rows:dimension:).
            old.deallocate()
            capacity = newCapacity
        } else {
            // Safe: row < capacity, so its dimension floats lie inside the buffer; v cannot overlap
            // this row because the row is outside the initialized part.
            (base + row * dimension).initialize(from: v.baseAddress!, count: dimension)
        }
        count += 1
        return row
    }

    /// Overwrites row `row` with `v`. `v` may overlap the slab.
    /// Preconditions: `0 <= row < count`, `v.count == dimension`.
    /// - Complexity: O(d).
    public func replace(row: Int, with v: UnsafeBufferPointer<Float>) {
        precondition(row >= 0 && row < count, "VectorSlab.replace: row \(row) out of 0..<\(count)")
        precondition(v.count == dimension, "VectorSlab.replace: expected \(dimension) floats, got \(v.count)")
        // Safe: the row lies inside the initialized part; raw copyMemory is a memmove, so overlap is fine.
        UnsafeMutableRawPointer(base + row * dimension)
            .copyMemory(from: v.baseAddress!, byteCount: dimension * MemoryLayout<Float>.stride)
    }

    /// Removes row `row` by moving the last row into its place (a no-op move when `row` is the
    /// last). Precondition: `0 <= row < count`.
    /// - Complexity: O(d).
    public func removeSwappingLast(row: Int) {
        precondition(row >= 0 && row < count, "VectorSlab.removeSwappingLast: row \(row) out of 0..<\(count)")
        let last = count - 1
        if row != last {
            // Safe: row and last are distinct initialized rows, so the ranges do not overlap.
            (base + row * dimension).update(from: base + last * dimension, count: dimension)
        }
        count = last
    }

    /// Ensures room for at least `rows` rows without further growth.
    /// - Complexity: O(count · d) when it grows.
    public func reserveCapacity(_ rows: Int) {
        guard rows > capacity else { return }
        let old = base
        base = Self.allocate(rows: rows, dimension: dimension)
        // Safe: both buffers hold at least count * dimension floats, the old ones initialized.
        base.initialize(from: old, count: count * dimension)
        // Safe: old is no longer referenced; it came from allocate(rows:dimension:).
        old.deallocate()
        capacity = rows
    }

    /// Calls `body` with row `row`. The buffer must not escape `body`.
    /// Precondition: `0 <= row < count`.
    @inlinable
    public func withRow<R>(_ row: Int, _ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        precondition(row >= 0 && row < count, "VectorSlab.withRow: row \(row) out of 0..<\(count)")
        // Safe: the row is initialized and stays alive (self is retained) for the duration of body.
        return try body(UnsafeBufferPointer(start: base + row * dimension, count: dimension))
    }

    /// Calls `body` with all rows as one buffer of `count * dimension` floats, row after row.
    /// The buffer must not escape `body`.
    @inlinable
    public func withUnsafeRows<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        // Safe: the first count * dimension floats are initialized and alive for the duration of body.
        try body(UnsafeBufferPointer(start: base, count: count * dimension))
    }

    /// A copy of row `row`. Precondition: `0 <= row < count`.
    public func row(_ row: Int) -> [Float] {
        withRow(row) { Array($0) }
    }

    /// A buffer for `rows` rows, aligned to a cache line (64 bytes).
    private static func allocate(rows: Int, dimension: Int) -> UnsafeMutablePointer<Float> {
        let bytes = Swift.max(1, rows * dimension) * MemoryLayout<Float>.stride
        // Safe: fresh allocation, bound to Float once here and only ever used as Float.
        return UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
            .bindMemory(to: Float.self, capacity: Swift.max(1, rows * dimension))
    }
}
