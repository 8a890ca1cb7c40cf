import ArrwIndex
import ArrwTestSupport
import Testing

/// Checks that `slab` holds exactly `model`, row for row, and that its bookkeeping is consistent.
func expectSlab(_ slab: VectorSlab, equals model: [[Float]], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(slab.count == model.count, sourceLocation: sourceLocation)
    #expect(slab.capacity >= slab.count, sourceLocation: sourceLocation)
    #expect(slab.memoryBytes == slab.capacity * slab.dimension * 4, sourceLocation: sourceLocation)
    for (row, expected) in model.enumerated() {
        #expect(slab.row(row) == expected, "row \(row)", sourceLocation: sourceLocation)
    }
    let flat = slab.withUnsafeRows { Array($0) }
    #expect(flat == model.flatMap { $0 }, sourceLocation: sourceLocation)
}

@Suite("VectorSlab")
struct VectorSlabTests {
    @Test("append returns consecutive rows and grows geometrically, keeping contents")
    func appendAndGrow() {
        var generator = SeededGenerator(seed: 11)
        let slab = VectorSlab(dimension: 7)
        #expect(slab.count == 0)
        var model: [[Float]] = []
        var growths = 0
        var lastCapacity = slab.capacity
        for expectedRow in 0..<1000 {
            let v = randomVector(dimension: 7, using: &generator)
            let row = v.withUnsafeBufferPointer { slab.append($0) }
            #expect(row == expectedRow)
            model.append(v)
            if slab.capacity != lastCapacity {
                #expect(slab.capacity >= lastCapacity + lastCapacity / 2, "growth is geometric")
                growths += 1
                lastCapacity = slab.capacity
            }
        }
        #expect(growths <= 12, "1000 rows need few reallocations, not one per row")
        expectSlab(slab, equals: model)
    }

    @Test("random appends and removals match an array model (last row moves into the hole)")
    func randomOperationsMatchModel() {
        var generator = SeededGenerator(seed: 12)
        let slab = VectorSlab(dimension: 5)
        var model: [[Float]] = []
        for _ in 0..<2000 {
            if model.isEmpty || Int.random(in: 0..<3, using: &generator) > 0 {
                let v = randomVector(dimension: 5, using: &generator)
                v.withUnsafeBufferPointer { _ = slab.append($0) }
                model.append(v)
            } else {
                let row = Int.random(in: 0..<model.count, using: &generator)
                slab.removeSwappingLast(row: row)
                model[row] = model[model.count - 1]
                model.removeLast()
            }
        }
        expectSlab(slab, equals: model)
    }

    @Test("removing the last row, and the only row")
    func removeEdges() {
        let slab = VectorSlab(dimension: 2)
        [Float(1), 2].withUnsafeBufferPointer { _ = slab.append($0) }
        [Float(3), 4].withUnsafeBufferPointer { _ = slab.append($0) }
        slab.removeSwappingLast(row: 1)
        expectSlab(slab, equals: [[1, 2]])
        slab.removeSwappingLast(row: 0)
        expectSlab(slab, equals: [])
        [Float(5), 6].withUnsafeBufferPointer { _ = slab.append($0) }
        expectSlab(slab, equals: [[5, 6]])
    }

    @Test("appending one of its own rows while growing copies it correctly")
    func appendOwnRowWhileGrowing() {
        let slab = VectorSlab(dimension: 3)
        var model: [[Float]] = []
        for i in 0..<16 {
            let v: [Float] = [Float(i), Float(i) + 0.5, -Float(i)]
            v.withUnsafeBufferPointer { _ = slab.append($0) }
            model.append(v)
        }
        #expect(slab.count == slab.capacity, "the next append must grow")
        slab.withRow(5) { _ = slab.append($0) }
        model.append(model[5])
        expectSlab(slab, equals: model)
    }

    @Test("replace overwrites one row only; reserveCapacity keeps contents")
    func replaceAndReserve() {
        let slab = VectorSlab(dimension: 2)
        for i in 0..<3 { [Float(i), Float(i)].withUnsafeBufferPointer { _ = slab.append($0) } }
        [Float(9), 8].withUnsafeBufferPointer { slab.replace(row: 1, with: $0) }
        expectSlab(slab, equals: [[0, 0], [9, 8], [2, 2]])
        slab.reserveCapacity(1000)
        #expect(slab.capacity == 1000)
        expectSlab(slab, equals: [[0, 0], [9, 8], [2, 2]])
    }
}
