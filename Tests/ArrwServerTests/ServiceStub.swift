import ArrwEngine
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// A loopback server speaking a remote service's wire format (Cohere's embed and rerank, an
/// OpenAI-compatible embeddings API): each POST to `path` is recorded (headers and JSON body)
/// and answered by `answer`, given the call's number (from 1) and body, which may also wait to
/// play a slow service.
final class ServiceStub: Sendable {
    struct Call: Sendable {
        var authorization: String?
        var contentType: String?
        var body: JSONValue
    }

    /// A reply: status, extra headers, body text.
    typealias Reply = (status: HTTPResponse.Status, headers: HTTPFields, body: String)

    let path: String
    let answer: @Sendable (Int, JSONValue) async -> Reply
    private let recorded = Mutex<[Call]>([])

    init(path: String, answer: @escaping @Sendable (Int, JSONValue) async -> Reply) {
        self.path = path
        self.answer = answer
    }

    /// A stub answering its calls with `script`'s replies in order, then 500s.
    convenience init(path: String, script: [Reply]) {
        self.init(path: path) { number, _ in
            number <= script.count ? script[number - 1] : (.internalServerError, [:], #"{"message": "script ran out"}"#)
        }
    }

    var calls: [Call] { recorded.withLock { $0 } }

    /// Runs the stub on 127.0.0.1 and calls `body` with its base URL.
    func serve(_ body: @Sendable @escaping (String) async throws -> Void) async throws {
        let router = Router()
        router.post(RouterPath(path)) { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 64 << 20)
            let json = try JSONDecoder().decode(JSONValue.self, from: Data(bytes.readableBytesView))
            let number = self.recorded.withLock { calls in
                calls.append(Call(authorization: request.headers[.authorization], contentType: request.headers[.contentType], body: json))
                return calls.count
            }
            let reply = await self.answer(number, json)
            var headers = reply.headers
            headers[.contentType] = "application/json"
            return Response(status: reply.status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: reply.body)))
        }
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await application.test(.live) { client in
            try await body("http://127.0.0.1:\(try #require(client.port))")
        }
    }

    /// A vector for `text` of length `dimension` that tells texts apart: its first value is the
    /// text's length, the rest 0.5.
    static func vector(_ text: String, dimension: Int) -> String {
        "[" + ([String(text.count)] + Array(repeating: "0.5", count: dimension - 1)).joined(separator: ",") + "]"
    }

    /// Cohere's v2 embed answer for `texts`.
    static func cohere(_ texts: [String], dimension: Int) -> String {
        #"{"id": "e1", "embeddings": {"float": [\#(texts.map { vector($0, dimension: dimension) }.joined(separator: ","))]}, "texts": [], "meta": {}}"#
    }

    /// An OpenAI embeddings answer for `texts`, items listed in reverse (clients order by `index`).
    static func openAI(_ texts: [String], dimension: Int) -> String {
        let items = texts.enumerated().reversed().map { #"{"object": "embedding", "index": \#($0.offset), "embedding": \#(vector($0.element, dimension: dimension))}"# }
        return #"{"object": "list", "data": [\#(items.joined(separator: ","))], "model": "m", "usage": {"prompt_tokens": 1, "total_tokens": 1}}"#
    }

    /// The texts a recorded body carries (`texts` for Cohere, `input` for OpenAI).
    static func texts(_ body: JSONValue) -> [String] {
        (body.object?["texts"] ?? body.object?["input"])?.array?.compactMap(\.string) ?? []
    }
}
