import ArrwEmbedding
import ArrwEngine
import ArrwServer
import Foundation
import Hummingbird
import Testing

/// The original arrwDB's search routes and library answers: `/search/embedding`,
/// `/search/filtered` with `metadata_filters`, `include_embeddings` as a query parameter, the
/// library with its documents, and the statistics under the original's names.
@Suite struct OriginalSearchRouteTests {
    /// A library of four documents with brought vectors and metadata; returns its id.
    func seeded(_ api: API) async throws -> String {
        let library = try await api.createLibrary("original-search")
        let documents = [
            (#""a""#, "[1, 0, 0]", #"{"category": "tech", "year": 2021, "tags": ["db", "ann"]}"#),
            (#""b""#, "[0.9, 0.1, 0]", #"{"category": "tech", "year": 2018, "tags": ["db"]}"#),
            (#""c""#, "[0.8, 0, 0.2]", #"{"category": "food", "year": 2022, "tags": []}"#),
            (#""d""#, "[0, 1, 0]", #"{"category": "tech", "year": 2023, "tags": ["ann"]}"#),
        ]
        for (id, vector, metadata) in documents {
            _ = try await api.addDocument(library, #"{"id": \#(id), "title": \#(id), "metadata": \#(metadata), "chunks": [{"text": \#(id), "embedding": \#(vector)}]}"#)
        }
        return library
    }

    @Test("/search/embedding searches by the original's field, with distance_threshold and include_embeddings as a query parameter")
    func embeddingSearch() async throws {
        try await withAPI { api in
            let library = try await seeded(api)
            let reply = try await api.call(
                .post, "/v1/libraries/\(library)/search/embedding?include_embeddings=true", #"{"embedding": [1, 0, 0], "k": 3, "distance_threshold": 0.02}"#)
            #expect(reply.status == .ok)
            let results = try #require(reply["results"]?.array)
            #expect(results.compactMap { $0.object?["document_id"]?.string } == ["a", "b"])
            #expect(results.first?.object?["chunk"]?.object?["embedding"]?.array?.count == 3)
            let plain = try await api.call(.post, "/v1/libraries/\(library)/search/embedding", #"{"embedding": [1, 0, 0], "k": 1}"#)
            #expect(plain["results"]?.array?.first?.object?["chunk"]?.object?["embedding"] == nil)
            try await api.call(.post, "/v1/libraries/\(library)/search/embedding", #"{"k": 1}"#).expectError(.badRequest, "validation_error", field: "embedding")
            try await api.call(.post, "/v1/libraries/\(library)/search/embedding", #"{"embedding": [1, 0], "k": 1}"#).expectError(.badRequest, "dimension_mismatch")
            try await api.call(.post, "/v1/libraries/\(library)/search?include_embeddings=maybe", #"{"query_vector": [1, 0, 0]}"#)
                .expectError(.badRequest, "validation_error", field: "include_embeddings")
        }
    }

    @Test("/search/filtered: every metadata filter must hold, each operator as our filter language means it")
    func filteredSearch() async throws {
        try await withAPI(testConfiguration(), database: Database(embedder: HashEmbedder(dimension: 3))) { api in
            let library = try await seeded(api)
            func ids(_ filters: String, extra: String = "") async throws -> [String] {
                let reply = try await api.call(
                    .post, "/v1/libraries/\(library)/search/filtered", #"{"query": "anything", "k": 10, "metadata_filters": \#(filters)\#(extra)}"#)
                #expect(reply.status == .ok, "\(String(describing: reply.json))")
                return (reply["results"]?.array ?? []).compactMap { $0.object?["document_id"]?.string }.sorted()
            }
            #expect(try await ids(#"[{"field": "category", "operator": "eq", "value": "tech"}, {"field": "year", "operator": "gte", "value": 2020}]"#) == ["a", "d"])
            #expect(try await ids(#"[{"field": "category", "operator": "ne", "value": "tech"}]"#) == ["c"])
            #expect(try await ids(#"[{"field": "year", "operator": "lt", "value": 2021}]"#) == ["b"])
            #expect(try await ids(#"[{"field": "year", "operator": "gt", "value": 2021}, {"field": "year", "operator": "lte", "value": 2022}]"#) == ["c"])
            #expect(try await ids(#"[{"field": "category", "operator": "in", "value": ["food", "none"]}]"#) == ["c"])
            #expect(try await ids(#"[{"field": "tags", "operator": "contains", "value": "ann"}]"#) == ["a", "d"])
            #expect(try await ids(#"[]"#) == ["a", "b", "c", "d"])
            #expect(try await ids(#"[{"field": "tags", "operator": "contains", "value": "db"}]"#, extra: #", "filter": {"year": {"$gt": 2020}}"#) == ["a"])
            let unknown = try await api.call(
                .post, "/v1/libraries/\(library)/search/filtered", #"{"query": "x", "metadata_filters": [{"field": "year", "operator": "between", "value": 1}]}"#)
            unknown.expectError(.badRequest, "unknown_filter_operator")
            try await api.call(.post, "/v1/libraries/\(library)/search/filtered", #"{"query": "x", "metadata_filters": [{"operator": "eq", "value": 1}]}"#)
                .expectError(.badRequest, "validation_error", field: "metadata_filters[0].field")
            try await api.call(.post, "/v1/libraries/\(library)/search/filtered", #"{"query": "x", "metadata_filters": {"field": "year"}}"#)
                .expectError(.badRequest, "validation_error", field: "metadata_filters")
            try await api.call(.post, "/v1/libraries/\(library)/search/filtered", #"{"metadata_filters": []}"#)
                .expectError(.badRequest, "validation_error", field: "query")
        }
    }

    @Test("a library answers its documents up to the cap with documents_truncated; statistics answer the original's names")
    func libraryListingAndStatistics() async throws {
        try await withAPI { api in
            let library = try await seeded(api)
            let info = try await api.call(.get, "/v1/libraries/\(library)")
            #expect(info["documents"]?.array?.compactMap { $0.object?["id"]?.string } == ["a", "b", "c", "d"])
            #expect(info["documents_truncated"] == .bool(false))
            #expect(info["documents"]?.array?.first?.object?["chunks"]?.array?.first?.object?["embedding"] == nil)
            let withVectors = try await api.call(.get, "/v1/libraries/\(library)?include_embeddings=true")
            #expect(withVectors["documents"]?.array?.first?.object?["chunks"]?.array?.first?.object?["embedding"]?.array?.count == 3)

            let statistics = try await api.call(.get, "/v1/libraries/\(library)/statistics")
            #expect(statistics["library_id"] == .string(library) && statistics["library_name"] == .string("original-search"))
            #expect(statistics["num_documents"] == .int(4) && statistics["num_chunks"] == .int(4) && statistics["embedding_dimension"] == .int(3))
            #expect(statistics["vector_store_stats"]?.object?["total_vectors"] == .int(4))
            #expect(statistics["index_stats"]?.object?["type"] == statistics["index_type"])
        }
    }
}
