import ArrwEngine
import Hummingbird

/// `POST /v1/libraries/{id}/documents/stream`: stores the documents of an NDJSON body (one
/// document per line, any input form of `DocumentBody`) while the body is still arriving.
///
/// One task reads the body, cuts it into lines (`NDJSONLineSplitter`) and parses them; this
/// one stores them, one `Database.addDocuments` call per batch of at most `maxBatchLines` lines
/// or `maxBatchBytes` bytes, so the texts of a batch are embedded in one provider call and
/// acknowledged with one durable wait. A batch is whatever is waiting when the previous one is
/// durable, so lines that trickle in are answered at once and a fast upload goes in full
/// batches. Memory is bounded: two batches wait at most (`NDJSONUploadQueue`), then the body
/// is not read and TCP holds the client back. The body has no overall size limit, only each
/// line (`maxLineBytes`, the server's `MAX_REQUEST_BODY_BYTES`).
///
/// Each line fails alone (bad JSON, bad fields, wrong dimension, duplicate id, too long) with
/// its 1-based line number; blank lines are skipped but counted. An error that belongs to no
/// single line (the embedding provider failing, the library deleted meanwhile, the log not
/// writable) fails every line of the batch being stored, and the upload goes on.
struct NDJSONDocumentUpload: Sendable {
    /// Lines stored per `addDocuments` call, at most.
    static let maxBatchLines = 64
    /// Bytes of lines stored per `addDocuments` call, at most (a longer single line is a batch alone).
    static let maxBatchBytes = 1 << 20

    let database: Database
    let libraryId: String
    let maxLineBytes: Int

    /// The answer: with `Accept: application/x-ndjson` one result line per document as soon as
    /// its batch is durable, then `{"summary": {"successful", "failed"}}` (or, if the body breaks
    /// off, an `{"error": {..}}` line instead of the summary), and nothing per line is kept;
    /// otherwise, once the body is over, the JSON body of `/documents/batch`.
    func respond(to request: Request) async throws -> Response {
        guard NDJSON.isAccepted(by: request) else {
            var results: [BatchItemResult] = []
            try await run(request.body) { results += $0.results }
            return APIResponse.json(APIResponse.batch(BatchOutcome(results: results)))
        }
        return NDJSON.response { writer in
            var successful = 0
            var failed = 0
            var tail = ByteBuffer()
            do {
                try await run(request.body) { outcome in
                    var lines = ByteBuffer()
                    for item in outcome.results { NDJSON.append(APIResponse.batchItem(item), to: &lines) }
                    successful += outcome.successful
                    failed += outcome.failed
                    try await writer.write(lines)
                }
                NDJSON.append(APIResponse.batchSummary(successful: successful, failed: failed), to: &tail)
            } catch {
                let failure = error as? EngineError
                    ?? EngineError(ServerErrorCode.uploadInterrupted, message: "the request body could not be read to its end")
                NDJSON.append(.object(["error": APIResponse.error(failure)]), to: &tail)
            }
            try await writer.write(tail)
            try await writer.finish(nil)
        }
    }

    /// Reads `body` to its end and stores its lines, handing each stored batch's outcome
    /// (results in line order, numbered by line) to `report` once it is durable. One child task
    /// reads and parses while this one stores, through an `NDJSONUploadQueue` holding at most
    /// two batches.
    func run(_ body: RequestBody, report: (BatchOutcome) async throws -> Void) async throws {
        let queue = NDJSONUploadQueue(maxLines: 2 * Self.maxBatchLines, maxBytes: 2 * Self.maxBatchBytes)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    var splitter = NDJSONLineSplitter(maxLineBytes: maxLineBytes)
                    for try await buffer in body {
                        for line in splitter.lines(in: buffer) { try await queue.push(parse(line)) }
                    }
                    if let last = splitter.finish() { try await queue.push(parse(last)) }
                    queue.finish(throwing: nil)
                } catch {
                    queue.finish(throwing: error)
                    throw error
                }
            }
            defer { queue.close() }
            while let batch = try await queue.nextBatch(maxLines: Self.maxBatchLines, maxBytes: Self.maxBatchBytes) {
                try await report(await store(batch))
            }
            try await group.waitForAll()
        }
    }

    /// Stores one batch; an error thrown for the whole call fails each line that had none of its own.
    private func store(_ batch: [ParsedLine]) async -> BatchOutcome {
        do {
            var outcome = try await database.addDocuments(libraryId: libraryId, batch.map(\.draft))
            for index in outcome.results.indices { outcome.results[index].line = batch[index].number }
            return outcome
        } catch {
            let failure = error as? EngineError ?? ErrorEnvelope.internalError
            return BatchOutcome(results: batch.map { line in
                switch line.draft {
                case .success(let parsed): BatchItemResult(line: line.number, documentId: parsed.id, error: failure)
                case .failure(let own): BatchItemResult(line: line.number, documentId: nil, error: own)
                }
            })
        }
    }

    /// A line parsed: the document it holds, or why it holds none.
    private func parse(_ line: NDJSONLineSplitter.Line) -> ParsedLine {
        switch line {
        case .tooLong(let number, let bytes):
            let error = EngineError(
                ServerErrorCode.lineTooLarge,
                message: "the line is \(bytes) bytes; a line may hold at most \(maxLineBytes) bytes (MAX_REQUEST_BODY_BYTES)",
                details: ["limit": .int(Int64(maxLineBytes)), "bytes": .int(Int64(bytes))])
            return ParsedLine(number: number, draft: .failure(error), bytes: 0)
        case .text(let number, let bytes):
            let json: JSONValue
            do {
                json = try JSONValue.parse(bytes)
            } catch {
                let failure = EngineError(ServerErrorCode.invalidJSON, message: "the line is not valid JSON: \(error)")
                return ParsedLine(number: number, draft: .failure(failure), bytes: bytes.count)
            }
            let draft = Result { try DocumentJSON.draft(json, limits: database.limits) }
                .mapError { $0 as? EngineError ?? .validation("\($0)") }
            return ParsedLine(number: number, draft: draft, bytes: bytes.count)
        }
    }
}
