import ArrwEngine
import ArrwServer
import Foundation
import Hummingbird
import Logging
import Testing

/// The checked-in storage fixtures of earlier releases (`Tests/Fixtures`).
enum StorageFixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    /// A copy of `name`'s data directory in a fresh temporary folder (the fixture stays untouched).
    static func copyData(_ name: String) throws -> String {
        let target = NSTemporaryDirectory() + "arrw-upgrade-" + UUID().uuidString
        try FileManager.default.copyItem(atPath: root + "/" + name + "/data", toPath: target)
        return target
    }

    static func expected(_ name: String) throws -> JSONValue {
        try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: root + "/" + name + "/expected.json"))))
    }
}

/// Everything the API answers about every library (as the fixture script records it), and every
/// job, for comparing one server's state with another's.
struct APIState {
    var libraries: [JSONValue]
    var storageSequences: [String: JSONValue]
    /// `GET /v1/jobs`, newest first; nil in a fixture recorded before jobs existed.
    var jobs: [JSONValue]?

    /// Reads the state from `api`, running each library's searches (by library name: each a
    /// `request` and, for a hybrid or reranked search, `route` "hybrid" or "rerank", as
    /// `searchRequests` gives them). `hybridFusion` is sent with a hybrid search that names no
    /// fusion: the default of the release that recorded it, where this build's differs.
    ///
    /// It first waits for the background builder to index every fresh tail: a search scores a
    /// vector in the tail with the exact scan's kernel, whose sums may differ from the index's
    /// in the last bits, and the recorded answers came from indexes.
    init(_ api: API, searches: [String: [JSONValue]], hybridFusion: String? = "dbsf") async throws {
        let list = try #require(try await api.call(.get, "/v1/libraries")["libraries"]?.array)
        for library in list {
            let id = try #require(library.object?["id"]?.string)
            var pending = try await api.call(.get, "/v1/libraries/\(id)/statistics")["pending_index_vectors"]
            for _ in 0..<1000 where pending != .int(0) {
                try await Task.sleep(for: .milliseconds(10))
                pending = try await api.call(.get, "/v1/libraries/\(id)/statistics")["pending_index_vectors"]
            }
            #expect(pending == .int(0), "the builder indexed every tail")
        }
        libraries = []
        for library in list.sorted(by: { ($0.object?["name"]?.string ?? "") < ($1.object?["name"]?.string ?? "") }) {
            let id = try #require(library.object?["id"]?.string)
            let name = try #require(library.object?["name"]?.string)
            var documents: [JSONValue] = []
            var cursor: String?
            repeat {
                let page = try await api.call(
                    .get, "/v1/libraries/\(id)/documents?limit=7&include_embeddings=true" + (cursor.map { "&cursor=\($0)" } ?? ""))
                documents += try #require(page["documents"]?.array)
                cursor = page["next_cursor"]?.string
            } while cursor != nil
            var answers: [JSONValue] = []
            for search in searches[name] ?? [] {
                let request = try #require(search.object?["request"])
                let route = search.object?["route"]?.string
                let path = route.map { "search/" + $0 } ?? "search"
                var sent = request
                if route == "hybrid", let hybridFusion, case .object(var fields) = request, fields["fusion"] == nil {
                    fields["fusion"] = .string(hybridFusion)
                    sent = .object(fields)
                }
                let body = String(decoding: try JSONEncoder().encode(sent), as: UTF8.self)
                var answer = try #require(try await api.call(.post, "/v1/libraries/\(id)/\(path)", body).json?.object)
                answer["query_time_ms"] = nil
                var entry: [String: JSONValue] = ["request": request, "response": .object(answer)]
                if let route { entry["route"] = .string(route) }
                answers.append(.object(entry))
            }
            libraries.append(.object([
                "library": try #require(try await api.call(.get, "/v1/libraries/\(id)").json),
                "statistics": try #require(try await api.call(.get, "/v1/libraries/\(id)/statistics").json),
                "documents": .array(documents),
                "searches": .array(answers),
            ]))
        }
        let storage = try #require(try await api.call(.get, "/health/detailed")["components"]?.object?["storage"]?.object)
        storageSequences = storage.filter { ["last_sequence", "durable_through", "snapshot_sequence"].contains($0.key) }
        let jobList = try await api.call(.get, "/v1/jobs?limit=1000")
        #expect(jobList["next_cursor"] == .null)
        jobs = try #require(jobList["jobs"]?.array)
    }

