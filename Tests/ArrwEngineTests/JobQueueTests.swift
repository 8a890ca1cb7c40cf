import ArrwEmbedding
import ArrwEngine
import ArrwTestSupport
import Foundation
import Testing

/// The durable job queue: transitions logged and replayed, jobs resumed from their checkpoint
/// after a restart, cancel, events, and clear refusals.
@Suite struct JobQueueTests {
    /// Documents the resume test deletes.
    static let resumeCount = 10_000

    func deleteInput(_ ids: [String]) -> JSONValue {
        .object(["document_ids": .array(ids.map(JSONValue.string))])
    }

    @Test("batch_delete deletes by id with progress, a result and job events; the table survives a restart")
    func batchDelete() async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let (database, _) = try directory.open()
        let library = try await database.createLibrary(.init(name: "jobs")).id.uuidString
        var generator = SeededGenerator(seed: 31)
        try await addVectorDocuments(database, library: library, randomVectors(count: 500, dimension: 8, using: &generator))
        let events = try database.subscribe(filter: EventFilter(kinds: [.jobCreated, .jobStarted, .jobCompleted]), since: nil)
        let queue = try makeJobQueue(database, workers: 2)
        let ids = (0..<300).map { "d\($0)" } + ["never-there"]
        var finished: Job?
        try await withWorkers(queue) {
            let job = try await queue.submit(.batchDelete, libraryId: library, input: deleteInput(ids))
            #expect(job.status == .pending)
            finished = try await waitUntilFinished(queue, job.id.uuidString)
        }
        let job = try #require(finished)
        #expect(job.status == .completed && job.progress == 100 && job.attempts == 1)
        #expect(job.result == .object(["total_requested": .int(301), "deleted": .int(300), "already_absent": .int(1)]))
        #expect(job.current == 301 && job.total == 301 && job.startedAt != nil && job.completedAt != nil)
        #expect(try database.statistics(library).documentCount == 200)
        let seen = try await take(3, from: events)
        #expect(seen.map(\.kind) == [.jobCreated, .jobStarted, .jobCompleted])
        #expect(seen.allSatisfy { $0.libraryId?.uuidString == library && $0.data["job_id"] == .string(job.id.uuidString.lowercased()) },
                "a job's events are its library's")
        try database.writeSnapshot()
        try database.close()

        let (reopened, _) = try directory.open()
        #expect(reopened.jobs.job(job.id) == job, "the job table comes back from the snapshot as it was")
        try reopened.close()
    }

    @Test("a job left running by a crash resumes from its checkpoint and never redoes committed work")
    func resumeAfterRestart() async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let (database, _) = try directory.open()
        let library = try await database.createLibrary(.init(name: "resume")).id.uuidString
        var generator = SeededGenerator(seed: 32)
        try await addVectorDocuments(database, library: library, randomVectors(count: Self.resumeCount, dimension: 8, using: &generator))
        let queue = try makeJobQueue(database, workers: 1)
        let job = try await queue.submit(.batchDelete, libraryId: library, input: deleteInput((0..<Self.resumeCount).map { "d\($0)" }))
        // The workers stop (as at a crash) right after the first checkpoint, which is logged at
        // once (later ones at most every 250 ms). The job runs on a thread of its own, so on a
        // loaded machine it goes on while this task waits to be scheduled: it is long enough
        // not to finish first.
        let workers = Task { await queue.run() }
        while (try queue.job(job.id.uuidString)).current == 0 { try await Task.sleep(for: .milliseconds(1)) }
        workers.cancel()
        _ = await workers.value
        let interrupted = try queue.job(job.id.uuidString)
        #expect(interrupted.status == .running && interrupted.current < Self.resumeCount)
        try database.close()

        let (reopened, _) = try directory.open()
        #expect(reopened.jobs.job(job.id)?.status == .running)
        let resumed = try makeJobQueue(reopened, workers: 1)
        var finished: Job?
        try await withWorkers(resumed) { finished = try await waitUntilFinished(resumed, job.id.uuidString, seconds: 120) }
        let done = try #require(finished)
        #expect(done.status == .completed && done.attempts == 2)
        let result = try #require(done.result?.object)
        let deleted = try #require(result["deleted"]?.number)
        let alreadyAbsent = try #require(result["already_absent"]?.number)
        #expect(deleted + alreadyAbsent == Double(Self.resumeCount))
        // Resumed from the checkpoint, not from the start: only ids after the last checkpoint
        // (at most one slice of 100) can have been deleted before the crash without being counted.
        #expect(alreadyAbsent <= 100, "the resumed job went back over \(alreadyAbsent) ids it had already done")
        #expect(try reopened.statistics(library).documentCount == 0)
        try reopened.close()
    }

    @Test("cancel: a pending job at once, a running one at its next checkpoint keeping what it did; 409 once finished")
    func cancel() async throws {
        // Durable, so each delete waits for its fsync and the job runs for seconds, not
        // milliseconds, on a loaded machine too.
        let directory = DataDirectory()
        defer { directory.remove() }
        let (database, _) = try directory.open()
        defer { try? database.close() }
        let library = try await database.createLibrary(.init(name: "cancel")).id.uuidString
        var generator = SeededGenerator(seed: 33)
        let count = 20_000
        try await addVectorDocuments(database, library: library, randomVectors(count: count, dimension: 8, using: &generator))
        let queue = try makeJobQueue(database, workers: 1)

        let pending = try await queue.submit(.batchDelete, libraryId: library, input: deleteInput(["d0"]))
        #expect(try await queue.cancel(pending.id.uuidString).status == .cancelled)
        #expect(try database.statistics(library).documentCount == count)
        await #expect(throws: EngineError.self) { try await queue.cancel(pending.id.uuidString) }

        let running = try await queue.submit(.batchDelete, libraryId: library, input: deleteInput((0..<count).map { "d\($0)" }))
        let progress = try database.subscribe(filter: EventFilter(kinds: [.jobProgress]), since: nil)
        var finished: Job?
        try await withWorkers(queue) {
            _ = try await take(1, from: progress)
            let asked = ContinuousClock.now
            _ = try await queue.cancel(running.id.uuidString)
            finished = try await waitUntilFinished(queue, running.id.uuidString)
            #expect(ContinuousClock.now - asked < .seconds(3), "cancel takes effect within one slice (arrw-jobs-bench measures the release figure)")
        }
        let job = try #require(finished)
        #expect(job.status == .cancelled)
        let deleted = Int(try #require(job.result?.object?["deleted"]?.number))
        #expect(deleted > 0 && deleted < count)
        #expect(try database.statistics(library).documentCount == count - deleted, "what the job committed stays, and the result says how much")
    }

    @Test("unknown libraries, bad input and unknown ids are clear errors")
    func refusals() async throws {
        let database = Database(embedder: HashEmbedder(dimension: 8))
        let queue = try makeJobQueue(database, workers: 1)
        let library = try await database.createLibrary(.init(name: "refusals")).id.uuidString
        let cases: [(JobType, String?, JSONValue, String)] = [
            (.batchDelete, nil, deleteInput(["a"]), "validation_error"),
            (.batchDelete, library, .object([:]), "validation_error"),
            (.batchDelete, library, .object(["document_ids": .array([.int(1)])]), "validation_error"),
            (.batchDelete, UUID().uuidString, deleteInput(["a"]), "library_not_found"),
            (.batchDelete, library, .object(["document_ids": .array([.string("a")]), "filter": .object([:])]), "validation_error"),
            (.batchDelete, library, .object(["filter": .object(["x": .object(["$nope": .int(1)])])]), "unknown_filter_operator"),
            (.batchImport, library, .object([:]), "validation_error"),
            (.batchImport, library, .object(["documents": .array([])]), "validation_error"),
            (.indexRebuild, library, .object(["index_type": .string("nope")]), "validation_error"),
            (.indexRebuild, library, .object(["index_params": .object(["m": .int(1)])]), "validation_error"),
            (.batchExport, library, .object(["include_embeddings": .string("yes")]), "validation_error"),
            (.regenerateEmbeddings, nil, .object([:]), "validation_error"),
        ]
        for (type, library, input, code) in cases {
            let error = try await #require(throws: EngineError.self) { try await queue.submit(type, libraryId: library, input: input) }
            #expect(error.code == code, "\(type) \(input)")
        }
        #expect(throws: EngineError.self) { try queue.job(UUID().uuidString) }
        #expect(throws: EngineError.self) { try queue.job("not-a-uuid") }
        #expect(database.jobs.all.isEmpty, "nothing refused was logged")
    }

    @Test("a 100,000-document import cancelled mid-way is cancelled within a second and stores nothing after")
    func cancelALargeImport() async throws {
        let database = Database(embedder: HashEmbedder(dimension: 8))
        let library = try await database.createLibrary(.init(name: "import")).id.uuidString
        var generator = SeededGenerator(seed: 34)
        let count = 100_000
        let documents = randomVectors(count: count, dimension: 8, using: &generator).enumerated().map { index, vector in
            JSONValue.object([
                "title": .string("document \(index)"),
                "chunks": .array([.object(["text": .string("chunk \(index)"), "embedding": .array(vector.map { .double(Double($0)) })])]),
            ])
        }
        let queue = try makeJobQueue(database)
        let job = try await queue.submit(.batchImport, libraryId: library, input: .object(["documents": .array(documents)]))
        var finished: Job?
        var atCancel = 0
        try await withWorkers(queue) {
            while try queue.job(job.id.uuidString).current < 1000 { try await Task.sleep(for: .milliseconds(1)) }
            let asked = ContinuousClock.now
            _ = try await queue.cancel(job.id.uuidString)
            finished = try await waitUntilFinished(queue, job.id.uuidString)
            // The release figure (well under a second) is arrw-jobs-bench's part 3; a debug build
            // beside the whole suite on two cores gets three seconds here.
            #expect(ContinuousClock.now - asked < .seconds(3), "cancel takes effect within one slice")
            atCancel = try database.statistics(library).documentCount
            try await Task.sleep(for: .milliseconds(300))
        }
        let cancelled = try #require(finished)
        #expect(cancelled.status == .cancelled)
        #expect(atCancel > 0 && atCancel < count)
        #expect(try database.statistics(library).documentCount == atCancel, "nothing is stored after the job is cancelled")
        #expect(cancelled.result?.object?["imported"] == .int(Int64(atCancel)), "the result counts exactly what was stored")
        #expect(cancelled.input.object?["document_count"] == .int(Int64(count)) && cancelled.input.object?["documents"] == nil)
    }
}
