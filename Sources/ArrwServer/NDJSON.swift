import ArrwEngine
import Hummingbird

/// Newline-delimited JSON (`application/x-ndjson`) on the wire: which requests ask for it and
/// how a value becomes one line. Every line this server writes is one JSON object, keys sorted,
/// followed by `\n`; a client can parse each line alone as soon as it arrives.
enum NDJSON {
    static let mediaType = "application/x-ndjson"

    /// Whether the request's `Accept` header lists `application/x-ndjson` (parameters and case
    /// ignored); anything else (absent, `*/*`, `application/json`) gets the JSON body.
    static func isAccepted(by request: Request) -> Bool {
        request.headers[values: .accept].contains { header in
            header.split(separator: ",").contains { range in
                range.split(separator: ";").first?.trimmingWhitespace().lowercased() == mediaType
            }
        }
    }

    /// `value` as one line: its JSON text and a newline, appended to `buffer`.
    static func append(_ value: JSONValue, to buffer: inout ByteBuffer) {
        buffer.writeBytes(value.jsonBytes)
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    /// The head of a streamed NDJSON answer; its body comes from `write`.
    static func response(_ write: @Sendable @escaping (inout any ResponseBodyWriter) async throws -> Void) -> Response {
        Response(status: .ok, headers: [.contentType: mediaType], body: ResponseBody(write))
    }
}