    /// The state `make-fixture` recorded from the old release.
    init(expected: JSONValue) throws {
        libraries = try #require(expected.object?["libraries"]?.array)
        let storage = try #require(expected.object?["storage"]?.object)
        storageSequences = storage.filter { ["last_sequence", "durable_through", "snapshot_sequence"].contains($0.key) }
        jobs = expected.object?["jobs"]?.array
    }

    /// The searches of each library, by name: each recorded search without its response.
    var searchRequests: [String: [JSONValue]] {
        Dictionary(uniqueKeysWithValues: libraries.compactMap { library in
            guard let object = library.object, let name = object["library"]?.object?["name"]?.string else { return nil }
            return (name, object["searches"]?.array?.compactMap { $0.object.map { JSONValue.object($0.filter { $0.key != "response" }) } } ?? [])
        })
    }

    /// A sequence of `storageSequences` (`last_sequence`, `durable_through`, `snapshot_sequence`).
    func sequence(_ name: String) throws -> UInt64 {
        UInt64(try #require(storageSequences[name]?.number))
    }
}

/// A data directory written by release 0677ec5 (snapshot payload 1, change records 1, a WAL
/// tail after the snapshot, a kill -9 at the end) opens in this build with every library,
/// statistic, document, embedding, search answer and sequence exactly as the old server gave
/// them; then this build writes, restarts, and answers the same again.
@Suite struct StorageUpgradeTests {
    let fixture = "storage-v1"

    func configuration(_ directory: String) -> ServerConfiguration {
        testConfiguration {
            $0.dataDirectory = directory
            $0.embeddingDimension = 16
            $0.namedProviders = ["wide": EmbeddingProviderSettings(kind: .hash, dimension: 24)]
        }
    }

