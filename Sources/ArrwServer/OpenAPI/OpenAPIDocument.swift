import NIOCore

/// arrwDB's OpenAPI 3.1 document (`text`, written by `scripts/make-openapi`), served as bytes.
/// `OpenAPITests` holds it to the router: every registered route is in it, every error code of
/// the catalogue is in its `ErrorCode` schema, and real answers match its schemas.
enum OpenAPIDocument {
    /// The document as `GET /openapi.json` sends it.
    static let bytes = ByteBuffer(string: text)
}
