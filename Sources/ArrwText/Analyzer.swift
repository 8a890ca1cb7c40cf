/// Turns text into the terms a keyword index stores and a keyword query looks up: words are
/// runs of letters and digits (an apostrophe or a period between two letters stays inside
/// the word, then goes: `don't` → `dont`, `U.S.` → `us`), lower-cased, with accents folded for
/// the Latin letters (`café` → `cafe`, `Straße` → `strasse`), stop words dropped and words
/// stemmed when asked. Documents and queries go through the same analyzer, so they meet.
public struct Analyzer: Sendable, Equatable {
    /// Words left out of the terms.
    public var stopWords: Set<String>
    /// Whether terms are reduced to their Porter stem.
    public var stems: Bool

    public init(stopWords: Set<String>, stems: Bool) {
        self.stopWords = stopWords
        self.stems = stems
    }

    /// English: stop words dropped, Porter stems (the default).
    public static let english = Analyzer(stopWords: EnglishStopWords.words, stems: true)
    /// Every word as it is, lower-cased and folded: no stop words, no stemming.
    public static let simple = Analyzer(stopWords: [], stems: false)

    /// The analyzer a library names at creation: `english` (the default) or `simple`.
    public static func named(_ name: String) -> Analyzer? {
        switch name {
        case "english": .english
        case "simple": .simple
        default: nil
        }
    }

    /// The terms of `text`, in order, repeats kept (term frequencies count them).
    public func terms(_ text: String) -> [String] {
        var terms: [String] = []
        // The current word's folded UTF-8 bytes (appending to a String scalar by scalar costs
        // several times the whole analysis).
        var word: [UInt8] = []
        word.reserveCapacity(32)
        var pendingJoiner = false
        func flush() {
            guard !word.isEmpty else { return }
            let folded = String(decoding: word, as: UTF8.self)
            if !stopWords.contains(folded) {
                terms.append(stems ? String(decoding: PorterStemmer.stem(bytes: word), as: UTF8.self) : folded)
            }
            word.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                // ASCII, the common case, without the Unicode property tables.
                if (value >= 0x61 && value <= 0x7A) || (value >= 0x30 && value <= 0x39) {
                    pendingJoiner = false
                    word.append(UInt8(value))
                } else if value >= 0x41 && value <= 0x5A {
                    pendingJoiner = false
                    word.append(UInt8(value + 0x20))
                } else if (value == 0x27 || value == 0x2E) && !word.isEmpty && !pendingJoiner {
                    pendingJoiner = true
                } else {
                    pendingJoiner = false
                    flush()
                }
                continue
            }
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                if pendingJoiner { pendingJoiner = false }
                for folded in Self.fold(scalar) { UTF8.encode(folded) { word.append($0) } }
            } else if (scalar == "'" || scalar == "\u{2019}" || scalar == ".") && !word.isEmpty && !pendingJoiner {
                pendingJoiner = true
            } else {
                pendingJoiner = false
                flush()
            }
        }
        flush()
        return terms
    }

    /// `scalar` lower-cased, its accent dropped for the Latin letters of Latin-1 and Latin
    /// Extended-A (the table below), and combining marks removed.
    static func fold(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        if scalar.isASCII {
            let value = scalar.value
            return [value >= 0x41 && value <= 0x5A ? Unicode.Scalar(value + 0x20)! : scalar]
        }
        if scalar.properties.generalCategory == .nonspacingMark { return [] }
        let lower = scalar.properties.lowercaseMapping
        var folded: [Unicode.Scalar] = []
        for character in lower.unicodeScalars {
            if let base = LatinFolding.base[character.value] {
                folded += base.unicodeScalars
            } else {
                folded.append(character)
            }
        }
        return folded
    }
}
