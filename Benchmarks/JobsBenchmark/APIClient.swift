import ArrwTestSupport
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A request the server answered with a status the benchmark did not expect.
struct UnexpectedAnswer: Error, CustomStringConvertible {
    let description: String
}

/// One answer: the status code and the body as text.
struct Answer {
    let status: Int
    let body: String
    /// `Retry-After` in seconds, when the server sent one (a 429).
    let retryAfter: Double?

    /// The body as a JSON object (empty when it is not one).
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    }
}

/// The arrwDB HTTP API on 127.0.0.1 as the benchmark uses it: JSON in, status and text out.
struct APIClient: Sendable {
    let http: HTTPClient
    let base: String

    init(http: HTTPClient, port: Int) {
        self.http = http
        self.base = "http://127.0.0.1:\(port)"
    }

    func send(_ method: HTTPMethod, _ path: String, _ body: String? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await http.execute(request, timeout: .seconds(120))
        let text = String(buffer: try await response.body.collect(upTo: 64 << 20))
        return Answer(status: Int(response.status.code), body: text, retryAfter: response.headers.first(name: "retry-after").flatMap(Double.init))
    }

    /// `send`, failing unless the answer has status `expected`.
    func expect(_ expected: Int, _ method: HTTPMethod, _ path: String, _ body: String? = nil) async throws -> Answer {
        let answer = try await send(method, path, body)
        guard answer.status == expected else {
            throw UnexpectedAnswer(description: "\(method) \(path) answered \(answer.status), expected \(expected): \(answer.body.prefix(300))")
        }
        return answer
    }

    /// Polls `/readiness` for up to 20 s.
    func waitUntilReady() async throws {
        for _ in 0..<200 {
            if (try? await http.execute(HTTPClientRequest(url: base + "/readiness"), timeout: .seconds(1)))?.status == .ok { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw UnexpectedAnswer(description: "the server at \(base) did not become ready within 20 s")
    }

    /// Creates an l2 library of `dimension`, with `indexType` when given; answers its id.
    func createLibrary(name: String, dimension: Int, indexType: String? = nil) async throws -> String {
        let index = indexType.map { #", "index_type": "\#($0)""# } ?? ""
        let body = #"{"name": "\#(name)", "metric": "l2", "dimension": \#(dimension)\#(index)}"#
        let answer = try await expect(201, .POST, "/v1/libraries", body)
        guard let id = answer.object["id"] as? String else { throw UnexpectedAnswer(description: "no library id in \(answer.body)") }
        return id
    }

    /// Adds `count` documents `<prefix><n>`, each one chunk with a 384-d (or `dimension`)
    /// seeded random vector, in batches of at most 1,000; fails unless every one is stored.
    func addDocuments(library: String, prefix: String, count: Int, dimension: Int, seed: UInt64) async throws {
        var generator = SeededGenerator(seed: seed)
        for start in stride(from: 0, to: count, by: 1000) {
            let end = min(start + 1000, count)
            let vectors = randomVectors(count: end - start, dimension: dimension, using: &generator)
            let documents = vectors.enumerated().map { offset, vector in
                #"{"id": "\#(prefix)\#(start + offset)", "chunks": [{"text": "t", "embedding": \#(jsonArray(vector))}]}"#
            }
            let answer = try await expect(200, .POST, "/v1/libraries/\(library)/documents/batch", #"{"documents": [\#(documents.joined(separator: ","))]}"#)
            let stored = number(answer.object["successful"]).map { Int($0) } ?? -1
            guard stored == end - start else {
                throw UnexpectedAnswer(description: "batch \(start)..<\(end) stored \(stored) of \(end - start): \(answer.body.prefix(300))")
            }
        }
    }

    /// `GET /v1/jobs/stats/queue` as counts by key.
    func queueStatistics() async throws -> QueueStatistics {
        QueueStatistics(try await expect(200, .GET, "/v1/jobs/stats/queue").object)
    }
}

/// The counts of `GET /v1/jobs/stats/queue`.
struct QueueStatistics {
    var total = 0
    var completed = 0
    var failed = 0
    var cancelled = 0
    /// `num_workers`: the queue's job workers.
    var workers = 0

    init(_ object: [String: Any]) {
        func count(_ key: String) -> Int { number(object[key]).map { Int($0) } ?? 0 }
        total = count("total_jobs")
        completed = count("completed_jobs")
        failed = count("failed_jobs")
        cancelled = count("cancelled_jobs")
        workers = count("num_workers")
    }

    /// Jobs that reached a final status.
    var finished: Int { completed + failed + cancelled }
}

/// A vector as a JSON array (shortest round-trip decimal forms).
func jsonArray(_ vector: [Float]) -> String {
    "[" + vector.map { "\($0)" }.joined(separator: ",") + "]"
}
