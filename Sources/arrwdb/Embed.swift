import ArgumentParser
import ArrwEmbedding
import Foundation

/// `arrwdb embed`: embeds a JSONL file of `{"id", "text"}` with the native MiniLM model, timing
/// passes, per the external-command contract of `../shared/bench/README.md`: load once, one
/// untimed warm-up pass, then `--passes` timed passes (tokenizing included, no caching between
/// passes); the last pass is written as `{"id", "token_ids", "embedding"}` lines; one JSON line
/// with `load_s`, `pass_s` (and `single_ms` at batch size 1) goes to standard output.
struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Embed a JSONL file of texts with the native MiniLM model (benchmark contract).")

    @Option(help: "Input JSONL, one {\"id\", \"text\"} per line.") var input: String
    @Option(help: "Output JSONL of {\"id\", \"token_ids\", \"embedding\"}.") var output: String
    @Option(name: .customLong("batch-size"), help: "Texts per forward pass.") var batchSize = 32
    @Option(help: "Threads for the encoder.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Timed passes after the warm-up.") var passes = 5
    @Option(help: "Model folder (default: $MINILM_MODEL_DIR, $EMBEDDING_MODEL_PATH or models/all-MiniLM-L6-v2).")
    var model: String?

    func validate() throws {
        guard batchSize >= 1, threads >= 1, passes >= 1 else { throw ValidationError("--batch-size, --threads and --passes must be at least 1") }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let directory = model ?? environment["MINILM_MODEL_DIR"] ?? environment["EMBEDDING_MODEL_PATH"] ?? "models/all-MiniLM-L6-v2"
        let texts = try readInput()
        let loadStart = Date()
        let embedder: MiniLMEmbedder
        do {
            embedder = try MiniLMEmbedder(modelDirectory: directory, threads: threads)
        } catch let error as EmbeddingError {
            throw ValidationError(error.message)
        }
        let loadSeconds = Date().timeIntervalSince(loadStart)
        FileHandle.standardError.write(Data("embed: \(embedder.encoder.gemmKernel) GEMM, \(threads) threads\n".utf8))

        var passSeconds: [Double] = []
        var perText = [[Double]](repeating: [], count: texts.count)
        var last: [(ids: [Int32], vector: [Float])] = []
        for pass in 0...passes {
            let start = Date()
            let (result, timings) = embedPass(texts.map(\.text), embedder: embedder)
            if pass > 0 {
                passSeconds.append(Date().timeIntervalSince(start))
                for (index, time) in timings.enumerated() { perText[index].append(time) }
            }
            last = result
        }
        try writeOutput(texts: texts, results: last)
        var summary: [String: Any] = ["load_s": loadSeconds, "pass_s": passSeconds]
        if batchSize == 1 {
            summary["single_ms"] = Dictionary(uniqueKeysWithValues: zip(texts.map(\.id), perText.map { median($0) * 1000 }))
        }
        let line = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
        print(String(decoding: line, as: UTF8.self))
    }

    /// One pass: texts sorted by token count, cut into batches of `batchSize`. Returns results in
    /// input order and, per text, its batch's time divided by the batch's size.
    private func embedPass(_ texts: [String], embedder: MiniLMEmbedder) -> ([(ids: [Int32], vector: [Float])], [Double]) {
        var results = [(ids: [Int32], vector: [Float])](repeating: ([], []), count: texts.count)
        var timings = [Double](repeating: 0, count: texts.count)
        let tokenized = texts.map { embedder.tokenizer.encode($0) }
        let order = tokenized.indices.sorted { tokenized[$0].count < tokenized[$1].count }
        for start in stride(from: 0, to: order.count, by: batchSize) {
            let batch = Array(order[start..<min(start + batchSize, order.count)])
            let began = Date()
            let vectors = embedder.encoder.encode(batch.map { tokenized[$0] })
            let elapsed = Date().timeIntervalSince(began) / Double(batch.count)
            for (index, vector) in zip(batch, vectors) {
                results[index] = (tokenized[index], vector)
                timings[index] = elapsed
            }
        }
        return (results, timings)
    }

    private func readInput() throws -> [(id: String, text: String)] {
        guard let data = FileManager.default.contents(atPath: input) else { throw ValidationError("cannot read \(input)") }
        return try data.split(separator: UInt8(ascii: "\n")).enumerated().compactMap { number, line in
            guard !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) else { return nil }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                let text = object["text"] as? String
            else { throw ValidationError("\(input):\(number + 1) is not a JSON object with a string \"text\"") }
            return ((object["id"] as? String) ?? String(number), text)
        }
    }

    private func writeOutput(texts: [(id: String, text: String)], results: [(ids: [Int32], vector: [Float])]) throws {
        var out = Data()
        for (text, result) in zip(texts, results) {
            let object: [String: Any] = ["id": text.id, "token_ids": result.ids.map(Int.init), "embedding": result.vector.map(Double.init)]
            out.append(try JSONSerialization.data(withJSONObject: object))
            out.append(UInt8(ascii: "\n"))
        }
        guard FileManager.default.createFile(atPath: output, contents: out) else { throw ValidationError("cannot write \(output)") }
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
