import ArrwEmbedding
import ArrwEngine
import ArrwTestSupport
import Foundation
import Synchronization
import Testing

/// The job types beyond the queue's mechanics: re-embedding, retries of transient failures,
/// export retention, the pending limit and the pace of progress events.
@Suite struct JobTypeTests {
    @Test("regenerate_embeddings re-embeds every chunk with the configured model, swaps them in at once, and a restart keeps them")
    func regenerateEmbeddings() async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let (before, _) = try Database.open(directory: directory.path, embedder: HashEmbedder(dimension: 8))
        let library = try await before.createLibrary(.init(name: "regenerate", metric: "l2")).id.uuidString
        let texts = (0..<300).map { "text number \($0)" }
        let drafts = texts.enumerated().map { Result<DocumentDraft, EngineError>.success(DocumentDraft(id: "t\($0.offset)", chunks: [.init(text: $0.element)])) }
        #expect(try await before.addDocuments(libraryId: library, drafts).failed == 0)
        let own: [Float] = [1, 2, 3, 4, 5, 6, 7, 8]
        _ = try await before.addDocument(libraryId: library, DocumentDraft(id: "own", chunks: [.init(text: "", embedding: own)]))
        try before.close()

        let model = ReversedEmbedder()
        let (database, _) = try Database.open(directory: directory.path, embedder: model)
        let queue = try makeJobQueue(database)
        var finished: Job?
        try await withWorkers(queue) {
            let job = try await queue.submit(.regenerateEmbeddings, libraryId: library, input: .object([:]))
            finished = try await waitUntilFinished(queue, job.id.uuidString)
        }
        let job = try #require(finished)
        #expect(job.status == .completed, "\(job.error ?? "")")
        #expect(job.result == .object([
            "total_chunks": .int(300), "regenerated": .int(301), "model": .string(model.modelName), "provider": .string("default"),
            "previous_model": .string("hash-8"), "dimension": .int(8),
        ]), "the provider now serves another model: the library moved to it, the chunk without text keeping its vector")
        let expected = try await model.embed(texts, purpose: .document)
        func check(_ database: Database) throws {
            for index in stride(from: 0, to: 300, by: 37) {
                let stored = try database.document(libraryId: library, documentId: "t\(index)", includeEmbeddings: true).chunks[0].embedding
                #expect(stored == expected[index], "chunk \(index) holds the new model's vector")
            }
            #expect(try database.document(libraryId: library, documentId: "own", includeEmbeddings: true).chunks[0].embedding == own)
        }
        try check(database)
        try database.close()
        let (reopened, _) = try Database.open(directory: directory.path, embedder: model)
        try check(reopened)
        try reopened.close()
    }

    @Test("a transient provider failure is retried with backoff until it passes; a permanent one fails at once with its reason")
    func retries() async throws {
        let flaky = FlakyEmbedder(failures: 2)
        let database = Database(embedder: flaky)
        let library = try await database.createLibrary(.init(name: "retry")).id.uuidString
        let queue = try makeJobQueue(database)
        let documents = JSONValue.array((0..<5).map { .object(["text": .string("text \($0)")]) })
        var retried: Job?
        var permanent: Job?
        try await withWorkers(queue) {
            let started = ContinuousClock.now
            let job = try await queue.submit(.batchImport, libraryId: library, input: .object(["documents": documents]))
            retried = try await waitUntilFinished(queue, job.id.uuidString)
            let elapsed = ContinuousClock.now - started
            #expect(elapsed > .milliseconds(2000), "two retries wait about 1 s and 2 s (± 25 %): \(elapsed)")
            let other = try await database.createLibrary(.init(name: "other", dimension: 3)).id.uuidString
            let bad = try await queue.submit(.regenerateEmbeddings, libraryId: other, input: .object([:]))
            _ = try await database.addDocument(libraryId: other, DocumentDraft(chunks: [.init(text: "x", embedding: [1, 2, 3])]))
            permanent = try await waitUntilFinished(queue, bad.id.uuidString)
        }
        let job = try #require(retried)
        #expect(job.status == .completed && job.attempts == 3 && job.result?.object?["imported"] == .int(5))
        let failed = try #require(permanent)
        #expect(failed.status == .failed && failed.attempts == 1)
        #expect(failed.error?.contains("3-dimensional") == true, "the reason: \(failed.error ?? "none")")
    }

    @Test("an export is downloadable until its retention passes, then export_expired; other jobs have no file")
    func exportRetention() async throws {
        let database = Database(embedder: HashEmbedder(dimension: 8))
        let library = try await database.createLibrary(.init(name: "export")).id.uuidString
        _ = try await database.addDocument(libraryId: library, DocumentDraft(id: "a", chunks: [.init(text: "alpha")]))
        let exports = FileManager.default.temporaryDirectory.appendingPathComponent("arrwdb-retention-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: exports) }
        let queue = try JobQueue(database: database, options: .init(workers: 1, exportDirectory: exports, exportRetentionSeconds: 60))
        var export: Job?
        var delete: Job?
        try await withWorkers(queue) {
            export = try await waitUntilFinished(queue, try await queue.submit(.batchExport, libraryId: library, input: .object([:])).id.uuidString)
            delete = try await waitUntilFinished(
                queue, try await queue.submit(.batchDelete, libraryId: library, input: .object(["document_ids": .array([.string("a")])])).id.uuidString)
        }
        let id = try #require(export).id.uuidString
        #expect(String(decoding: try queue.exportFile(id), as: UTF8.self).hasPrefix(#"{"chunks":[{"#))
        let refused = try #require(throws: EngineError.self) { try queue.exportFile(try #require(delete).id.uuidString) }
        #expect(refused.code == "job_result_unavailable")
        let files = try FileManager.default.contentsOfDirectory(atPath: exports)
        #expect(files == [id.lowercased() + ".ndjson"])
        // Age the file past the retention, as the workers' purge finds it a minute later.
        let old = Date().addingTimeInterval(-120)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: exports + "/" + files[0])
        try await withWorkers(queue) {
            for _ in 0..<500 where FileManager.default.fileExists(atPath: exports + "/" + files[0]) { try await Task.sleep(for: .milliseconds(10)) }
        }
        let expired = try #require(throws: EngineError.self) { try queue.exportFile(id) }
        #expect(expired.code == "export_expired")
    }

    @Test("many tiny jobs on four workers each run exactly once (a finished job is never claimed again)")
    func eachJobRunsOnce() async throws {
        let database = Database(embedder: HashEmbedder(dimension: 8))
        let library = try await database.createLibrary(.init(name: "tiny")).id.uuidString
        let queue = try makeJobQueue(database, workers: 4)
        try await withWorkers(queue) {
            var ids: [String] = []
            for index in 0..<2000 {
                let input = JSONValue.object(["document_ids": .array([.string("absent-\(index)")])])
                ids.append(try await queue.submit(.batchDelete, libraryId: library, input: input).id.uuidString)
            }
            for id in ids { _ = try await waitUntilFinished(queue, id) }
        }
        let jobs = database.jobs.all
        #expect(jobs.count == 2000)
        #expect(jobs.allSatisfy { $0.status == .completed && $0.attempts == 1 }, "\(jobs.filter { $0.status != .completed || $0.attempts != 1 }.prefix(3))")
    }

    @Test("MAX_PENDING_JOBS unfinished jobs refuse the next with job_queue_full; a finished one frees its place")
    func pendingLimit() async throws {
        let database = Database(embedder: HashEmbedder(dimension: 8))
        let library = try await database.createLibrary(.init(name: "limit")).id.uuidString
        let queue = try makeJobQueue(database, maxPending: 3)
        let input = JSONValue.object(["document_ids": .array([.string("absent")])])
        var submitted: [Job] = []
        for _ in 0..<3 { submitted.append(try await queue.submit(.batchDelete, libraryId: library, input: input)) }
        let full = try await #require(throws: EngineError.self) { try await queue.submit(.batchDelete, libraryId: library, input: input) }
        #expect(full.code == "job_queue_full" && full.kind == .overloaded)
        _ = try await queue.cancel(submitted[0].id.uuidString)
        #expect(try await queue.submit(.batchDelete, libraryId: library, input: input).status == .pending)
        #expect(database.jobs.all.count == 4)
    }

    @Test("job.progress comes at most about four times a second, however small the slices")
    func progressPace() async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let (database, _) = try directory.open()
        defer { try? database.close() }
        let library = try await database.createLibrary(.init(name: "pace")).id.uuidString
        var generator = SeededGenerator(seed: 35)
        try await addVectorDocuments(database, library: library, randomVectors(count: 6000, dimension: 8, using: &generator))
        let queue = try makeJobQueue(database)
        let progress = try database.subscribe(filter: EventFilter(kinds: [.jobProgress]), since: nil)
        var finished: Job?
        try await withWorkers(queue) {
            let job = try await queue.submit(.batchDelete, libraryId: library, input: .object(["filter": .object(["document_id": .object(["$exists": .bool(true)])])]))
            finished = try await waitUntilFinished(queue, job.id.uuidString, seconds: 120)
        }
        let job = try #require(finished)
        #expect(job.status == .completed && job.result == .object(["deleted": .int(6000)]))
        let seconds = try #require(job.completedAt).timeIntervalSince(try #require(job.startedAt))
        let events = try await drain(progress).count
        #expect(events > 0 && Double(events) <= seconds * 4 + 2, "\(events) progress events in \(seconds) s over \(6000 / 50) slices")
    }
}
/// A second "model" of the hash embedder's dimension: its vectors reversed.
struct ReversedEmbedder: EmbeddingProvider {
    let inner = HashEmbedder(dimension: 8)
    var dimension: Int { inner.dimension }
    var modelName: String { "reversed-hash-8" }

