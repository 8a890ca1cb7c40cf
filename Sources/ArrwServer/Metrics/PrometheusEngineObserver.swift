import ArrwEngine
import Prometheus

/// Records the engine's reports (`EngineObserver`) into the server's Prometheus registry, under
/// the original arrwDB's names where it had them: `vectordb_searches_total{library_id,
/// index_type}`, `vectordb_search_duration_seconds`, `vectordb_documents_added_total`,
/// `vectordb_documents_deleted_total`, `vectordb_vectors_added_total`,
/// `vectordb_vectors_deleted_total`, `vectordb_embedding_duration_seconds`,
/// `vectordb_index_rebuild_duration_seconds`; and the engine's own
/// `arrwdb_embedding_batch_texts` (texts per provider call), `arrwdb_snapshot_duration_seconds`
/// and `arrwdb_snapshot_bytes` (the last snapshot's library sections).
final class PrometheusEngineObserver: EngineObserver {
    let registry: PrometheusCollectorRegistry
    private let searchDuration: ValueHistogram
    private let embeddingDuration: ValueHistogram
    private let embeddingBatch: ValueHistogram
    private let rebuildDuration: ValueHistogram
    private let snapshotDuration: ValueHistogram
    private let snapshotBytes: Gauge
    private let documentsAdded: Counter
    private let documentsDeleted: Counter
    private let vectorsAdded: Counter
    private let vectorsDeleted: Counter

    static var searches: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "vectordb", metricName: "searches", unitName: "total", helpText: "Searches answered (vector, hybrid and reranked), by library and index type.") }
    static let fastBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    static let slowBuckets = [0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800]

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        func histogram(_ namespace: String, _ name: String, _ unit: String, _ help: String, _ buckets: [Double]) -> ValueHistogram {
            registry.makeValueHistogram(
                descriptor: .init(namespace: namespace, metricName: name, unitName: unit, helpText: help), labels: [], buckets: buckets)
        }
        func counter(_ name: String, _ help: String) -> Counter {
            registry.makeCounter(descriptor: .init(namespace: "vectordb", metricName: name, unitName: "total", helpText: help))
        }
        searchDuration = histogram("vectordb", "search_duration", "seconds", "Time the engine took to answer a search.", Self.fastBuckets)
        embeddingDuration = histogram("vectordb", "embedding_duration", "seconds", "Time the embedding provider took per call.", Self.fastBuckets)
        embeddingBatch = histogram("arrwdb", "embedding_batch", "texts", "Texts per embedding provider call.", [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024])
        rebuildDuration = histogram("vectordb", "index_rebuild_duration", "seconds", "Time an index rebuild or optimize took.", Self.slowBuckets)
        snapshotDuration = histogram("arrwdb", "snapshot_duration", "seconds", "Time writing a snapshot took.", Self.slowBuckets)
        snapshotBytes = registry.makeGauge(
            descriptor: .init(namespace: "arrwdb", metricName: "snapshot", unitName: "bytes", helpText: "Bytes of the libraries' sections in the last snapshot."))
        documentsAdded = counter("documents_added", "Documents stored as new.")
        documentsDeleted = counter("documents_deleted", "Documents deleted.")
        vectorsAdded = counter("vectors_added", "Chunk vectors stored (a replaced document's new ones included).")
        vectorsDeleted = counter("vectors_deleted", "Chunk vectors removed (a replaced document's old ones included).")
    }

    func searched(libraryId: String, indexType: String, kind: SearchKind, seconds: Double) {
        registry.makeCounter(descriptor: Self.searches, labels: [("library_id", libraryId), ("index_type", indexType)]).increment()
        searchDuration.record(seconds)
    }

    func documentsAdded(_ documents: Int, vectors: Int) {
        documentsAdded.increment(by: Int64(documents))
        vectorsAdded.increment(by: Int64(vectors))
    }

    func documentsDeleted(_ documents: Int, vectors: Int) {
        documentsDeleted.increment(by: Int64(documents))
        vectorsDeleted.increment(by: Int64(vectors))
    }

    func indexBuilt(libraryId: String, indexType: String, vectors: Int, seconds: Double) {
        rebuildDuration.record(seconds)
    }

    func embedded(texts: Int, seconds: Double) {
        embeddingDuration.record(seconds)
        embeddingBatch.record(Double(texts))
    }

    func snapshotWritten(bytes: Int, seconds: Double) {
        snapshotDuration.record(seconds)
        snapshotBytes.set(Int64(bytes))
    }
}
