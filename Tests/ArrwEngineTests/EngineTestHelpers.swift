import ArrwEngine
import Synchronization
import Testing

/// Stores `vectors` as documents `d0`, `d1`, … of one chunk each (no text, the vector brought),
/// in batches of at most 1,000, expecting every one to be stored.
func addVectorDocuments(
    _ database: Database, library: String, _ vectors: [[Float]], metadata: (Int) -> [String: JSONValue] = { _ in [:] }
) async throws {
    let drafts = vectors.enumerated().map { index, vector in
        Result<DocumentDraft, EngineError>.success(
            DocumentDraft(id: "d\(index)", metadata: metadata(index), chunks: [.init(text: "", embedding: vector)]))
    }
    for start in stride(from: 0, to: drafts.count, by: 1000) {
        #expect(try await database.addDocuments(libraryId: library, Array(drafts[start..<min(start + 1000, drafts.count)])).failed == 0)
    }
}

/// A count shared between tasks.
final class Counter: Sendable {
    private let count = Mutex<Int>(0)
    var value: Int { count.withLock { $0 } }
    func increment() { count.withLock { $0 += 1 } }
}
