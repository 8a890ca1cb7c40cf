import ArrwEmbedding
import ArrwTestSupport
import Foundation
import Testing

/// The all-MiniLM-L6-v2 tokenizer from `models/all-MiniLM-L6-v2/vocab.txt`; fails the test,
/// naming `scripts/fetch-model`, when the model folder is absent.
private func modelTokenizer() throws -> WordPieceTokenizer {
    let folder = try #require(modelDirectory(), "models/all-MiniLM-L6-v2 is missing: run scripts/fetch-model")
    return try WordPieceTokenizer(vocabularyPath: folder + "/vocab.txt")
}

/// The golden texts; fails the test when `../shared/golden/minilm-dev.jsonl` is absent.
private func goldenTexts() throws -> [GoldenText] {
    let texts = try #require(try GoldenEmbeddings.load(),
                             "../shared/golden/\(GoldenEmbeddings.fileName) is missing (it comes with the shared folder; the model with scripts/fetch-model)")
    try #require(!texts.isEmpty, "the golden file holds no texts")
    return texts
}

/// Shorthand for the words WordPiece sees.
private func words(_ text: String) -> [String] {
    WordPieceTokenizer.normalizedWords(text)
}

@Suite struct WordPieceGoldenTests {
    @Test func everyGoldenTextGivesItsTokenIDs() throws {
        let tokenizer = try modelTokenizer()
        let golden = try goldenTexts()
        let failures = golden.filter { tokenizer.encode($0.text) != $0.tokenIds }
        let report = failures.prefix(10).map { text in
            "\(text.id) \(text.text.debugDescription.prefix(120))\n  expected \(text.tokenIds.prefix(40))\n  got      \(tokenizer.encode(text.text).prefix(40))"
        }
        #expect(failures.isEmpty, "\(failures.count) of \(golden.count) texts differ:\n\(report.joined(separator: "\n"))")
    }

    @Test func untruncatedCountsMatch() throws {
        let tokenizer = try modelTokenizer()
        for text in try goldenTexts() {
            #expect(tokenizer.wordPieces(text.text).count + 2 == text.untruncatedNumTokens, "\(text.id)")
            #expect(text.tokenIds.count == text.numTokens, "\(text.id): golden file is inconsistent")
        }
    }
}

@Suite struct WordPieceRuleTests {
    @Test func literalSpecialTokensKeepTheirIDs() throws {
        let tokenizer = try modelTokenizer()
        #expect(tokenizer.encode("[PAD][PAD]") == [101, 0, 0, 102])
        #expect(tokenizer.encode("[CLS] start [SEP]") == [101, 101, 2707, 102, 102])
        #expect(tokenizer.wordPieces("[UNK][MASK]") == [100, 103])
        #expect(words("a[SEP]b") == ["a", "[SEP]", "b"])
        #expect(words("[mask] [Cls]") == ["[", "mask", "]", "[", "cls", "]"])
        #expect(words("[CLS") == ["[", "cls"])
        #expect(words("[[SEP]]") == ["[", "[SEP]", "]"])
    }

    @Test func cleaningDropsControlsAndMapsWhitespace() {
        #expect(words("zero\u{200B}width soft\u{AD}hyphen \u{FEFF}bom") == ["zerowidth", "softhyphen", "bom"])
        #expect(words("a\u{0}b\u{FFFD}c\u{7}d\u{B}e\u{C}f\u{85}g") == ["abcdefg"])
        #expect(words("\u{202E}bidi\u{2069} \u{E000}private\u{10FFFD}") == ["bidi", "private"])
        #expect(words("a\tb\nc\r\nd\u{A0}e\u{3000}f\u{2003}g\u{2028}h\u{1680}i") == ["a", "b", "c", "d", "e", "f", "g", "h", "i"])
        let noncharacter = String(Character(Unicode.Scalar(0xFDD0)!))
        #expect(words("x\u{0378}y " + noncharacter) == ["x\u{0378}y", noncharacter], "unassigned scalars are kept")
        #expect(words(" \t\n ").isEmpty)
        #expect(words("").isEmpty)
    }

    @Test func cjkIdeographsBecomeWordsOfTheirOwn() {
        #expect(words("AI模型") == ["ai", "模", "型"])
        #expect(words("\u{20000}\u{2B920}\u{F900}") == ["\u{20000}", "\u{2B920}", "\u{8C48}"])
        #expect(words("a\u{2B820}b") == ["a\u{2B820}b"], "U+2B820–2B91F are outside the tokenizers table")
        #expect(words("カタカナ ひらがな") == ["カタカナ", "ひらかな"], "kana is not spaced; voicing marks are stripped")
    }

    @Test func accentsAreStrippedAfterNFD() {
        #expect(words("Café Cafe\u{301} naïve") == ["cafe", "cafe", "naive"])
        #expect(words("Z\u{351}\u{363}a\u{364}\u{307}") == ["za"])
        #expect(words("\u{301}leading") == ["leading"])
        #expect(words("한") == ["\u{1112}\u{1161}\u{11AB}"])
        #expect(words("❤\u{FE0F}") == ["❤"])
        #expect(words("ﬁ Ⅻ ½") == ["ﬁ", "ⅻ", "½"], "compatibility forms are not decomposed")
    }

