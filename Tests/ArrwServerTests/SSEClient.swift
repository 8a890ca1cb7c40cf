import ArrwEngine
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One Server-Sent Events frame as a client parses it.
struct SSEFrame: Sendable, Equatable {
    var id: String?
    var event: String?
    var data: String

    var json: JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: Data(data.utf8)) }
}

/// Reads `GET /v1/events` over a real socket, frame by frame, as a browser's EventSource would.
struct SSEClient {
    let client: HTTPClient
    let baseURL: String

    /// Opens the stream at `path` (with `query` and optional `Last-Event-ID`) and collects
    /// `count` frames, or fewer if the server ends the stream; throws after `seconds`.
    func frames(
        _ count: Int, path: String = "/v1/events", query: String = "", lastEventId: String? = nil, seconds: Int64 = 15
    ) async throws -> (status: Int, frames: [SSEFrame]) {
        var request = HTTPClientRequest(url: "\(baseURL)\(path)\(query)")
        if let lastEventId { request.headers.add(name: "Last-Event-ID", value: lastEventId) }
        let response = try await client.execute(request, timeout: .seconds(seconds))
        guard response.status == .ok else {
            _ = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), [])
        }
        var pending = ""
        var frames: [SSEFrame] = []
        for try await buffer in response.body {
            pending += String(buffer: buffer)
            while let end = pending.range(of: "\n\n") {
                let block = String(pending[..<end.lowerBound])
                pending = String(pending[end.upperBound...])
                if let frame = Self.parse(block) { frames.append(frame) }
                if frames.count == count { return (200, frames) }
            }
        }
        return (200, frames)
    }

    /// A frame from its lines; nil for comments and `retry:`-only blocks.
    static func parse(_ block: String) -> SSEFrame? {
        var frame = SSEFrame(id: nil, event: nil, data: "")
        var sawData = false
        for line in block.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("id: ") { frame.id = String(line.dropFirst(4)) }
            if line.hasPrefix("event: ") { frame.event = String(line.dropFirst(7)) }
            if line.hasPrefix("data: ") {
                frame.data += String(line.dropFirst(6))
                sawData = true
            }
        }
        return sawData ? frame : nil
    }
}
