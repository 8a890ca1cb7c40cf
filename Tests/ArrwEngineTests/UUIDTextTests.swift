import ArrwEngine
import Foundation
import Testing

/// `UUID(text:)` reads the canonical text form to the same value as Foundation's
/// `UUID(uuidString:)`, and refuses everything else (stricter: Foundation's `sscanf` also takes
/// a leading space and a short last group).
@Suite struct UUIDTextTests {
    @Test("random ids in either case parse to the same UUID as Foundation's parser")
    func agreesWithFoundation() {
        for _ in 0..<1000 {
            let uuid = UUID()
            #expect(UUID(text: uuid.uuidString) == uuid)
            #expect(UUID(text: uuid.uuidString.lowercased()) == uuid)
        }
    }

    @Test("anything but the 8-4-4-4-12 hex form is refused", arguments: [
        "", "not-a-uuid", "3f0c2a9e5b7d4c1e9a8b2d6f4e1a7c30", "3f0c2a9e-5b7d-4c1e-9a8b-2d6f4e1a7c3", "3f0c2a9e-5b7d-4c1e-9a8b-2d6f4e1a7c300",
        "3f0c2a9e-5b7d-4c1e-9a8b_2d6f4e1a7c30", "3f0c2a9g-5b7d-4c1e-9a8b-2d6f4e1a7c30", " 3f0c2a9e-5b7d-4c1e-9a8b-2d6f4e1a7c3",
        "3f0c2a9e-5b7d-4c1e-9a8b-2d6f4e1a7c3é",
    ])
    func refusesOthers(text: String) {
        #expect(UUID(text: text) == nil)
    }
}