    @Test func referenceUnicodeTablesAreUsed() {
        #expect(words("a\u{08D4}") == ["a\u{08D4}"], "a mark added in Unicode 9 is not stripped")
        #expect(words("a\u{1885}b") == ["a\u{1885}b"], "U+1885 was a letter in Unicode 8")
        #expect(words("a\u{1734}b") == ["ab"], "U+1734 was a non-spacing mark in Unicode 8")
        #expect(words("a\u{2E43}b") == ["a\u{2E43}b"], "punctuation added in Unicode 9 does not split")
        #expect(words("a\u{166D}b") == ["a", "\u{166D}", "b"], "U+166D was punctuation in Unicode 8")
        #expect(words("\u{11938}") == ["\u{11938}"], "a decomposition added in Unicode 13 is not applied")
        #expect(words("a\u{08E2}b") == ["a\u{08E2}b"], "a format character added in Unicode 9 is kept")
    }

    @Test func lowerCasingIsPerScalarWithoutContext() {
        #expect(words("HELLO WoRlD") == ["hello", "world"])
        #expect(words("ΟΔΟΣ") == ["οδοσ"])
        #expect(words("İstanbul Iğdır") == ["istanbul", "igdır"])
        #expect(words("GROẞE Ǆ") == ["große", "ǆ"])
    }

    @Test func punctuationIsSplitButSymbolsStay() {
        #expect(words("a+b=c$d^e|f~g`h") == ["a", "+", "b", "=", "c", "$", "d", "^", "e", "|", "f", "~", "g", "`", "h"])
        #expect(words("«Bonjour»—¿sí?…") == ["«", "bonjour", "»", "—", "¿", "si", "?", "…"])
        #expect(words("€100 23°F ±1 ©x words🙂inside") == ["€100", "23°f", "±1", "©x", "words🙂inside"])
        #expect(words("、。（）") == ["、", "。", "（", "）"])
    }

    @Test func wordsLongerThanOneHundredScalarsBecomeUnknown() throws {
        let tokenizer = try modelTokenizer()
        let hundred = String(repeating: "a", count: 100)
        #expect(tokenizer.wordPieces(hundred).count > 1)
        #expect(tokenizer.wordPieces(hundred + "a") == [WordPieceTokenizer.unkId])
        #expect(tokenizer.wordPieces(String(repeating: "x", count: 99) + "e\u{301}").count > 1, "marks are counted after stripping")
        #expect(tokenizer.wordPieces("ok " + hundred + "a ok") == [7929, 100, 7929])
    }

    @Test func unmatchableRestMakesTheWholeWordUnknown() throws {
        let tokenizer = try modelTokenizer()
        #expect(tokenizer.wordPieces("ab\u{0378}") == [100])
        #expect(tokenizer.wordPieces("🙂 hello") == [100, 7592])
    }

    @Test func greedyLongestMatchFirstWithContinuationPieces() {
        let tokenizer = WordPieceTokenizer(vocabulary: ["un", "##aff", "##able", "unaff", "##a", "##ble", "b"])
        #expect(tokenizer.wordPieces("unaffable") == [3, 2], "unaff beats un, ##able beats ##a")
        #expect(tokenizer.wordPieces("unaffble") == [3, 5])
        #expect(tokenizer.wordPieces("unable") == [0, 2])
        #expect(tokenizer.wordPieces("unb") == [WordPieceTokenizer.unkId], "b is a piece only at a word start")
        #expect(tokenizer.wordPieces("b un") == [6, 0])
        #expect(WordPieceTokenizer(vocabulary: ["a"]).wordPieces("aa") == [WordPieceTokenizer.unkId])
    }

    @Test func encodeKeepsTheFirstPiecesBetweenCLSAndSEP() throws {
        let tokenizer = try modelTokenizer()
        let text = Array(repeating: "word", count: 300).joined(separator: " ") + " tail"
        let ids = tokenizer.encode(text)
        #expect(ids.count == 256)
        #expect(ids.first == WordPieceTokenizer.clsId && ids.last == WordPieceTokenizer.sepId)
        #expect(Array(ids.dropFirst().dropLast()) == Array(tokenizer.wordPieces(text).prefix(254)))
        #expect(tokenizer.wordPieces(text).count == 301)
        #expect(tokenizer.encode("hello world", maxPieces: 1) == [101, 7592, 102])
        #expect(tokenizer.encode("hello world", maxPieces: 0) == [101, 102])
        #expect(tokenizer.encode("") == [101, 102])
        #expect(tokenizer.encode(text, maxPieces: .max).count == 303)
        let long = String(repeating: "supercalifragilistic ", count: 200)
        #expect(Array(tokenizer.encode(long, maxPieces: 7).dropFirst().dropLast()) == Array(tokenizer.wordPieces(long).prefix(7)))
    }

    @Test func longTextsAreSplitIntoSegmentsExactly() throws {
        let tokenizer = try modelTokenizer()
        let chunk = String(repeating: "é", count: 1030) + " a\u{301}\u{323}b 中文 "
        let text = String(repeating: chunk, count: 3)
        #expect(tokenizer.wordPieces(text) == Array(repeatElement(tokenizer.wordPieces(chunk), count: 3).joined()))
    }

    @Test func badVocabularyFilesThrowNamingThePath() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("arrw-vocab-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("missing.txt").path
        let empty = folder.appendingPathComponent("empty.txt")
        let wrong = folder.appendingPathComponent("wrong.txt")
        try Data().write(to: empty)
        try Data("a\nb\n".utf8).write(to: wrong)
        for path in [missing, empty.path, wrong.path] {
            let error = #expect(throws: EmbeddingError.self) { try WordPieceTokenizer(vocabularyPath: path) }
            #expect(error?.message.contains(path) == true, "\(error?.message ?? "")")
        }
        let tokenizer = try modelTokenizer()
        #expect(tokenizer.vocabularySize == 30522)
    }
}
