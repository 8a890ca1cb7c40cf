import CArrwKernels

/// Row vectors packed once for the C GEMM kernel (`arrw_gemm_packed`, optimized even in debug
/// builds), for the many dot products of IVF's coarse quantizer and k-means and of LSH's
/// projections: `products(of:count:)` gives every query row's dot product with every row.
///
/// Results can differ from ``DistanceKernels/dot(_:_:count:)`` (and between CPUs, which take
/// different GEMM paths) in the last bits, so they only ever choose lists, seeds or buckets;
/// reported scores always come from ``DistanceKernels``. Immutable, so safe to share across
/// concurrent reads.
struct PackedMatrix {
    /// The number of packed vectors.
    let rows: Int
    /// Floats per vector.
    let dimension: Int
    /// The vectors in the kernel's panel layout (`arrw_packed_size(rows, dimension)` floats).
    private let packed: [Float]

    /// Packs `rows` row-major vectors of `dimension` floats from `values`.
    /// Preconditions: `values.count == rows * dimension`, `1 <= rows, dimension < 2³¹`.
    init(_ values: UnsafeBufferPointer<Float>, rows: Int, dimension: Int) {
        precondition(values.count == rows * dimension && rows >= 1 && dimension >= 1
                     && rows < Int(Int32.max) && dimension < Int(Int32.max), "PackedMatrix: bad shape")
        self.rows = rows
        self.dimension = dimension
        self.packed = [Float](unsafeUninitializedCapacity: Int(arrw_packed_size(Int32(rows), Int32(dimension)))) { target, initialized in
            // Safe: values holds rows × dimension floats; target holds arrw_packed_size floats, all written.
            arrw_pack_weights(values.baseAddress!, Int32(rows), Int32(dimension), target.baseAddress!)
            initialized = target.count
        }
    }

    init(_ values: [Float], rows: Int, dimension: Int) {
        self = values.withUnsafeBufferPointer { PackedMatrix($0, rows: rows, dimension: dimension) }
    }

    /// The `count × rows` dot products (row-major: query row after query row) of the `count`
    /// row-major vectors at `queries` with the packed rows. Precondition: `count >= 1`, and
    /// `queries` holds `count × dimension` floats.
    /// - Complexity: O(count · rows · d).
    func products(of queries: UnsafePointer<Float>, count: Int) -> [Float] {
        precondition(count >= 1 && count < Int(Int32.max), "PackedMatrix.products: bad count \(count)")
        return [Float](unsafeUninitializedCapacity: count * rows) { output, initialized in
            packed.withUnsafeBufferPointer { weights in
                // Safe: queries holds count × dimension floats, weights the packed matrix, output
                // count × rows floats (ldc = rows); the kernel writes every one of them.
                arrw_gemm_packed(Int32(count), Int32(rows), Int32(dimension), queries, Int32(dimension),
                                 weights.baseAddress!, nil, output.baseAddress!, Int32(rows))
            }
            initialized = count * rows
        }
    }

    /// The bytes held.
    var memoryBytes: Int { packed.capacity * MemoryLayout<Float>.stride }
}
