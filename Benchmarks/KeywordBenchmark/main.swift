import ArrwText
import Dispatch
import Foundation

/// What rebuilding a library's keyword index costs when a snapshot loads (the engine analyzes
/// every chunk's text and adds it to a `BM25Index`), at N chunks of SciFact abstracts (cycled,
/// each copy with a term of its own so postings grow as in a real corpus):
///
///     swift build -c release --package-path Benchmarks --product arrw-keyword-bench
///     Benchmarks/.build/release/arrw-keyword-bench [N]   # from the repository root; N 1,000,000
///
/// Prints the time to analyze every text on one thread, to add the analyzed terms, the
/// analysis spread over every core (what loading a version-2 snapshot does), the index's bytes
/// per chunk, and the time to encode and decode it (what a version-3 snapshot does instead).
let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1_000_000 : 1_000_000
let corpusURL = URL(fileURLWithPath: "../shared/datasets/scifact/corpus.jsonl")
let texts = try String(contentsOf: corpusURL, encoding: .utf8).split(separator: "\n").map { line -> String in
    let object = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
    return "\(object["title"] as! String) \(object["text"] as! String)"
}
func text(_ i: Int) -> String { texts[i % texts.count] + " copy\(i / texts.count)" }
let analyzer = Analyzer.english
let cores = ProcessInfo.processInfo.activeProcessorCount

func seconds(_ body: () -> Void) -> Double {
    let start = ContinuousClock.now
    body()
    return Double((ContinuousClock.now - start) / .milliseconds(1)) / 1000
}

/// The start of a buffer whose slots threads initialize, each slot by exactly one thread (as
/// `LibraryStore.rebuildKeywordIndex` does).
struct DisjointSlots<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
}

var termTotal = 0
let analyzeSerial = seconds {
    for i in 0..<min(count, 100_000) { termTotal &+= analyzer.terms(text(i)).count }
}
let perChunkAnalysis = analyzeSerial / Double(min(count, 100_000))
print("analysis on one thread: \(String(format: "%.1f", perChunkAnalysis * 1e6)) µs per chunk (\(termTotal / min(count, 100_000)) terms each)")

let index = BM25Index()
var addTime = 0.0
let block = 16_384
let loadTime = seconds {
    var start = 0
    while start < count {
        let size = min(block, count - start)
        let base = start
        let texts = (0..<size).map { text(base + $0) }
        let terms = [[String]](unsafeUninitializedCapacity: size) { buffer, initialized in
            let slots = DisjointSlots(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: cores) { part in
                for i in stride(from: part, to: size, by: cores) { (slots.base + i).initialize(to: analyzer.terms(texts[i])) }
            }
            initialized = size
        }
        addTime += seconds {
            for i in 0..<size { index.add(key: UInt64(base + i), terms: terms[i]) }
        }
        start += size
    }
}
print("\(count) chunks: rebuild \(String(format: "%.1f", loadTime)) s with the analysis on \(cores) threads, of which adding \(String(format: "%.1f", addTime)) s; one thread would take about \(String(format: "%.1f", perChunkAnalysis * Double(count) + addTime)) s")
print("index: \(index.termCount) terms, \(index.memoryBytes / count) bytes per chunk (\(index.memoryBytes / 1_048_576) MiB)")
var encoded: [UInt8] = []
let encodeTime = seconds { encoded = index.encoded() }
var decodedCount = 0
let decodeTime = seconds { decodedCount = (try! BM25Index(encoded: encoded)).count }
print("snapshot section: \(encoded.count / 1_048_576) MiB, written in \(String(format: "%.1f", encodeTime)) s, read back (\(decodedCount) chunks) in \(String(format: "%.1f", decodeTime)) s")