    @Test("release 0677ec5's data directory opens with identical contents, then writes and restarts consistently")
    func upgradeFromVersion1() async throws {
        let directory = try StorageFixture.copyData(fixture)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let expected = try APIState(expected: try StorageFixture.expected(fixture))
        #expect(expected.libraries.count == 13)
        let logger = Logger(label: "test")

        let (first, report) = try ArrwServer.openDatabase(configuration: configuration(directory), logger: logger)
        #expect(report?.snapshotSequence ?? 0 > 0 && report?.walRecordsReplayed ?? 0 > 0 && report?.rejectedSnapshots == [])
        let beforeRestart = UpgradeBox()
        try await withAPI(configuration(directory), database: first) { api in
            // The old release rebuilt bf-l2's index on a thread of its own after a restart; this
            // build adopts the pending build as an index_rebuild job, whose records follow the
            // fixture's, and writes a snapshot once it is swapped in. Contents are compared once
            // it is done.
            try await Self.waitForIdleJobs(api)
            let adopted = try await api.call(.get, "/v1/jobs")["jobs"]?.array ?? []
            #expect(adopted.map { $0.object?["type"] } == [.string("index_rebuild")])
            #expect(adopted.map { $0.object?["status"] } == [.string("completed")])
            let opened = try await APIState(api, searches: expected.searchRequests)
            let jobRecords = (opened.storageSequences["last_sequence"]?.number ?? 0) - (expected.storageSequences["last_sequence"]?.number ?? 0)
            #expect((4...8).contains(jobRecords), "the adopted job logged submitted, started, progress and finished: \(jobRecords) records")
            let snapshot = opened.storageSequences["snapshot_sequence"]?.number ?? 0
            #expect(snapshot > expected.storageSequences["snapshot_sequence"]?.number ?? 0, "the completed rebuild wrote a snapshot")
            for (found, wanted) in zip(opened.libraries, expected.libraries) {
                #expect((found.object?["statistics"]?.object?["index_memory_bytes"]?.number ?? 0) > 0)
                let (found, wanted) = try Self.settlingRebuildClock(
                    Self.withoutIndexMemory(Self.withoutKeywordFields(found)), Self.withoutIndexMemory(wanted))
                let name = wanted.object?["library"]?.object?["name"]?.string ?? "?"
                if let difference = firstDifference(found, wanted, at: name) { Issue.record("differs after the upgrade: \(difference)") }
            }
            #expect(opened.libraries.count == expected.libraries.count)

            let libraries = try #require(try await api.call(.get, "/v1/libraries")["libraries"]?.array)
            for library in libraries {
                let id = try #require(library.object?["id"]?.string)
                let dimension = Int(library.object?["dimension"]?.number ?? 8)
                let vector = (0..<dimension).map { Double($0 % 3) - 0.5 }
                let body = #"{"id": "after-upgrade", "metadata": {"group": 1}, "chunks": [{"text": "new", "embedding": \#(vector)}]}"#
                #expect(try await api.call(.post, "/v1/libraries/\(id)/documents", body).status == .created)
                #expect(try await api.call(.delete, "/v1/libraries/\(id)/documents/doc-004").status != .internalServerError)
            }
            #expect(try await api.call(.post, "/v1/libraries", #"{"name": "after-upgrade", "index_type": "hnsw"}"#).status == .created)
            // A snapshot in this build's format, then a WAL tail after it, as a crash would leave.
            try first.writeSnapshot()
            for library in libraries {
                let id = try #require(library.object?["id"]?.string)
                #expect(try await api.call(.delete, "/v1/libraries/\(id)/documents/doc-006").status != .internalServerError)
            }
            beforeRestart.state = try await APIState(api, searches: expected.searchRequests)
        }
        try first.close()

        let (second, _) = try ArrwServer.openDatabase(configuration: configuration(directory), logger: logger)
        try await withAPI(configuration(directory), database: second) { api in
            let reopened = try await APIState(api, searches: expected.searchRequests)
            let before = try #require(beforeRestart.state)
            Self.expectSameLibraries(reopened, before)
            #expect(reopened.storageSequences["last_sequence"] == before.storageSequences["last_sequence"])
            #expect(reopened.storageSequences["snapshot_sequence"] != expected.storageSequences["snapshot_sequence"])
        }
        try second.close()
    }
}

/// A data directory written by an earlier release (v2: baa6c47, snapshot payload 2 with sections
/// catalog 1, library 2 and server.jobs 1, change records 1 of kinds 1-8; v3: dbd2156, library
/// section 3 with the text analyzer and the keyword index, change-record kind 9; each with two
/// snapshots, the log back to the older, a WAL tail after the newer, a kill -9 at the end) opens
/// in this build with every library, statistic, document, embedding, vector, text, hybrid (and
/// for v3 keyword-only and reranked) search answer, job and sequence exactly as the old server
/// gave them; then this build writes (a job included), restarts, and answers the same again.
/// With the newer snapshot damaged, recovery falls back to the older one and replays a tail
/// that holds every change-record kind, replace-vectors (kind 8, which only
/// `regenerate_embeddings` writes, just before its snapshot) included.
extension StorageUpgradeTests {
    /// What differs between the fixtures of the releases after 0677ec5.
    struct FixtureRelease {
        var name: String
        var libraries: Int
        /// The release's default hybrid fusion, where it differs from this build's.
        var hybridFusion: String?
        /// Whether the release had text analyzers and keyword indexes (else its libraries must
        /// come back `english`, with keyword statistics derived from their documents).
        var hasKeywordIndexes: Bool
    }

