import CArrwKernels

/// An int8 copy of a slab's rows with a per-row error bound: what lets ``ScreenedScan`` find
/// the exact top k while reading a quarter of the bytes.
///
/// The codes lie in panels of 16 rows (`ARRW_PANEL_ROWS`), component by component, for
/// `arrw_screen_panels_i8`: code `i` of row `r` is at `((r / 16)·dimension + i)·16 + r % 16`.
/// Codes past the last row of the last panel are zero.
/// Row `r` is stored as codes `c` (`dimension` × Int8 in −127…127) and a scale `s`, so that
/// `x̂ = s·c` approximates the row `x` (`s = max|xᵢ| / 127`, `cᵢ = round(xᵢ / s)`). For any
/// query `q`, `|q·x − s·(q·c)| ≤ ‖q‖·bound[r]`, where `bound` is the residual `‖x − x̂‖` plus
/// the worst rounding of both float dot products (`q·x` and `q·c`, `(d + 8)·2⁻²⁴` times the
/// norms; it holds for any summation order) and is rounded up. `squaredNorms[r]` is `‖x‖²` in
/// double precision, for the squared-L2 bound.
///
/// Invariants: rows correspond one to one, in order, to the slab rows of the store it shadows
/// (the owner mirrors every append, replace and swap-remove); `count <= capacity`; every buffer
/// is zero past `count` (so a kernel may read whole panels).
/// Not thread-safe: the owner serializes mutations; reads may run concurrently with each other.
final class QuantizedRows {
    static let panelRows = Int(ARRW_PANEL_ROWS)

    let dimension: Int
    private(set) var count = 0
    /// Rows the panels can hold, a multiple of 16.
    private(set) var capacity = 0
    /// `capacity × dimension` codes in panels, zero where no row is. The per-row buffers below
    /// hold `capacity` entries each. All four are plain buffers, so a scan reads them through
    /// pointers (no retain, no exclusivity check) without a closure per buffer.
    private(set) var codes: UnsafeMutablePointer<Int8>
    private(set) var scales: UnsafeMutablePointer<Float>
    private(set) var bounds: UnsafeMutablePointer<Float>
    private(set) var squaredNorms: UnsafeMutablePointer<Double>

    /// An empty set of rows of `dimension` codes. Precondition: `dimension >= 1`.
    init(dimension: Int) {
        precondition(dimension >= 1, "QuantizedRows: dimension must be at least 1, got \(dimension)")
        self.dimension = dimension
        codes = .allocate(capacity: 1)
        scales = .allocate(capacity: 1)
        bounds = .allocate(capacity: 1)
        squaredNorms = .allocate(capacity: 1)
    }

    deinit {
        codes.deallocate()
        scales.deallocate()
        bounds.deallocate()
        squaredNorms.deallocate()
    }

    /// The panels in use: enough to hold every row.
    var panelCount: Int { (count + Self.panelRows - 1) / Self.panelRows }

    /// The codes and the three per-row arrays.
    var memoryBytes: Int {
        capacity * (dimension + 4 + 4 + 8)
    }

    func reserveCapacity(_ rows: Int) {
        let rows = (rows + Self.panelRows - 1) / Self.panelRows * Self.panelRows
        guard rows > capacity else { return }
        codes = Self.grown(codes, from: capacity * dimension, to: rows * dimension)
        scales = Self.grown(scales, from: capacity, to: rows)
        bounds = Self.grown(bounds, from: capacity, to: rows)
        squaredNorms = Self.grown(squaredNorms, from: capacity, to: rows)
        capacity = rows
    }

    /// A buffer of `new` zeros holding a copy of the first `old` values of `buffer` (freed).
    private static func grown<T: Numeric>(_ buffer: UnsafeMutablePointer<T>, from old: Int, to new: Int) -> UnsafeMutablePointer<T> {
        let grown = UnsafeMutablePointer<T>.allocate(capacity: new)
        grown.moveInitialize(from: buffer, count: old)
        (grown + old).initialize(repeating: 0, count: new - old)
        buffer.deallocate()
        return grown
    }

    /// Where code `component` of row `row` lies in the panels.
    @inline(__always)
    private func position(row: Int, component: Int) -> Int {
        ((row / Self.panelRows) * dimension + component) * Self.panelRows + row % Self.panelRows
    }

    /// Appends the quantized form of `vector` as the last row.
    func append(_ vector: UnsafeBufferPointer<Float>) {
        if count == capacity { reserveCapacity(Swift.max(16, capacity + capacity / 2)) }
        count += 1
        replace(row: count - 1, with: vector)
    }

    /// Overwrites row `row` with the quantized form of `vector`. Precondition: `0 <= row < count`.
    func replace(row: Int, with vector: UnsafeBufferPointer<Float>) {
        precondition(row >= 0 && row < count && vector.count == dimension, "QuantizedRows.replace: bad row or vector")
        var largest: Float = 0
        for x in vector { largest = Swift.max(largest, x.magnitude) }
        let scale = largest / 127
        let inverse = scale > 0 ? 1 / scale : 0
        let first = position(row: row, component: 0)
        var residual = 0.0, norm = 0.0, approximateNorm = 0.0
        for i in 0..<dimension {
            let x = vector[i]
            // Any code near x / scale will do: the bound is computed from the code chosen.
            let code = Int8(Swift.min(Swift.max((x * inverse).rounded(), -127), 127))
            codes[first + i * Self.panelRows] = code
            let approximate = Double(scale) * Double(code)
            residual += (Double(x) - approximate) * (Double(x) - approximate)
            norm += Double(x) * Double(x)
            approximateNorm += approximate * approximate
        }
        let rounding = Double(dimension + 8) * 0x1p-24 * (norm.squareRoot() + approximateNorm.squareRoot())
        scales[row] = scale
        bounds[row] = Float((residual.squareRoot() + rounding) * (1 + 1e-6)).nextUp
        squaredNorms[row] = norm
    }

    /// Moves the last row into row `row` (a no-op move when it is the last) and drops the last,
    /// as ``VectorSlab/removeSwappingLast(row:)`` does. Precondition: `0 <= row < count`.
    func removeSwappingLast(row: Int) {
        precondition(row >= 0 && row < count, "QuantizedRows.removeSwappingLast: row \(row) out of 0..<\(count)")
        let last = count - 1
        if row != last {
            for i in 0..<dimension { codes[position(row: row, component: i)] = codes[position(row: last, component: i)] }
            scales[row] = scales[last]
            bounds[row] = bounds[last]
            squaredNorms[row] = squaredNorms[last]
        }
        for i in 0..<dimension { codes[position(row: last, component: i)] = 0 }
        scales[last] = 0
        bounds[last] = 0
        squaredNorms[last] = 0
        count = last
    }
}
