import Foundation

/// The BERT WordPiece tokenizer of sentence-transformers/all-MiniLM-L6-v2 (uncased), exact to the
/// reference `tokenizers` pipeline: the ids it gives are the ids the model was run on.
///
/// A text goes through: literal special tokens (`[PAD]`, `[UNK]`, `[CLS]`, `[SEP]`, `[MASK]`, exact
/// case) taken out first; cleaning, CJK spacing, NFD accent stripping and lower-casing
/// (`BertNormalizer`); a split at white space and punctuation; then greedy longest-match-first
/// WordPiece with `##` continuation pieces, where a word of more than 100 scalars or with an
/// unmatchable rest becomes one `[UNK]`.
///
/// Invariants: ids are vocabulary line indices; the special ids are this model's fixed ones
/// (`clsId`, `sepId`, `padId`, `unkId`, `maskId`); `encode` gives at most `maxPieces + 2` ids.
/// Immutable after init, so one instance may be shared by every thread.
public struct WordPieceTokenizer: Sendable {
    /// The ids of `[CLS]`, `[SEP]`, `[PAD]` and `[UNK]` in this model's vocabulary.
    public static let clsId: Int32 = 101, sepId: Int32 = 102, padId: Int32 = 0, unkId: Int32 = 100
    /// The id of `[MASK]`.
    public static let maskId: Int32 = 103
    /// A longer word (in Unicode scalars, after normalisation) becomes one `[UNK]`.
    public static let maxWordLength = 100
    /// Word-pieces kept by default: the model's 256 positions minus `[CLS]` and `[SEP]`.
    public static let defaultMaxPieces = 254

    /// The literal special tokens recognised in raw text, with their ids.
    private static let specialTokens: [(text: String, scalars: [Unicode.Scalar], id: Int32)] =
        [("[PAD]", padId), ("[UNK]", unkId), ("[CLS]", clsId), ("[SEP]", sepId), ("[MASK]", maskId)]
        .map { ($0.0, Array($0.0.unicodeScalars), $0.1) }

    private let trie: PieceTrie
    /// The number of lines (ids) of the vocabulary.
    public let vocabularySize: Int

    /// Loads `vocab.txt`: one token per line, id = line index, trailing white space (and `\r`)
    /// trimmed. Throws `EmbeddingError` naming the path when the file is missing, unreadable, not
    /// UTF-8 or empty, or does not hold the special tokens at this model's ids.
    public init(vocabularyPath: String) throws {
        guard FileManager.default.fileExists(atPath: vocabularyPath) else {
            throw EmbeddingError("WordPiece vocabulary not found at \(vocabularyPath) (run scripts/fetch-model)")
        }
        guard let data = FileManager.default.contents(atPath: vocabularyPath),
              let text = String(data: data, encoding: .utf8) else {
            throw EmbeddingError("WordPiece vocabulary at \(vocabularyPath) is unreadable or not UTF-8")
        }
        let tokens = Self.lines(of: text)
        guard !tokens.isEmpty else {
            throw EmbeddingError("WordPiece vocabulary at \(vocabularyPath) is empty")
        }
        for special in Self.specialTokens where Int(special.id) >= tokens.count || tokens[Int(special.id)] != special.text {
            throw EmbeddingError("WordPiece vocabulary at \(vocabularyPath) does not have \(special.text) at id \(special.id)")
        }
        self.init(vocabulary: tokens)
    }

    /// A tokenizer over `vocabulary`, where a token's id is its index. The special ids stay
    /// fixed whatever the vocabulary holds at those indices.
    public init(vocabulary: [String]) {
        trie = PieceTrie(vocabulary: vocabulary)
        vocabularySize = vocabulary.count
    }

    /// `[CLS]` + the first `maxPieces` word-pieces + `[SEP]`; `maxPieces` defaults to 254, so at
    /// most 256 ids, the model's `max_seq_length`.
    ///
    /// - Precondition: `maxPieces >= 0`.
    public func encode(_ text: String, maxPieces: Int = defaultMaxPieces) -> [Int32] {
        precondition(maxPieces >= 0, "maxPieces must not be negative")
        let limit = maxPieces < .max ? 1 + maxPieces : .max
        var ids: [Int32] = [Self.clsId]
        appendPieces(of: text, to: &ids, limit: limit)
        if ids.count > limit { ids.removeLast(ids.count - limit) }
        ids.append(Self.sepId)
        return ids
    }

    /// The word-pieces of `text`, without truncation and without `[CLS]`/`[SEP]`; its count plus
    /// 2 is the text's untruncated token count.
    public func wordPieces(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        appendPieces(of: text, to: &ids, limit: .max)
        return ids
    }

