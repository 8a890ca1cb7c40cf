import Foundation

/// One text of the golden file (`../shared/golden/minilm-dev.jsonl`, see its README): the input
/// and what the reference all-MiniLM-L6-v2 pipeline gives for it.
///
/// Invariants (as written by the reference): `tokenIds` starts with `[CLS]` (101), ends with
/// `[SEP]` (102) and has `numTokens` ≤ 256 ids; `untruncatedNumTokens` ≥ `numTokens`;
/// `embedding` has 384 components and unit length.
public struct GoldenText: Sendable, Decodable {
    /// `dev-001` … `dev-221`.
    public let id: String
    /// The kind of text (`query`, `unicode`, `boundary`, …).
    public let category: String
    /// The input exactly as given to the model.
    public let text: String
    /// The ids fed to the model, after truncation.
    public let tokenIds: [Int32]
    /// `tokenIds.count`.
    public let numTokens: Int
    /// The length without truncation, `[CLS]` and `[SEP]` included.
    public let untruncatedNumTokens: Int
    /// The L2-normalised sentence vector.
    public let embedding: [Float]

    private enum CodingKeys: String, CodingKey {
        case id, category, text, embedding
        case tokenIds = "token_ids"
        case numTokens = "num_tokens"
        case untruncatedNumTokens = "untruncated_num_tokens"
    }
}

/// Loads the golden embeddings of all-MiniLM-L6-v2 written by the reference implementation.
public enum GoldenEmbeddings {
    /// The golden file's name inside `../shared/golden`.
    public static let fileName = "minilm-dev.jsonl"

    /// The golden file, or nil when it is absent. The environment variable `ARRWDB_GOLDEN_FILE`
    /// overrides the search (for another file of the same format); otherwise it is
    /// `../shared/golden/minilm-dev.jsonl` beside the package root.
    public static func fileURL() -> URL? {
        if let override = ProcessInfo.processInfo.environment["ARRWDB_GOLDEN_FILE"] {
            return FileManager.default.fileExists(atPath: override) ? URL(fileURLWithPath: override) : nil
        }
        return packageRoots().lazy
            .map { $0.deletingLastPathComponent().appendingPathComponent("shared/golden/\(fileName)").standardized }
            .first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// Every golden text in file order, or nil when the golden file is absent.
    /// Throws when the file exists but cannot be read or a line does not decode.
    public static func load() throws -> [GoldenText]? {
        guard let url = fileURL() else { return nil }
        return try load(from: url)
    }

    /// Every text of the JSON-lines file at `url`; blank lines are skipped.
    public static func load(from url: URL) throws -> [GoldenText] {
        let data = try Data(contentsOf: url)
        let decoder = JSONDecoder()
        var texts: [GoldenText] = []
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) {
            texts.append(try decoder.decode(GoldenText.self, from: Data(line)))
        }
        return texts
    }
}

/// The all-MiniLM-L6-v2 model folder (vocab.txt, model.safetensors, …), or nil when it is absent.
/// The environment variable `EMBEDDING_MODEL_PATH` overrides the search; otherwise it is
/// `models/all-MiniLM-L6-v2` in the package root, where `scripts/fetch-model` puts it.
public func modelDirectory() -> String? {
    var isDirectory: ObjCBool = false
    if let override = ProcessInfo.processInfo.environment["EMBEDDING_MODEL_PATH"] {
        let exists = FileManager.default.fileExists(atPath: override, isDirectory: &isDirectory)
        return exists && isDirectory.boolValue ? override : nil
    }
    for root in packageRoots() {
        let candidate = root.appendingPathComponent("models/all-MiniLM-L6-v2").standardized
        if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue {
            return candidate.path
        }
    }
    return nil
}

/// Every folder holding a `Package.swift` on the way up from this source file (symlinks
/// resolved), nearest first.
private func packageRoots() -> [URL] {
    var roots: [URL] = []
    var folder = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
    while folder.path != "/" && !folder.path.isEmpty {
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            roots.append(folder)
        }
        folder = folder.deletingLastPathComponent()
    }
    return roots
}
