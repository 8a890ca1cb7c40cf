import ArrwEngine
import Foundation
import Synchronization
import Testing

/// Stores `vectors` as documents `d<offset>`, `d<offset + 1>`, … of one chunk each (no text, the
/// vector brought), in batches of at most 1,000, expecting every one to be stored.
func addVectorDocuments(
    _ database: Database, library: String, _ vectors: [[Float]], offset: Int = 0,
    metadata: (Int) -> [String: JSONValue] = { _ in [:] }
) async throws {
    let drafts = vectors.enumerated().map { index, vector in
        Result<DocumentDraft, EngineError>.success(
            DocumentDraft(id: "d\(offset + index)", metadata: metadata(offset + index), chunks: [.init(text: "", embedding: vector)]))
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

/// Builds the library's pending index (as its `index_rebuild` job would), expecting a build.
/// Every document of `library`, in insertion order, followed page by page through `listDocuments`.
func everyDocument(_ database: Database, library: String, includeEmbeddings: Bool = false) throws -> [Document] {
    var documents: [Document] = []
    var cursor: String?
    repeat {
        let page = try database.listDocuments(libraryId: library, limit: 100, cursor: cursor, includeEmbeddings: includeEmbeddings)
        documents += page.documents
        cursor = page.nextCursor
    } while cursor != nil
    return documents
}

func buildPendingIndex(_ database: Database, _ library: String) async throws {
    let outcome = try await database.buildIndex(libraryId: library, optimize: false) { _, _ in await Task.yield() }
    #expect(outcome != nil, "an index change was pending")
    #expect(try database.statistics(library).buildState == "ready")
}

/// A job queue over `database` whose exports go to a fresh temporary directory.
func makeJobQueue(_ database: Database, workers: Int = 1, maxPending: Int = 10_000) throws -> JobQueue {
    let exports = FileManager.default.temporaryDirectory.appendingPathComponent("arrwdb-test-exports-\(UUID().uuidString)").path
    return try JobQueue(database: database, options: .init(workers: workers, maxPending: maxPending, exportDirectory: exports))
}

/// Runs the queue's workers while `body` runs.
func withWorkers(_ queue: JobQueue, _ body: () async throws -> Void) async throws {
    let workers = Task { await queue.run() }
    defer { workers.cancel() }
    try await body()
}

/// Polls job `id` until it has finished, recording an issue after `seconds`.
func waitUntilFinished(_ queue: JobQueue, _ id: String, seconds: Double = 30) async throws -> Job {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        let job = try queue.job(id)
        if job.status.isFinished { return job }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("job \(id) did not finish in \(seconds) s")
    return try queue.job(id)
}
