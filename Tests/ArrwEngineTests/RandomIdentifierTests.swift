import Foundation
import Testing
@testable import ArrwEngine

/// The ids given to documents and chunks that bring none.
@Suite struct RandomIdentifierTests {
    @Test("ids are distinct lowercase version-4 UUIDs that Foundation reads back")
    func versionFourUUIDs() throws {
        let ids = (0..<10_000).map { _ in RandomIdentifier.uuidString() }
        #expect(Set(ids).count == ids.count)
        let shape = /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/
        for id in ids {
            #expect(id.wholeMatch(of: shape) != nil, "\(id)")
            #expect(UUID(uuidString: id)?.uuidString.lowercased() == id)
        }
    }

    @Test("the text is the 128 bits in order, hyphenated 8-4-4-4-12")
    func formatting() {
        #expect(RandomIdentifier.format(high: 0x0123_4567_89ab_cdef, low: 0xfedc_ba98_7654_3210) == "01234567-89ab-cdef-fedc-ba9876543210")
        #expect(RandomIdentifier.format(high: 0, low: .max) == "00000000-0000-0000-ffff-ffffffffffff")
    }
}
