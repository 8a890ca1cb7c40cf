/// The size limits the engine enforces on user input. Every breach is an `EngineError`
/// (a 4xx at the API), never a trap. Defaults are SPEC.md's; the server fills them from the
/// environment variables named on each field.
public struct EngineLimits: Sendable, Equatable {
    /// `MAX_CHUNKS_PER_DOCUMENT`: chunks one document may hold. Default 1000.
    public var maxChunksPerDocument: Int = 1000
    /// `MAX_TEXT_LENGTH_PER_CHUNK`: characters in one chunk's text (and in a query). Default 10000.
    public var maxTextLengthPerChunk: Int = 10_000
    /// `MAX_SEARCH_RESULTS`: the largest `k` a search may ask for. Default 100.
    public var maxSearchResults: Int = 100
    /// Documents in one batch request. Default 1000.
    public var maxDocumentsPerBatch: Int = 1000
    /// The largest page of a document listing. Default 1000.
    public var maxPageSize: Int = 1000
    /// The largest vector dimension a library may have. Default 4096.
    public var maxDimension: Int = 4096
    /// Characters in a library name (SPEC: 1–128).
    public var maxNameLength: Int = 128
    /// Characters in a library description or a document title. Default 10000.
    public var maxDescriptionLength: Int = 10_000
    /// `INDEX_TAIL_LIMIT`: vectors a library's fresh tail (written, searchable, not yet in the
    /// index) may hold before writers wait for the background builder. Not an input limit: a
    /// write over it is slowed, never refused. Default 100000. A search scans the tail exactly,
    /// so this bounds that scan too (100000 × 384 floats is about 150 MB).
    public var indexTailLimit: Int = 100_000

    public init() {}
}