    /// The words WordPiece sees (rules 1–6): special tokens as written, every other word
    /// cleaned, accent-stripped and lower-cased. For tests and diagnostics.
    public static func normalizedWords(_ text: String) -> [String] {
        var words: [String] = []
        forEachWord(in: text) { word in
            switch word {
            case .special(let index): words.append(specialTokens[index].text)
            case .text(let scalars): words.append(String(String.UnicodeScalarView(scalars)))
            }
            return true
        }
        return words
    }

    // MARK: - Pipeline

    /// One unit of pre-tokenised text: a literal special token (an index into `specialTokens`)
    /// or a normalised word (never empty).
    private enum Word {
        case special(Int)
        case text(ArraySlice<Unicode.Scalar>)
    }

    /// Appends the pieces of `text` to `ids`, stopping soon after `ids` reaches `limit` (later
    /// text cannot change earlier pieces, so the caller may cut the excess).
    private func appendPieces(of text: String, to ids: inout [Int32], limit: Int) {
        var bytes: [UInt8] = []
        Self.forEachWord(in: text) { word in
            switch word {
            case .special(let index): ids.append(Self.specialTokens[index].id)
            case .text(let scalars): appendWordPieces(of: scalars, to: &ids, bytes: &bytes)
            }
            return ids.count < limit
        }
    }

    /// Hands each word of `text` to `body` in order until `body` returns false.
    ///
    /// Cleaned text is normalised and split segment by segment: at each special token, and at a
    /// space once the segment is long, which is exact because a space is a word boundary and
    /// NFD never reorders across it.
    private static func forEachWord(in text: String, _ body: (Word) -> Bool) {
        let scalars = Array(text.unicodeScalars)
        var cleaned: [Unicode.Scalar] = []
        var normalized: [Unicode.Scalar] = []
        var index = 0
        while index < scalars.count {
            if scalars[index] == "[", let special = specialToken(in: scalars, at: index) {
                guard splitWords(of: &cleaned, buffer: &normalized, body), body(.special(special)) else { return }
                index += specialTokens[special].scalars.count
                continue
            }
            BertNormalizer.appendCleaned(scalars[index], to: &cleaned)
            index += 1
            if cleaned.count >= 1024, cleaned.last == " " {
                guard splitWords(of: &cleaned, buffer: &normalized, body) else { return }
            }
        }
        _ = splitWords(of: &cleaned, buffer: &normalized, body)
    }

    /// Normalises `cleaned` (emptying it) and hands its words to `body`; false when `body` asked
    /// to stop.
    private static func splitWords(of cleaned: inout [Unicode.Scalar], buffer normalized: inout [Unicode.Scalar],
                                   _ body: (Word) -> Bool) -> Bool {
        if cleaned.isEmpty { return true }
        BertNormalizer.normalize(cleaned, into: &normalized)
        cleaned.removeAll(keepingCapacity: true)
        var wordStart = 0
        for (position, scalar) in normalized.enumerated() {
            let isPunctuation = BertNormalizer.isPunctuation(scalar)
            guard isPunctuation || BertNormalizer.isSeparator(scalar) else { continue }
            if wordStart < position, !body(.text(normalized[wordStart..<position])) { return false }
            if isPunctuation, !body(.text(normalized[position...position])) { return false }
            wordStart = position + 1
        }
        if wordStart < normalized.count, !body(.text(normalized[wordStart...])) { return false }
        return true
    }

    /// The index in `specialTokens` of the special token spelled at `index`, if any.
    private static func specialToken(in scalars: [Unicode.Scalar], at index: Int) -> Int? {
        specialTokens.firstIndex { scalars[index...].starts(with: $0.scalars) }
    }

    /// Greedy longest-match-first WordPiece of one word; `[UNK]` alone when the word is too long
    /// or some rest of it matches no piece. `bytes` is scratch space.
    private func appendWordPieces(of word: ArraySlice<Unicode.Scalar>, to ids: inout [Int32], bytes: inout [UInt8]) {
        if word.count > Self.maxWordLength {
            ids.append(Self.unkId)
            return
        }
        bytes.removeAll(keepingCapacity: true)
        for scalar in word { UTF8.encode(scalar) { bytes.append($0) } }
        let firstPiece = ids.count
        let matched = bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            while start < buffer.count {
                guard let root = start == 0 ? PieceTrie.root : trie.continuationRoot,
                      let piece = trie.longestMatch(in: buffer, from: start, under: root) else { return false }
                ids.append(piece.id)
                start = piece.end
            }
            return true
        }
        if !matched {
            ids.removeSubrange(firstPiece...)
            ids.append(Self.unkId)
        }
    }

    /// The lines of a vocabulary file as the reference reads them: split at `\n`, each trimmed of
    /// trailing white space; a final newline does not start another line.
    private static func lines(of text: String) -> [String] {
        if text.isEmpty { return [] }
        var lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { line in
                var scalars = Substring(line).unicodeScalars
                while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
                return String(scalars)
            }
        if text.utf8.last == UInt8(ascii: "\n") { lines.removeLast() }
        return lines
    }
}