    static let version2 = FixtureRelease(name: "storage-v2", libraries: 16, hybridFusion: "dbsf", hasKeywordIndexes: false)
    static let version3 = FixtureRelease(name: "storage-v3", libraries: 19, hybridFusion: nil, hasKeywordIndexes: true)
    static let version4 = FixtureRelease(name: "storage-v4", libraries: 20, hybridFusion: nil, hasKeywordIndexes: true)
    static let version5 = FixtureRelease(name: "storage-v5", libraries: 21, hybridFusion: nil, hasKeywordIndexes: true)

    @Test("release baa6c47's data directory opens with identical contents and jobs, then writes and restarts consistently")
    func upgradeFromVersion2() async throws {
        try await checkFixture(Self.version2, damagingNewestSnapshot: false)
    }

    @Test("release baa6c47's data directory with its newest snapshot damaged replays every change-record kind from the older one to identical contents")
    func upgradeFromVersion2ThroughOlderSnapshot() async throws {
        try await checkFixture(Self.version2, damagingNewestSnapshot: true)
    }

    @Test("release dbd2156's data directory (library section 3, analyzers, keyword indexes) opens with identical contents, keyword and reranked searches, then writes and restarts consistently")
    func upgradeFromVersion3() async throws {
        try await checkFixture(Self.version3, damagingNewestSnapshot: false)
    }

    @Test("release dbd2156's data directory with its newest snapshot damaged replays every change-record kind, 9 included, to identical contents")
    func upgradeFromVersion3ThroughOlderSnapshot() async throws {
        try await checkFixture(Self.version3, damagingNewestSnapshot: true)
    }

    @Test("release 44d6ef5's data directory (library section 4, a snapshot holding a fresh tail) opens with identical contents, then writes and restarts consistently")
    func upgradeFromVersion4() async throws {
        let recorded = try StorageFixture.expected(Self.version4.name)
        #expect((recorded.object?["bulk_tail_in_newest_snapshot"]?.number ?? 0) > 0, "the newest snapshot holds vectors of a fresh tail")
        try await checkFixture(Self.version4, damagingNewestSnapshot: false)
    }

    @Test("release 44d6ef5's data directory with its newest snapshot damaged replays every change-record kind to identical contents")
    func upgradeFromVersion4ThroughOlderSnapshot() async throws {
        try await checkFixture(Self.version4, damagingNewestSnapshot: true)
    }

    @Test("release d5abc26's data directory (library section 5, libraries of two providers, one moved between them) opens with identical contents, then writes and restarts consistently")
    func upgradeFromVersion5() async throws {
        let recorded = try StorageFixture.expected(Self.version5.name)
        let providers = recorded.object?["libraries"]?.array?.compactMap { $0.object?["library"]?.object?["embedding_provider"]?.string }
        #expect(Set(providers ?? []) == ["hash", "wide"], "libraries of both providers")
        try await checkFixture(Self.version5, damagingNewestSnapshot: false)
    }

    @Test("release d5abc26's data directory with its newest snapshot damaged replays every change-record kind, 10 and 11 included, to identical contents")
    func upgradeFromVersion5ThroughOlderSnapshot() async throws {
        try await checkFixture(Self.version5, damagingNewestSnapshot: true)
    }

