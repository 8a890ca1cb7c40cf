import ArrwEngine
import ArrwTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// kill -9 while each job type runs, at a random point, then restart: every job ends completed
/// (or failed with a reason), never stuck; a resumed import holds each of its documents exactly
/// once; a delete, rebuild, optimize, export or re-embedding that completed did all its work. Cycles go round
/// the job types (`ARRW_JOB_CRASH_CYCLES`, default 20; `ARRW_JOB_CRASH_SEED` repeats a run).
@Suite(.serialized) struct JobCrashTests {
    static let dimension = 8
    static let importSize = 10_000
    static let sharedSize = 3_000

    enum Kind: CaseIterable {
        case batchImport, batchDelete, indexRebuild, indexOptimize, batchExport, regenerateEmbeddings
    }

    @Test(.timeLimit(.minutes(10)))
    func everyJobTypeSurvivesKillNine() async throws {
        let cycles = try CrashRecoveryTests.setting("ARRW_JOB_CRASH_CYCLES", default: 20, in: 1...10_000)
        let seed = UInt64(try CrashRecoveryTests.setting("ARRW_JOB_CRASH_SEED", default: Int.random(in: 1...999_999), in: 0...Int.max))
        print("job crash test: \(cycles) cycles, seed \(seed) (ARRW_JOB_CRASH_SEED)")
        var random = SeededGenerator(seed: seed)
        try await CrashHarness.run { harness in
            var server = try await harness.start()
            let api = Client(http: harness.http)
            let shared = try await api.library(on: server, "shared")
            let seeded = try await api.submit(on: server, "batch_import", Self.importBody(shared, count: Self.sharedSize, prefix: "s", random: &random))
            #expect(try await api.finish(on: server, seeded)["status"] == .string("completed"))
            let texts = try await api.library(on: server, "texts", dimension: nil)
            let words = (0..<Self.sharedSize).map { #"{"id": "w\#($0)", "text": "word \#($0) of the texts library"}"# }.joined(separator: ",")
            let seededTexts = try await api.submit(on: server, "batch_import", #"{"library_id": "\#(texts)", "documents": [\#(words)]}"#)
            #expect(try await api.finish(on: server, seededTexts)["status"] == .string("completed"))
            let rebuildTargets = [("hnsw", #"{"m": 8, "ef_construction": 40}"#), ("ivf", #"{"nlist": 16}"#), ("brute_force", "{}")]
            for cycle in 1...cycles {
                let kind = Kind.allCases[(cycle - 1) % Kind.allCases.count]
                var library = shared
                let body: String
                switch kind {
                case .batchImport:
                    library = try await api.library(on: server, "import-\(cycle)")
                    body = Self.importBody(library, count: Self.importSize, prefix: "d", random: &random)
                case .batchDelete:
                    library = try await api.library(on: server, "delete-\(cycle)")
                    let seededDelete = try await api.submit(on: server, "batch_import", Self.importBody(library, count: 2000, prefix: "x", random: &random))
                    #expect(try await api.finish(on: server, seededDelete)["status"] == .string("completed"))
                    body = cycle % 2 == 0
                        ? #"{"library_id": "\#(library)", "filter": {"even": true}}"#
                        : #"{"library_id": "\#(library)", "document_ids": [\#((0..<1000).map { "\"x\($0 * 2)\"" }.joined(separator: ","))]}"#
                case .indexRebuild:
                    let (target, parameters) = rebuildTargets[cycle % rebuildTargets.count]
                    body = #"{"library_id": "\#(library)", "index_type": "\#(target)", "index_params": \#(parameters)}"#
                case .indexOptimize, .batchExport:
                    body = #"{"library_id": "\#(library)"}"#
                case .regenerateEmbeddings:
                    library = texts
                    body = #"{"library_id": "\#(library)"}"#
                }
                let type = switch kind {
                case .batchImport: "batch_import"
                case .batchDelete: "batch_delete"
                case .indexRebuild: "index_rebuild"
                case .indexOptimize: "index_optimize"
                case .batchExport: "batch_export"
                case .regenerateEmbeddings: "regenerate_embeddings"
                }
                let job = try await api.submit(on: server, type, body)
                let wait = Int.random(in: 10...700, using: &random)
                try await Task.sleep(for: .milliseconds(wait))
                await server.crash()
                server = try await harness.start()
                let finished = try await api.finish(on: server, job)
                let status = finished["status"]?.string ?? "?"
                print("cycle \(cycle)/\(cycles): \(type) killed after \(wait) ms, then \(status) after \(finished["attempts"] ?? .null) attempts")
                if status == "failed" {
                    #expect(finished["error"]?.string?.isEmpty == false, "cycle \(cycle): a failed \(type) gives its reason")
                    continue
                }
                #expect(status == "completed", "cycle \(cycle): \(type) ended \(status) (seed \(seed))")
                let statistics = try await api.get(on: server, "/v1/libraries/\(library)/statistics")
                switch kind {
                case .batchImport:
                    #expect(statistics["document_count"] == .int(Int64(Self.importSize)), "cycle \(cycle): the import holds each document once")
                    #expect(finished["result"]?.object?["imported"] == .int(Int64(Self.importSize)))
                case .batchDelete:
                    #expect(statistics["document_count"] == .int(1000), "cycle \(cycle): the delete removed every even document")
                case .indexRebuild:
                    #expect(statistics["build_state"] == .string("ready") && statistics["chunk_count"] == .int(Int64(Self.sharedSize)))
                    #expect(statistics["index_type"] == .string(rebuildTargets[cycle % rebuildTargets.count].0), "cycle \(cycle): the rebuilt index serves")
                case .indexOptimize:
                    #expect(statistics["chunk_count"] == .int(Int64(Self.sharedSize)))
                case .batchExport:
                    let file = try await harness.http.send(.GET, server.baseURL + "/v1/jobs/\(job)/result")
                    #expect(file.status == 200)
                    #expect(file.text.split(separator: "\n").count == Self.sharedSize, "cycle \(cycle): the export holds every document once")
                case .regenerateEmbeddings:
                    #expect(finished["result"]?.object?["regenerated"] == .int(Int64(Self.sharedSize)), "cycle \(cycle): every chunk re-embedded")
                    #expect(statistics["chunk_count"] == .int(Int64(Self.sharedSize)) && statistics["build_state"] == .string("ready"))
                }
            }
            for status in ["pending", "running"] {
                #expect(try await api.get(on: server, "/v1/jobs?status=\(status)")["total"] == .int(0), "no job is left \(status)")
            }
        }
    }

    static func importBody(_ library: String, count: Int, prefix: String, random: inout SeededGenerator) -> String {
        var documents: [String] = []
        documents.reserveCapacity(count)
        for index in 0..<count {
            let vector = (0..<dimension).map { _ in String(format: "%.4f", Double.random(in: -1...1, using: &random)) }
            documents.append(#"{"id": "\#(prefix)\#(index)", "metadata": {"even": \#(index % 2 == 0)}, "chunks": [{"text": "t", "embedding": [\#(vector.joined(separator: ","))]}]}"#)
        }
        return #"{"library_id": "\#(library)", "documents": [\#(documents.joined(separator: ","))]}"#
    }

    /// The calls the test makes, each checked.
    struct Client {
        let http: JSONHTTP

        func library(on server: ServerProcess, _ name: String, dimension: Int? = JobCrashTests.dimension) async throws -> String {
            let fixed = dimension.map { #", "dimension": \#($0)"# } ?? ""
            let reply = try await http.send(.POST, server.baseURL + "/v1/libraries", #"{"name": "\#(name)", "metric": "l2"\#(fixed)}"#)
            return try #require(reply["id"]?.string, "creating \(name): \(reply.text)")
        }

        func submit(on server: ServerProcess, _ type: String, _ body: String) async throws -> String {
            let reply = try await http.send(.POST, server.baseURL + "/v1/jobs/\(type)", body, timeout: .seconds(60))
            #expect(reply.status == 202, "\(type): \(reply.text.prefix(300))")
            return try #require(reply["job_id"]?.string)
        }

        func get(on server: ServerProcess, _ path: String) async throws -> HTTPReply {
            try await http.send(.GET, server.baseURL + path)
        }

        /// Polls the job until it has finished (two minutes at most).
        func finish(on server: ServerProcess, _ job: String) async throws -> HTTPReply {
            var reply = try await get(on: server, "/v1/jobs/\(job)")
            for _ in 0..<1200 where !["completed", "failed", "cancelled"].contains(reply["status"]?.string ?? "") {
                try await Task.sleep(for: .milliseconds(100))
                reply = try await get(on: server, "/v1/jobs/\(job)")
            }
            #expect(["completed", "failed", "cancelled"].contains(reply["status"]?.string ?? ""), "job \(job) is stuck: \(reply.text)")
            return reply
        }
    }
}
