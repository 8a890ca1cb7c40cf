extension KDTreeIndex {
    /// Rows sampled per node to choose its split dimension (as FLANN samples ~100 points).
    static let spreadSampleSize = 256

    /// Rebuilds the whole tree balanced and reorders the store so that each leaf's rows are
    /// contiguous, in node order (rows are renumbered; keys keep their vectors).
    /// - Complexity: O(n·d + n log n) expected.
    func rebuild() {
        nodes = [KDNode.leaf]
        members = [[]]
        var order = (0..<store.count).map { Int32($0) }
        build(node: 0, order: &order, range: 0..<order.count)
        var leafOrder: [Int] = []
        leafOrder.reserveCapacity(store.count)
        for node in nodes.indices where nodes[node].isLeaf {
            for (slot, old) in members[node].enumerated() {
                let row = leafOrder.count
                leafOrder.append(Int(old))
                members[node][slot] = Int32(row)
                leafOfRow[row] = Int32(node)
                slotOfRow[row] = Int32(slot)
            }
        }
        store.reorder(leafOrder)
        builtCount = store.count
    }

    /// Makes `node` (a leaf, or a fresh placeholder) the root of a balanced subtree over the rows
    /// `order[range]`, appending the nodes it needs. `order[range]` is permuted.
    func build(node: Int, order: inout [Int32], range: Range<Int>) {
        store.slab.withUnsafeRows { rowsBuffer in
            guard let base = rowsBuffer.baseAddress else {
                return makeLeaf(node: node, rows: order[range])
            }
            buildNode(node, order: &order, range: range, base: base)
        }
    }

    /// The recursion of ``build(node:order:range:)``; `base` is the slab's first row.
    /// Depth is O(log n): every split halves the rows.
    private func buildNode(_ node: Int, order: inout [Int32], range: Range<Int>, base: UnsafePointer<Float>) {
        guard range.count > leafSize, let dim = splitDimension(order: order, range: range, base: base) else {
            return makeLeaf(node: node, rows: order[range])
        }
        let mid = range.lowerBound + range.count / 2
        Self.select(order: &order, range: range, kth: mid, dimension: dim, stride: dimension, base: base)
        // Safe: order[mid] is a row of the slab and dim < dimension.
        let value = base[Int(order[mid]) * dimension + dim]
        let left = nodes.count
        nodes[node] = KDNode(dimension: Int32(dim), value: value, left: Int32(left), right: Int32(left + 1))
        members[node] = []
        nodes.append(KDNode.leaf)
        nodes.append(KDNode.leaf)
        members.append([])
        members.append([])
        buildNode(left, order: &order, range: range.lowerBound..<mid, base: base)
        buildNode(left + 1, order: &order, range: mid..<range.upperBound, base: base)
    }

    private func makeLeaf(node: Int, rows leafRows: ArraySlice<Int32>) {
        nodes[node] = KDNode.leaf
        members[node] = Array(leafRows)
        for (slot, row) in leafRows.enumerated() {
            leafOfRow[Int(row)] = Int32(node)
            slotOfRow[Int(row)] = Int32(slot)
        }
    }

    /// The dimension of greatest spread (max − min) over an evenly strided sample of at most
    /// ``spreadSampleSize`` of the rows, or over all of them when the sample shows no spread;
    /// nil when all the rows are identical.
    private func splitDimension(order: [Int32], range: Range<Int>, base: UnsafePointer<Float>) -> Int? {
        let step = Swift.max(1, range.count / Self.spreadSampleSize)
        if let dim = widestDimension(order: order, rows: stride(from: range.lowerBound, to: range.upperBound, by: step), base: base) {
            return dim
        }
        guard step > 1 else { return nil }
        return widestDimension(order: order, rows: stride(from: range.lowerBound, to: range.upperBound, by: 1), base: base)
    }

    private func widestDimension(order: [Int32], rows positions: StrideTo<Int>, base: UnsafePointer<Float>) -> Int? {
        var low = [Float](repeating: .infinity, count: dimension)
        var high = [Float](repeating: -.infinity, count: dimension)
        for position in positions {
            // Safe: order holds rows of the slab, so the row's dimension floats lie inside it.
            let row = base + Int(order[position]) * dimension
            for j in 0..<dimension {
                low[j] = Swift.min(low[j], row[j])
                high[j] = Swift.max(high[j], row[j])
            }
        }
        var best = -1
        var widest: Float = 0
        for j in 0..<dimension where high[j] - low[j] > widest {
            widest = high[j] - low[j]
            best = j
        }
        return best >= 0 ? best : nil
    }

    /// Quickselect (Hoare 1961) with a three-way partition: afterwards `order[kth]` holds the row
    /// whose coordinate `dimension` ranks `kth` in `range`, rows before it are ≤ and rows after
    /// it ≥ that coordinate. Median-of-three pivots; O(n) expected.
    static func select(order: inout [Int32], range: Range<Int>, kth: Int, dimension dim: Int,
                       stride: Int, base: UnsafePointer<Float>) {
        // Safe: every entry of order is a row of the slab, and dim < stride (the dimension).
        func coordinate(_ position: Int) -> Float { base[Int(order[position]) * stride + dim] }
        var low = range.lowerBound
        var high = range.upperBound - 1
        while low < high {
            let a = coordinate(low), b = coordinate((low + high) / 2), c = coordinate(high)
            let pivot = Swift.max(Swift.min(a, b), Swift.min(Swift.max(a, b), c))
            var lessEnd = low, index = low, greaterStart = high
            while index <= greaterStart {
                let value = coordinate(index)
                if value < pivot {
                    order.swapAt(lessEnd, index)
                    lessEnd += 1
                    index += 1
                } else if value > pivot {
                    order.swapAt(index, greaterStart)
                    greaterStart -= 1
                } else {
                    index += 1
                }
            }
            if kth < lessEnd {
                high = lessEnd - 1
            } else if kth > greaterStart {
                low = greaterStart + 1
            } else {
                return
            }
        }
    }
}