    func checkFixture(_ release: FixtureRelease, damagingNewestSnapshot damaged: Bool) async throws {
        let directory = try StorageFixture.copyData(release.name)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let recorded = try StorageFixture.expected(release.name)
        let expected = try APIState(expected: recorded)
        let expectedJobs = try #require(expected.jobs)
        #expect(expected.libraries.count == release.libraries)
        #expect(Set(expectedJobs.compactMap { $0.object?["type"]?.string }) == [
            "batch_import", "batch_delete", "index_optimize", "index_rebuild", "regenerate_embeddings",
        ])
        #expect(Set(expectedJobs.compactMap { $0.object?["status"]?.string }) == ["completed", "failed"])
        let newest = try expected.sequence("snapshot_sequence")
        let older = UInt64(try #require(recorded.object?["older_snapshot_sequence"]?.number))
        let last = try expected.sequence("last_sequence")
        #expect(older < newest && newest < last)
        if damaged { try Self.damageSnapshot(directory: directory, sequence: newest) }
        let loaded = damaged ? older : newest
        let logger = Logger(label: "test")

        let (first, report) = try ArrwServer.openDatabase(configuration: configuration(directory), logger: logger)
        #expect(report?.snapshotSequence == loaded)
        #expect(report?.walRecordsReplayed == Int(last - loaded))
        #expect(report?.lastSequence == last)
        #expect(report?.rejectedSnapshots.count == (damaged ? 1 : 0))
        #expect(report?.skippedSections == [] && report?.tornTail == nil)
        let beforeRestart = UpgradeBox()
        try await withAPI(configuration(directory), database: first) { api in
            // Every job had finished: none is adopted or run again.
            try await Self.waitForIdleJobs(api)
            let opened = try await APIState(api, searches: expected.searchRequests, hybridFusion: release.hybridFusion)
            if let difference = firstDifference(.array(opened.jobs ?? []), .array(expectedJobs), at: "jobs") {
                Issue.record("jobs differ after the upgrade: \(difference)")
            }
            #expect(opened.libraries.count == expected.libraries.count)
            for (found, wanted) in zip(opened.libraries, expected.libraries) {
                let name = wanted.object?["library"]?.object?["name"]?.string ?? "?"
                if (wanted.object?["statistics"]?.object?["chunk_count"]?.number ?? 0) > 0 {
                    #expect((found.object?["statistics"]?.object?["index_memory_bytes"]?.number ?? 0) > 0, "\(name)")
                }
                if let difference = firstDifference(Self.withoutIndexMemory(release.hasKeywordIndexes ? found : Self.withoutKeywordFields(found)), Self.withoutIndexMemory(wanted), at: name) {
                    Issue.record("differs after the upgrade: \(difference)")
                }
            }
            #expect(try opened.sequence("last_sequence") == last)
            #expect(try opened.sequence("durable_through") == last)
            if !damaged { #expect(try opened.sequence("snapshot_sequence") == newest) }

            let libraries = try #require(try await api.call(.get, "/v1/libraries")["libraries"]?.array)
            var ids: [String: String] = [:]
            for library in libraries {
                let id = try #require(library.object?["id"]?.string)
                ids[library.object?["name"]?.string ?? ""] = id
                let dimension = Int(library.object?["dimension"]?.number ?? 8)
                let vector = (0..<dimension).map { Double($0 % 3) - 0.5 }
                let body = #"{"id": "after-upgrade", "metadata": {"group": 1}, "chunks": [{"text": "new words", "embedding": \#(vector)}]}"#
                #expect(try await api.call(.post, "/v1/libraries/\(id)/documents", body).status == .created)
                #expect(try await api.call(.delete, "/v1/libraries/\(id)/documents/doc-004").status != .internalServerError)
            }
            #expect(try await api.call(.post, "/v1/libraries", #"{"name": "after-upgrade", "index_type": "hnsw"}"#).status == .created)
            // Jobs of this build beside the old ones: a batch import, and a regeneration that
            // replaces the brought vector of the document just added (and writes a snapshot).
            let late = try #require(ids["late"]), regen = try #require(ids["regen"])
            let imported = try await Self.runJob(
                api, "batch_import",
                #"{"library_id": "\#(late)", "documents": [{"id": "imported-after", "chunks": [{"text": "imported", "embedding": [1, 0, 1, 0, 1, 0, 1, 0]}]}, {"text": 5}]}"#)
            #expect(imported.object?["status"] == .string("completed"))
            #expect(imported.object?["result"]?.object?["imported"] == .int(1) && imported.object?["result"]?.object?["failed"] == .int(1))
            #expect(try await api.call(.get, "/v1/libraries/\(late)/documents/imported-after").status == .ok)
            let probe = "/v1/libraries/\(regen)/documents/after-upgrade?include_embeddings=true"
            let brought = try #require(try await api.call(.get, probe)["chunks"]?.array?.first?.object?["embedding"])
            let regenerated = try await Self.runJob(api, "regenerate_embeddings", #"{"library_id": "\#(regen)"}"#)
            #expect(regenerated.object?["status"] == .string("completed"))
            let embedding = try #require(try await api.call(.get, probe)["chunks"]?.array?.first?.object?["embedding"])
            #expect(!embedding.jsonEquals(brought), "the regeneration replaced the brought vector with the text's embedding")
            // A snapshot in this build's format, then a WAL tail after it, as a crash would leave.
            try first.writeSnapshot()
            for library in libraries {
                let id = try #require(library.object?["id"]?.string)
                #expect(try await api.call(.delete, "/v1/libraries/\(id)/documents/doc-006").status != .internalServerError)
            }
            beforeRestart.state = try await APIState(api, searches: expected.searchRequests, hybridFusion: release.hybridFusion)
        }
        try first.close()

        let (second, _) = try ArrwServer.openDatabase(configuration: configuration(directory), logger: logger)
        try await withAPI(configuration(directory), database: second) { api in
            try await Self.waitForIdleJobs(api)
            let reopened = try await APIState(api, searches: expected.searchRequests, hybridFusion: release.hybridFusion)
            let before = try #require(beforeRestart.state)
            Self.expectSameLibraries(reopened, before)
            if let difference = firstDifference(.array(reopened.jobs ?? []), .array(before.jobs ?? []), at: "jobs") {
                Issue.record("jobs differ after the restart: \(difference)")
            }
            #expect(reopened.jobs?.count == expectedJobs.count + 2)
            #expect(reopened.storageSequences["last_sequence"] == before.storageSequences["last_sequence"])
            #expect(try reopened.sequence("snapshot_sequence") > newest)
        }
        try second.close()
    }

    /// Overwrites the checksum at the end of the snapshot file of `sequence` with its complement.
    static func damageSnapshot(directory: String, sequence: UInt64) throws {
        let digits = String(sequence)
        let path = directory + "/snapshots/snapshot-" + String(repeating: "0", count: 20 - digits.count) + digits + ".arws"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for index in bytes.count - 4..<bytes.count { bytes[index] = ~bytes[index] }
        try bytes.write(to: URL(fileURLWithPath: path))
    }

    /// Submits a job (`POST /v1/jobs/{type}`) and returns it once it has finished.
    static func runJob(_ api: API, _ type: String, _ body: String) async throws -> JSONValue {
        let submitted = try await api.call(.post, "/v1/jobs/\(type)", body)
        #expect(submitted.status == .accepted, "\(String(describing: submitted.json))")
        let id = try #require(submitted["job_id"]?.string)
        var job = try await api.call(.get, "/v1/jobs/\(id)")
        for _ in 0..<3000 where !["completed", "failed", "cancelled"].contains(job["status"]?.string ?? "") {
            try await Task.sleep(for: .milliseconds(10))
            job = try await api.call(.get, "/v1/jobs/\(id)")
        }
        return try #require(job.json)
    }

    /// Waits until no job is pending or running.
    static func waitForIdleJobs(_ api: API) async throws {
        var queue = try await api.call(.get, "/v1/jobs/stats/queue")
        for _ in 0..<1000 where queue["pending_jobs"] != .int(0) || queue["running_jobs"] != .int(0) {
            try await Task.sleep(for: .milliseconds(10))
            queue = try await api.call(.get, "/v1/jobs/stats/queue")
        }
    }
}

extension StorageUpgradeTests {
    /// The library whose index change sits in the fixture's WAL tail. Release 0677ec5 set its
    /// `updated_at` from the clock when the background build finished, which no log recorded,
    /// so no restart (its own included) could reproduce it; this build takes the logged time of
    /// the change. The two may differ by the build's duration: that one field is compared to
    /// within a second, every other field (search answers included) exactly.
    static let rebuiltInTail = "bf-l2"

    static func settlingRebuildClock(_ found: JSONValue, _ wanted: JSONValue) throws -> (JSONValue, JSONValue) {
        guard var foundEntry = found.object, var wantedEntry = wanted.object,
              var foundLibrary = foundEntry["library"]?.object, var wantedLibrary = wantedEntry["library"]?.object,
              wantedLibrary["name"] == .string(rebuiltInTail)
        else { return (found, wanted) }
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let foundTime = try #require(foundLibrary["updated_at"]?.string.flatMap(format.date(from:)))
        let wantedTime = try #require(wantedLibrary["updated_at"]?.string.flatMap(format.date(from:)))
        #expect(abs(foundTime.timeIntervalSince(wantedTime)) < 1, "\(rebuiltInTail): updated_at \(foundTime) vs \(wantedTime)")
        foundLibrary["updated_at"] = nil
        wantedLibrary["updated_at"] = nil
        foundEntry["library"] = .object(foundLibrary)
        wantedEntry["library"] = .object(wantedLibrary)
        return (.object(foundEntry), .object(wantedEntry))
    }

    /// A library's state without `statistics.index_memory_bytes` and the keyword index's
    /// `memory_bytes`: measurements of the memory
    /// the index has allocated (array capacities as the allocator rounds them, growth slack a
    /// reload drops), not stored state, so it is not expected to repeat to the byte.
    /// A library's state as a release before the text analyzer showed it: this build's
    /// `text_analyzer` (which must be `english`, the analysis those releases' data gets) and
    /// `statistics.keyword_index` (derived from the documents) are checked and dropped.
    static func withoutKeywordFields(_ library: JSONValue) -> JSONValue {
        guard var entry = library.object, var info = entry["library"]?.object, var statistics = entry["statistics"]?.object else { return library }
        #expect(info.removeValue(forKey: "text_analyzer") == .string("english"), "an old library analyzes as english")
        #expect(statistics.removeValue(forKey: "keyword_index")?.object?["analyzer"] == .string("english"))
        entry["library"] = .object(info)
        entry["statistics"] = .object(statistics)
        return .object(entry)
    }

    /// Records where `reopened`'s libraries first differ from `before`'s (the memory measured
    /// aside), as a restart must reproduce them.
    static func expectSameLibraries(_ reopened: APIState, _ before: APIState, sourceLocation: SourceLocation = #_sourceLocation) {
        let (found, wanted) = (reopened.libraries.map(withoutIndexMemory), before.libraries.map(withoutIndexMemory))
        if let difference = firstDifference(.array(found), .array(wanted), at: "libraries") {
            Issue.record("differs after the restart: \(difference)", sourceLocation: sourceLocation)
        }
    }

    static func withoutIndexMemory(_ library: JSONValue) -> JSONValue {
        guard var entry = withoutOriginalAliases(withoutOriginalListings(library)).object, var statistics = entry["statistics"]?.object
        else { return library }
        // A library from before providers had names shows `embedding_provider` null, which those
        // releases did not answer at all.
        if var info = entry["library"]?.object, info["embedding_provider"] == .null {
            info["embedding_provider"] = nil
            entry["library"] = .object(info)
        }
        statistics["index_memory_bytes"] = nil
        // The background builder's progress: when it moves vectors, not what is stored.
        statistics["pending_index_vectors"] = nil
        statistics["index_build_rate"] = nil
        if case .object(var keywordIndex)? = statistics["keyword_index"] {
            keywordIndex["memory_bytes"] = nil
            statistics["keyword_index"] = .object(keywordIndex)
        }
        entry["statistics"] = .object(statistics)
        return .object(entry)
    }
}

extension StorageUpgradeTests {
    /// The fields answered for the original arrwDB's clients since releases whose answers the
    /// fixtures hold: each alias is checked against the field it repeats (`num_documents`,
    /// `embedding_dimension`, `source_document_id`, `total_results`), `chunk_index` and
    /// `document_title` for their types, then all are dropped. User `metadata` is left alone.
    /// The library's documents as `GET /v1/libraries/{id}` lists them for the original's
    /// clients (checked against the paged listing, without embeddings), and the statistics'
    /// `library_id`, `library_name`, `vector_store_stats` and `index_stats` (checked against
    /// the library and the statistics), dropped.
    static func withoutOriginalListings(_ value: JSONValue) -> JSONValue {
        guard var entry = value.object, var library = entry["library"]?.object, var statistics = entry["statistics"]?.object else { return value }
        if let listed = library.removeValue(forKey: "documents") {
            let paged = entry["documents"]?.array ?? []
            #expect(library.removeValue(forKey: "documents_truncated") == .bool(paged.count > 1000))
            #expect(listed.array?.map { $0.object?["id"] } == paged.prefix(1000).map { $0.object?["id"] })
        }
        if statistics["library_id"] != nil {
            #expect(statistics.removeValue(forKey: "library_id") == library["id"])
            #expect(statistics.removeValue(forKey: "library_name") == library["name"])
            #expect(statistics.removeValue(forKey: "vector_store_stats")?.object?["total_vectors"] == statistics["chunk_count"])
            #expect(statistics.removeValue(forKey: "index_stats")?.object?["type"] == statistics["index_type"])
        }
        entry["library"] = .object(library)
        entry["statistics"] = .object(statistics)
        return .object(entry)
    }

    static func withoutOriginalAliases(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let items):
            return .array(items.map(withoutOriginalAliases))
        case .object(var object):
            let aliases = [
                "num_documents": "document_count", "num_chunks": "chunk_count", "embedding_dimension": "dimension",
                "source_document_id": "document_id", "total_results": "total",
            ]
            for (alias, original) in aliases where object[alias] != nil {
                #expect(object[original] == nil || object[alias] == object[original], "\(alias) repeats \(original)")
                object[alias] = nil
            }
            if let index = object.removeValue(forKey: "chunk_index") { #expect(index.number.map { $0 >= 0 } == true) }
            if let title = object.removeValue(forKey: "document_title") { #expect(title.string != nil) }
            for (key, field) in object where key != "metadata" { object[key] = withoutOriginalAliases(field) }
            return .object(object)
        default:
            return value
        }
    }
}

/// Where two JSON values first differ (a path and both values, shortened), or nil when equal.
func firstDifference(_ found: JSONValue, _ wanted: JSONValue, at path: String) -> String? {
    switch (found, wanted) {
    case (.object(let a), .object(let b)):
        for key in Set(a.keys).union(b.keys).sorted() {
            guard let x = a[key], let y = b[key] else { return "\(path).\(key) is only on one side" }
            if let difference = firstDifference(x, y, at: path + "." + key) { return difference }
        }
        return nil
    case (.array(let a), .array(let b)):
        guard a.count == b.count else { return "\(path) has \(a.count) items, expected \(b.count)" }
        for (index, (x, y)) in zip(a, b).enumerated() {
            if let difference = firstDifference(x, y, at: "\(path)[\(index)]") { return difference }
        }
        return nil
    default:
        return found.jsonEquals(wanted) ? nil : "\(path): \(String(describing: found).prefix(200)) vs expected \(String(describing: wanted).prefix(200))"
    }
}

/// Carries a state out of a `withAPI` closure.
final class UpgradeBox: @unchecked Sendable {
    var state: APIState?
}
