/// The Porter stemming algorithm for English (M. F. Porter, "An algorithm for suffix
/// stripping", Program 14(3), 1980), as published, on lower-case ASCII words: `connections`,
/// `connected` and `connecting` all become `connect`. A word of two letters or fewer, or with
/// anything but `a`–`z` in it, is returned unchanged.
public enum PorterStemmer {
    public static func stem(_ word: String) -> String {
        String(decoding: stem(bytes: Array(word.utf8)), as: UTF8.self)
    }

    /// `stem` on a word's UTF-8 bytes.
    public static func stem(bytes letters: [UInt8]) -> [UInt8] {
        guard letters.count > 2, letters.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return letters }
        var stemmer = Word(letters: letters)
        stemmer.step1a()
        stemmer.step1b()
        stemmer.step1c()
        stemmer.replaceLongest(step2Rules, minimumMeasure: 1)
        stemmer.replaceLongest(step3Rules, minimumMeasure: 1)
        stemmer.step4()
        stemmer.step5()
        return stemmer.letters
    }

    /// A suffix rule's bytes: the suffix and what replaces it.
    typealias Rule = (suffix: [UInt8], replacement: [UInt8])

    static func rules(_ pairs: [(String, String)]) -> [Rule] { pairs.map { (Array($0.0.utf8), Array($0.1.utf8)) } }

    static let step2Rules = rules([
        ("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"), ("abli", "able"),
        ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"), ("ization", "ize"), ("ation", "ate"),
        ("ator", "ate"), ("alism", "al"), ("iveness", "ive"), ("fulness", "ful"), ("ousness", "ous"), ("aliti", "al"),
        ("iviti", "ive"), ("biliti", "ble"),
    ])
    static let step3Rules = rules([
        ("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", ""), ("ness", ""),
    ])
    static let step4Suffixes = rules([
        "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou", "ism", "ate", "iti",
        "ous", "ive", "ize",
    ].map { ($0, "") }).map(\.suffix)

    /// A word being stemmed, with the measures the rules test.
    struct Word {
        var letters: [UInt8]

        func isConsonant(_ index: Int) -> Bool {
            switch letters[index] {
            case 0x61, 0x65, 0x69, 0x6F, 0x75: return false
            case 0x79: return index == 0 || !isConsonant(index - 1)
            default: return true
            }
        }

        /// m: the number of vowel-consonant sequences in the first `length` letters.
        func measure(_ length: Int) -> Int {
            var count = 0
            var index = 0
            while index < length && isConsonant(index) { index += 1 }
            while index < length {
                while index < length && !isConsonant(index) { index += 1 }
                guard index < length else { break }
                while index < length && isConsonant(index) { index += 1 }
                count += 1
            }
            return count
        }

        func hasVowel(_ length: Int) -> Bool { (0..<length).contains { !isConsonant($0) } }

        /// Whether the first `length` letters end in a double consonant.
        func endsDoubleConsonant(_ length: Int) -> Bool {
            length >= 2 && letters[length - 1] == letters[length - 2] && isConsonant(length - 1)
        }

        /// *o: the first `length` letters end consonant-vowel-consonant, the last not w, x or y.
        func endsCVC(_ length: Int) -> Bool {
            guard length >= 3, isConsonant(length - 1), !isConsonant(length - 2), isConsonant(length - 3) else { return false }
            let last = letters[length - 1]
            return last != 0x77 && last != 0x78 && last != 0x79
        }

        /// Whether the word ends in `suffix` (compared in place: this runs for every rule of
        /// every word, so it allocates nothing).
        func ends(_ suffix: [UInt8]) -> Bool {
            guard letters.count >= suffix.count else { return false }
            let start = letters.count - suffix.count
            for index in 0..<suffix.count where letters[start + index] != suffix[index] { return false }
            return true
        }

        func ends(_ suffix: StaticString) -> Bool {
            suffix.withUTF8Buffer { bytes in
                guard letters.count >= bytes.count else { return false }
                let start = letters.count - bytes.count
                for index in 0..<bytes.count where letters[start + index] != bytes[index] { return false }
                return true
            }
        }

        /// The position in `suffixes` of the longest one the word ends in.
        func longestEnding(_ suffixes: [[UInt8]]) -> Int? {
            var best: Int?
            for (position, suffix) in suffixes.enumerated() where ends(suffix) && suffix.count > (best.map { suffixes[$0].count } ?? 0) {
                best = position
            }
            return best
        }

        mutating func replaceSuffix(_ count: Int, with replacement: [UInt8]) {
            letters.removeLast(count)
            letters.append(contentsOf: replacement)
        }

        mutating func step1a() {
            if ends("sses") || ends("ies") {
                letters.removeLast(2)
            } else if ends("s") && !ends("ss") {
                letters.removeLast()
            }
        }

        mutating func step1b() {
            if ends("eed") {
                if measure(letters.count - 3) > 0 { letters.removeLast() }
                return
            }
            let suffix = ends("ed") ? 2 : ends("ing") ? 3 : 0
            guard suffix > 0, hasVowel(letters.count - suffix) else { return }
            letters.removeLast(suffix)
            if ends("at") || ends("bl") || ends("iz") {
                letters.append(0x65)
            } else if endsDoubleConsonant(letters.count), letters.last! != 0x6C, letters.last! != 0x73, letters.last! != 0x7A {
                letters.removeLast()
            } else if measure(letters.count) == 1, endsCVC(letters.count) {
                letters.append(0x65)
            }
        }

        mutating func step1c() {
            if ends("y"), hasVowel(letters.count - 1) { letters[letters.count - 1] = 0x69 }
        }

        /// Steps 2 and 3: the longest matching suffix is replaced when the stem before it has
        /// a measure of at least `minimumMeasure`; a shorter suffix is never tried instead.
        mutating func replaceLongest(_ rules: [Rule], minimumMeasure: Int) {
            var best: Int?
            for (position, rule) in rules.enumerated() where ends(rule.suffix) && rule.suffix.count > (best.map { rules[$0].suffix.count } ?? 0) {
                best = position
            }
            guard let best else { return }
            let stem = letters.count - rules[best].suffix.count
            if measure(stem) >= minimumMeasure { replaceSuffix(rules[best].suffix.count, with: rules[best].replacement) }
        }

        mutating func step4() {
            guard let position = longestEnding(PorterStemmer.step4Suffixes) else { return }
            let suffix = PorterStemmer.step4Suffixes[position]
            let stem = letters.count - suffix.count
            guard measure(stem) > 1 else { return }
            if suffix == Array("ion".utf8) && !(stem > 0 && (letters[stem - 1] == 0x73 || letters[stem - 1] == 0x74)) { return }
            letters.removeLast(suffix.count)
        }

        mutating func step5() {
            if ends("e") {
                let stem = letters.count - 1
                let m = measure(stem)
                if m > 1 || (m == 1 && !endsCVC(stem)) { letters.removeLast() }
            }
            if measure(letters.count) > 1, endsDoubleConsonant(letters.count), letters.last == 0x6C { letters.removeLast() }
        }
    }
}
