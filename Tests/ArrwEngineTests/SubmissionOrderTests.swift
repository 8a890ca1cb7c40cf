@testable import ArrwEngine
import Foundation
import Testing

/// The job table's submission order: removals anywhere, compaction, order kept.
@Suite struct SubmissionOrderTests {
    @Test func orderSurvivesRemovalsAndCompaction() {
        let ids = (0..<1000).map { _ in UUID() }
        var order = SubmissionOrder(ids)
        var expected = ids
        for index in stride(from: 0, to: 1000, by: 3) {
            order.remove(ids[index])
            expected.removeAll { $0 == ids[index] }
        }
        for id in ids.prefix(600) where expected.contains(id) {
            order.remove(id)
            expected.removeAll { $0 == id }
        }
        #expect(order.ids == expected && order.count == expected.count)
        #expect(order.first { $0 == expected[5] } == expected[5] && order.first { _ in false } == nil)
        order.append(ids[0])
        order.append(expected[0])
        #expect(order.ids == expected + [ids[0]], "an id already in the order is not appended twice")
    }
}
