import ArrwTestSupport
import AsyncHTTPClient
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import NIOHTTP1
import NIOWebSocket

let logger = Logger(label: "arrw-realtime-bench")

func post(_ http: HTTPClient, _ url: String, _ body: String) async throws -> (Int, String) {
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    request.body = .bytes(ByteBuffer(string: body))
    let response = try await http.execute(request, timeout: .seconds(60))
    return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 64 << 20)))
}

/// Waits for readiness, creates the library and loads `vectors` documents in batches.
func prepareLibrary(http: HTTPClient, base: String, vectors: Int) async throws -> String {
    for _ in 0..<200 {
        if (try? await http.execute(HTTPClientRequest(url: "\(base)/readiness"), timeout: .seconds(1)))?.status == .ok { break }
        try await Task.sleep(for: .milliseconds(100))
    }
    let (_, created) = try await post(http, "\(base)/v1/libraries", #"{"name": "realtime", "dimension": 384}"#)
    let id = (try JSONSerialization.jsonObject(with: Data(created.utf8)) as! [String: Any])["id"] as! String
    for start in stride(from: 0, to: vectors, by: 500) {
        let documents = (start..<min(start + 500, vectors)).map { #"{"id": "v\#($0)", "chunks": [{"text": "", "embedding": \#(vectorJSON($0))}]}"# }
        let (status, _) = try await post(http, "\(base)/v1/libraries/\(id)/documents/batch", #"{"documents": [\#(documents.joined(separator: ","))]}"#)
        precondition(status == 200, "batch load failed with \(status)")
    }
    return id
}

func searchRequest(_ id: Int, k: Int = 10, embeddings: Bool = false) -> String {
    #"{"request_id": \#(id), "action": "search", "data": {"query_vector": \#(vectorJSON(1_000_000 + id % 500)), "k": \#(k), "include_embeddings": \#(embeddings)}}"#
}

/// `count` sequential search requests over one connection, each timed to its reply.
func searchRoundTrips(port: Int, library: String, count: Int) async throws -> Latencies {
    let requests = (0..<count).map { searchRequest($0) }
    let result = Shared(Latencies())
    try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/v1/libraries/\(library)/ws", logger: logger) { inbound, outbound, _ in
        var messages = inbound.messages(maxSize: 1 << 24).makeAsyncIterator()
        for request in requests {
            let start = ContinuousClock.now
            try await outbound.write(.text(request))
            _ = try await messages.next()
            result.update { $0.add(since: start) }
        }
        try await outbound.close(.normalClosure, reason: nil)
    }
    return result.update { $0 }
}