    func embed(_ texts: [String], purpose: EmbeddingPurpose) async throws -> [[Float]] {
        try await inner.embed(texts, purpose: purpose).map { Array($0.reversed()) }
    }
}

/// A provider that fails its first `failures` calls, as a remote one answering 503 would.
final class FlakyEmbedder: EmbeddingProvider, Sendable {
    let inner = HashEmbedder(dimension: 8)
    private let remaining: Mutex<Int>
    var dimension: Int { inner.dimension }
    var modelName: String { "flaky-hash-8" }

    init(failures: Int) { remaining = Mutex(failures) }

    func embed(_ texts: [String], purpose: EmbeddingPurpose) async throws -> [[Float]] {
        let fail = remaining.withLock { count in
            defer { count -= 1 }
            return count > 0
        }
        if fail { throw EmbeddingError("503 Service Unavailable (test)") }
        return try await inner.embed(texts, purpose: purpose)
    }
}

/// Every event the subscription delivers until none has come for `quiet`.
func drain(_ subscription: EventSubscription, quiet: Duration = .milliseconds(300)) async throws -> [ChangeEvent] {
    var events: [ChangeEvent] = []
    while true {
        let next = try await withThrowingTaskGroup(of: ChangeEvent?.self) { group in
            group.addTask {
                for try await event in subscription { return event }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: quiet)
                return nil
            }
            let first = try await group.next()!
            group.cancelAll()
            return first
        }
        guard let next else { return events }
        events.append(next)
    }
}
