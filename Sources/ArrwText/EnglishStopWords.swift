/// The English stop words Lucene's `EnglishAnalyzer` drops (its `ENGLISH_STOP_WORDS_SET`, the
/// list Anserini's BM25 baselines use).
public enum EnglishStopWords {
    public static let words: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of",
        "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
    ]
}
