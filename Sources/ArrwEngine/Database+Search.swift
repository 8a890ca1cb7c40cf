import ArrwEmbedding
import ArrwIndex
import Foundation

/// A nearest-neighbour query: exactly one of `text` (embedded as a query) or `vector`.
public struct SearchQuery: Sendable {
    public var text: String?
    public var vector: [Float]?
    public var k: Int
    public var filter: Filter?
    public var distanceThreshold: Double?
    public var includeEmbeddings: Bool
    /// Per-query index settings (`ef_search`, `nprobe`).
    public var options: SearchOptions
    /// The model the client expects `text` to be embedded with (a provider's name or its
    /// model); nil: the library's. Another than the library's is a 409.
    public var embeddingModel: String?

    public init(
        text: String? = nil, vector: [Float]? = nil, k: Int = 10, filter: Filter? = nil,
        distanceThreshold: Double? = nil, includeEmbeddings: Bool = false, options: SearchOptions = SearchOptions(),
        embeddingModel: String? = nil
    ) {
        self.embeddingModel = embeddingModel
        self.options = options
        self.text = text
        self.vector = vector
        self.k = k
        self.filter = filter
        self.distanceThreshold = distanceThreshold
        self.includeEmbeddings = includeEmbeddings
    }
}

/// The answer to a search: hits nearest first, and the time the engine spent.
public struct SearchOutcome: Sendable {
    public var hits: [SearchHit]
    public var queryTimeMs: Double
}

extension Database {
    /// Nearest-neighbour search on the library's index (exact for brute force and KD-tree).
    /// Returns `k` hits whenever at least `k` chunks pass the filter (fewer only when
    /// `distanceThreshold` cuts them).
    public func search(libraryId: String, _ query: SearchQuery) async throws -> SearchOutcome {
        let start = ContinuousClock.now
        let store = try store(libraryId)
        try checkK(query.k)
        for (name, value) in [("ef_search", query.options.efSearch), ("nprobe", query.options.nprobe)] {
            if let value, !(1...65_536).contains(value) {
                throw EngineError.validation("'\(name)' must be between 1 and 65536", field: name)
            }
        }
        if let threshold = query.distanceThreshold, !threshold.isFinite {
            throw EngineError.validation("'distance_threshold' must be a finite number", field: "distance_threshold")
        }
        let search = { (vector: [Float]) in
            try store.search(
                vector: vector, k: query.k, filter: query.filter, distanceThreshold: query.distanceThreshold,
                includeEmbeddings: query.includeEmbeddings, options: query.options)
        }
        let hits: [SearchHit]
        switch (query.text, query.vector) {
        case (let text?, nil):
            try checkQueryText(text)
            hits = try await searching(text, in: store, requestedModel: query.embeddingModel, search)
        case (nil, let given?):
            try VectorValidation.check(given, field: "query_vector", limits: limits)
            hits = try search(given)
        default:
            throw EngineError.validation("give exactly one of 'query' and 'query_vector'", field: "query")
        }
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        observers.current?.searched(libraryId: store.id.uuidString.lowercased(), indexType: store.indexTypeName, kind: .vector, seconds: milliseconds / 1000)
        if events.hasSubscribers {
            events.publish(searchEvent(store.id, query: query, results: hits.count, milliseconds: milliseconds))
        }
        return SearchOutcome(hits: hits, queryTimeMs: milliseconds)
    }

    /// Throws unless `1 <= k <= MAX_SEARCH_RESULTS` (every kind of search).
    func checkK(_ k: Int) throws {
        guard (1...limits.maxSearchResults).contains(k) else {
            throw EngineError.limitExceeded("'k' must be between 1 and \(limits.maxSearchResults)", limit: limits.maxSearchResults, field: "k")
        }
    }

    /// Throws unless a text query is 1 to `MAX_TEXT_LENGTH_PER_CHUNK` characters.
    func checkQueryText(_ text: String) throws {
        guard !text.isEmpty else { throw EngineError.validation("'query' must not be empty", field: "query") }
        guard text.utf8.count <= limits.maxTextLengthPerChunk || text.count <= limits.maxTextLengthPerChunk else {
            throw EngineError.limitExceeded(
                "'query' is longer than \(limits.maxTextLengthPerChunk) characters", limit: limits.maxTextLengthPerChunk, field: "query")
        }
    }

    private func searchEvent(_ library: UUID, query: SearchQuery, results: Int, milliseconds: Double) -> ChangeEvent {
        ChangeEvent(
            sequence: 0, kind: .searchPerformed, libraryId: library, timestamp: Date(),
            data: [
                "query": query.text.map(JSONValue.string) ?? .string("<vector>"), "k": .int(Int64(query.k)),
                "results": .int(Int64(results)), "query_time_ms": .double(milliseconds),
            ])
    }
}
