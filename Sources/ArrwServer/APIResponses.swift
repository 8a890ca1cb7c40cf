import ArrwEmbedding
import ArrwEngine
import ArrwIndex
import Foundation
import Hummingbird

/// JSON shapes the API answers with (SPEC.md, "Shapes that clients rely on"). Keys are
/// snake_case; times are ISO 8601 UTC with milliseconds; absent values are `null` where a
/// client relies on the key and omitted elsewhere.
enum APIResponse {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: value.jsonBytes)))
    }

    /// `value` as compact JSON text (one line), for NDJSON and SSE frames.
    static func text(_ value: JSONValue) -> String {
        String(decoding: value.jsonBytes, as: UTF8.self)
    }

    /// An event as subscribers receive it: `{"sequence", "type", "library_id", "timestamp", "data"}`.
    static func event(_ event: ChangeEvent) -> JSONValue {
        .object([
            "sequence": .int(Int64(event.sequence)), "type": .string(event.kind.rawValue),
            "library_id": event.libraryId.map { .string($0.uuidString.lowercased()) } ?? .null, "timestamp": timestamp(event.timestamp),
            "data": .object(event.data),
        ])
    }

    static func timestamp(_ date: Date) -> JSONValue {
        .string(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
    }

    static func library(_ info: LibraryInfo) -> JSONValue {
        .object([
            "id": .string(info.id.uuidString.lowercased()),
            "name": .string(info.name),
            "description": .string(info.description),
            "index_type": .string(info.indexType.rawValue),
            "index_params": .object(info.indexParams),
            "metric": .string(info.metric.rawValue),
            "dimension": info.dimension.map { .int(Int64($0)) } ?? .null,
            "embedding_model": .string(info.embeddingModel),
            // Null for a library from before providers had names (served by the provider of its model).
            "embedding_provider": info.embeddingProvider.isEmpty ? .null : .string(info.embeddingProvider),
            "metadata": .object(info.metadata),
            "created_at": timestamp(info.createdAt),
            "updated_at": timestamp(info.updatedAt),
            "document_count": .int(Int64(info.documentCount)),
            "chunk_count": .int(Int64(info.chunkCount)),
            "text_analyzer": .string(info.textAnalyzer.rawValue),
            // The original arrwDB's names for the count and the dimension.
            "num_documents": .int(Int64(info.documentCount)),
            "embedding_dimension": info.dimension.map { .int(Int64($0)) } ?? .null,
        ])
    }

    /// The statistics (SPEC.md's fields and ours), with the original arrwDB's `library_id`,
    /// `library_name`, `num_documents`, `num_chunks`, `embedding_dimension`,
    /// `vector_store_stats` and `index_stats` beside them.
    static func statistics(_ stats: LibraryStatistics, of library: LibraryInfo) -> JSONValue {
        var object = statistics(stats).object ?? [:]
        let dimension: JSONValue = stats.dimension.map { .int(Int64($0)) } ?? .null
        object["library_id"] = .string(library.id.uuidString.lowercased())
        object["library_name"] = .string(library.name)
        object["num_documents"] = .int(Int64(stats.documentCount))
        object["num_chunks"] = .int(Int64(stats.chunkCount))
        object["embedding_dimension"] = dimension
        object["vector_store_stats"] = .object([
            "total_vectors": .int(Int64(stats.chunkCount)), "dimension": dimension, "metric": .string(stats.metric.rawValue),
        ])
        object["index_stats"] = .object([
            "type": .string(stats.indexType.rawValue), "params": .object(stats.indexParams), "size": .int(Int64(stats.chunkCount)),
            "memory_bytes": .int(Int64(stats.indexMemoryBytes)), "build_state": .string(stats.buildState),
        ])
        return .object(object)
    }

    static func statistics(_ stats: LibraryStatistics) -> JSONValue {
        .object([
            "document_count": .int(Int64(stats.documentCount)),
            "chunk_count": .int(Int64(stats.chunkCount)),
            "dimension": stats.dimension.map { .int(Int64($0)) } ?? .null,
            "metric": .string(stats.metric.rawValue),
            "index_type": .string(stats.indexType.rawValue),
            "index_params": .object(stats.indexParams),
            "index_memory_bytes": .int(Int64(stats.indexMemoryBytes)),
            "pending_index_vectors": .int(Int64(stats.pendingIndexVectors)),
            "index_build_rate": .double((stats.indexBuildRate * 10).rounded() / 10),
            "keyword_index": stats.textAnalyzer == .none ? .null : .object([
                "analyzer": .string(stats.textAnalyzer.rawValue), "terms": .int(Int64(stats.keywordTerms)),
                "memory_bytes": .int(Int64(stats.keywordMemoryBytes)),
            ]),
            "build_state": .string(stats.buildState),
            "build_target": stats.buildTarget.map { target in
                .object(["index_type": .string(target.type.rawValue), "index_params": .object(target.json)])
            } ?? .null,
        ])
    }

    /// `{"id", "document_id", "text", "metadata", "chunk_index", "source_document_id", "embedding"?}`
    /// (`chunk_index` and `source_document_id`, its document's id again, as the original arrwDB answered).
    static func chunk(_ chunk: Chunk) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(chunk.id),
            "document_id": .string(chunk.documentId),
            "text": .string(chunk.text),
            "metadata": .object(chunk.metadata),
            "chunk_index": .int(Int64(chunk.index)),
            "source_document_id": .string(chunk.documentId),
        ]
        if let embedding = chunk.embedding {
            object["embedding"] = .array(embedding.map { .double(Double("\($0)") ?? Double($0)) })
        }
        return .object(object)
    }

    /// A document; the original arrwDB's fields it was given (`author`, `document_type`,
    /// `source_url`, `tags`) beside `metadata`.
    static func document(_ document: Document) -> JSONValue {
        .object(document.fields.merging([
            "id": .string(document.id),
            "library_id": .string(document.libraryId.uuidString.lowercased()),
            "title": .string(document.title),
            "metadata": .object(document.metadata),
            "chunks": .array(document.chunks.map(chunk)),
            "created_at": timestamp(document.createdAt),
            "updated_at": timestamp(document.updatedAt),
        ]) { _, own in own })
    }

    /// `{"code", "error_type", "message", "details"?}`: an error as every transport reports it
    /// (`error_type` is the original arrwDB's name for it, see `OriginalErrorType`).
    static func error(_ error: EngineError) -> JSONValue {
        Self.error(code: error.code, status: ErrorEnvelope.status(for: error.kind).code, message: error.message, details: error.details)
    }

    static func error(_ code: HTTPErrorCode, message: String) -> JSONValue {
        error(code: code.rawValue, status: code.status.code, message: message, details: nil)
    }

    static func error(_ code: StreamErrorCode, message: String) -> JSONValue {
        error(code: code.rawValue, status: nil, message: message, details: nil)
    }

    private static func error(code: String, status: Int?, message: String, details: [String: JSONValue]?) -> JSONValue {
        var object: [String: JSONValue] = [
            "code": .string(code), "error_type": .string(OriginalErrorType.name(code: code, status: status)), "message": .string(message),
        ]
        if let details { object["details"] = .object(details) }
        return .object(object)
    }

    /// `{"successful", "failed", "results": [batchItem + "success"], "embedding_retries"?}`: the
    /// JSON answer of `/documents/stream` (and, with `originalTotals`, of the batch routes);
    /// each result adds the original arrwDB's `success` flag; `embedding_retries` only when a
    /// remote provider needed retries.
    static func batch(_ outcome: BatchOutcome) -> JSONValue {
        var object: [String: JSONValue] = [
            "successful": .int(Int64(outcome.successful)),
            "failed": .int(Int64(outcome.failed)),
            "results": .array(outcome.results.map { item in
                var result = batchItem(item).object ?? [:]
                result["success"] = .bool(item.error == nil)
                return .object(result)
            }),
        ]
        if outcome.embeddingRetries > 0 { object["embedding_retries"] = .int(Int64(outcome.embeddingRetries)) }
        return .object(object)
    }

    /// `batch(outcome)` plus the original arrwDB's `total_requested`, `processing_time_ms` (from
    /// `start`) and, for additions, `total_chunks_added`: the answer of `/documents/batch`,
    /// batch deletes and the original's batch routes.
    static func batch(_ outcome: BatchOutcome, since start: ContinuousClock.Instant, added: Bool = true) -> JSONValue {
        var object = batch(outcome).object ?? [:]
        object["total_requested"] = .int(Int64(outcome.results.count))
        object["processing_time_ms"] = .double(milliseconds(since: start))
        if added { object["total_chunks_added"] = .int(Int64(outcome.chunks)) }
        return .object(object)
    }

    /// Milliseconds from `start` to now, to a microsecond.
    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return ((Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15) * 1000).rounded() / 1000
    }

    /// `{"line", "document_id"?, "error"?}`: one item of a batch answer, and one line of a
    /// streamed upload's NDJSON answer.
    static func batchItem(_ item: BatchItemResult) -> JSONValue {
        var object: [String: JSONValue] = ["line": .int(Int64(item.line))]
        if let id = item.documentId { object["document_id"] = .string(id) }
        if let failure = item.error { object["error"] = error(failure) }
        return .object(object)
    }

    /// `{"summary": {"successful", "failed"}}`: the last line of a streamed upload's NDJSON answer.
    static func batchSummary(successful: Int, failed: Int) -> JSONValue {
        .object(["summary": .object(["successful": .int(Int64(successful)), "failed": .int(Int64(failed))])])
    }

    /// `{"results": [searchHit], "total", "total_results", "query_time_ms"}` (`total_results`: the
    /// original arrwDB's name for `total`).
    static func search(_ outcome: SearchOutcome) -> JSONValue {
        .object([
            "results": .array(outcome.hits.map(searchHit)),
            "total": .int(Int64(outcome.hits.count)),
            "total_results": .int(Int64(outcome.hits.count)),
            "query_time_ms": .double(outcome.queryTimeMs),
        ])
    }

    /// `{"chunk", "document_id", "document_title", "distance", "score"}`: one search result.
    static func searchHit(_ hit: SearchHit) -> JSONValue {
        .object([
            "chunk": chunk(hit.chunk),
            "document_id": .string(hit.documentId),
            "document_title": .string(hit.chunk.documentTitle),
            "distance": .double(hit.distance),
            "score": .double(hit.score),
        ])
    }

    /// `{"summary": {"total", "query_time_ms"}}`: the last line of a streamed search.
    static func searchSummary(_ outcome: SearchOutcome) -> JSONValue {
        .object(["summary": .object(["total": .int(Int64(outcome.hits.count)), "query_time_ms": .double(outcome.queryTimeMs)])])
    }
}
