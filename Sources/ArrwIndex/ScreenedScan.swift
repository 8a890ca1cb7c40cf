import CArrwKernels

/// The exact top k of a ``BruteForceIndex`` in two passes, reading the int8 rows of
/// ``QuantizedRows`` first: a scan of long float rows in DRAM is bound by memory bandwidth and
/// the codes are a quarter of the bytes; a scan of short rows (50-d) is bound by each row's
/// horizontal sum, which the panel layout does not need. Measured in C on this machine, 81,920
/// rows: 50-d 0.63 ms (float rows) against 0.28 ms (int8 panels), 384-d 5.6 ms against 2.7 ms.
///
/// Pass 1 scores every row from its codes and turns the score into an interval that surely
/// holds the row's exact (float-computed) score: `s·(q·c) ± ‖q‖·bound` for dot products, and for
/// squared L2 `−(‖q‖² − 2·s·(q·c) + ‖x‖²) ± (2‖q‖·bound + rounding)`. The k-th largest lower
/// end among rows the filter accepts is a floor under the k-th best exact score, so a row whose
/// upper end is below it cannot be in the answer. Pass 2 scores the rows left (usually a few
/// dozen) exactly with the same float kernels as ``ExactScan``. The answer is the one
/// ``ExactScan`` gives: every row that could tie or beat the k-th best is scored exactly, and
/// the ``TopKHeap`` breaks ties by key whatever the order.
///
/// The filter is asked only about rows whose lower end would enter the floor heap and about
/// the rows of pass 2. For dot products the kernel also tests each row's upper end in float
/// against the floor as it stood when the block began (loosened by 2⁻¹⁸ of its terms, far past
/// their rounding), so only the rows that pass reach the precise test here.
struct ScreenedScan {
    /// Rows a store needs before a search screens (below it the plain scan is as fast).
    static let minimumRows = 4096

    /// The `k` best rows of `store` (shadowed row for row by `quantized`) for `query`, already
    /// normalized for cosine, nearest first. Preconditions: `1 <= k <= store.count`.
    static func nearest(to query: [Float], k: Int, metric: DistanceMetric, store: KeyedVectorStore,
                        quantized: QuantizedRows, filter: ((UInt64) -> Bool)?) -> [Neighbor] {
        precondition(quantized.count == store.count, "ScreenedScan: the quantized rows do not shadow the store")
        let dimension = store.dimension
        let squaredQueryNorm = query.reduce(0.0) { $0 + Double($1) * Double($1) }
        let queryNorm = squaredQueryNorm.squareRoot()
        let queryNormFloat = Float(queryNorm).nextUp
        let rounding = Double(dimension + 8) * 0x1p-24 * (1 + 1e-6)
        let accept = filter ?? { _ in true }
        var floor = TopKHeap(k: k)
        var candidates: [(row: Int, upper: Double)] = []
        let panelsPerCall = ExactScan.block / QuantizedRows.panelRows
        // The kernel's quick test of the upper end needs a bound linear in the row's terms: so
        // for dot products; squared L2 (whose bound holds ‖x‖) marks every row for the precise test.
        let quickWeight = metric == .l2 ? 0 : queryNormFloat
        let (scales, bounds, squaredNorms) = (quantized.scales, quantized.bounds, quantized.squaredNorms)
        query.withUnsafeBufferPointer { q in
            store.keys.withUnsafeBufferPointer { keys in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: ExactScan.block) { approximate in
                    withUnsafeTemporaryAllocation(of: UInt16.self, capacity: panelsPerCall) { masks in
                        var panel = 0
                        while panel < quantized.panelCount {
                            let panels = Swift.min(panelsPerCall, quantized.panelCount - panel)
                            let first = panel * QuantizedRows.panelRows
                            // Safe: panels panel..<panel+panels lie inside the codes and the per-row
                            // buffers (capacity-long); the temporary buffers hold a block.
                            arrw_screen_panels_i8(
                                q.baseAddress, quantized.codes + first * dimension, panels, dimension,
                                scales + first, bounds + first, quickWeight, metric == .l2 ? -.infinity : floor.threshold,
                                approximate.baseAddress, masks.baseAddress)
                            for offset in 0..<panels {
                                var mask = masks[offset]
                                while mask != 0 {
                                    let row = first + offset * QuantizedRows.panelRows + mask.trailingZeroBitCount
                                    mask &= mask - 1
                                    guard row < keys.count else { break }
                                    let dot = Double(approximate[row - first]) * Double(scales[row])
                                    let lower: Double, upper: Double
                                    if metric == .l2 {
                                        let center = 2 * dot - squaredQueryNorm - squaredNorms[row]
                                        let reach = queryNorm + squaredNorms[row].squareRoot()
                                        let halfWidth = 2 * queryNorm * Double(bounds[row]) + rounding * reach * reach
                                        (lower, upper) = (center - halfWidth, center + halfWidth)
                                    } else {
                                        let halfWidth = queryNorm * Double(bounds[row])
                                        (lower, upper) = (dot - halfWidth, dot + halfWidth)
                                    }
                                    guard lower.isFinite, upper.isFinite else {
                                        candidates.append((row, .infinity))
                                        continue
                                    }
                                    if upper >= Double(floor.threshold) { candidates.append((row, upper)) }
                                    let lowerFloat = Float(lower).nextDown
                                    if lowerFloat >= floor.threshold, accept(keys[row]) {
                                        floor.insert(key: keys[row], score: lowerFloat)
                                    }
                                }
                            }
                            panel += panels
                        }
                    }
                }
            }
        }
        let cut = Double(floor.threshold)
        var best = TopKHeap(k: k)
        query.withUnsafeBufferPointer { q in
            store.slab.withUnsafeRows { rows in
                var score: Float = 0
                for candidate in candidates where candidate.upper >= cut {
                    let key = store.keys[candidate.row]
                    guard accept(key) else { continue }
                    // Safe: the candidate's row lies inside the rows buffer; `score` holds the one result.
                    let row = rows.baseAddress! + candidate.row * dimension
                    switch metric {
                    case .cosine, .dot: arrw_dot_rows(q.baseAddress, row, 1, dimension, &score)
                    case .l2: arrw_negative_squared_l2_rows(q.baseAddress, row, 1, dimension, &score)
                    }
                    best.insert(key: key, score: score)
                }
            }
        }
        return best.sortedNearestFirst()
    }
}
