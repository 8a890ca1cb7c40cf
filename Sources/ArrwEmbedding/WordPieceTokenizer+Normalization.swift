import Foundation

/// The text rules of the reference pipeline (`tokenizers` 0.23: `BertNormalizer` with cleaning,
/// CJK spacing, accent stripping and lower-casing, then `BertPreTokenizer`), on Unicode scalars.
///
/// The reference answers its Unicode questions from tables of different ages, and so does this
/// type, by rule rather than by copying tables:
/// - General categories (dropped `Cc`/`Cf`/`Co`, stripped `Mn`, split `P*`) come from the
///   `unicode_categories` 0.1.1 crate, i.e. **Unicode 8.0**. A scalar counts as `Mn` or `P*` when
///   Swift's category says so and the scalar's age is at most 8.0, corrected by the six scalars
///   whose category changed since 8.0 (`nonspacingMarkExceptions`, `punctuationExceptions`).
///   With Swift 6.3's Unicode 17 data this reproduces the crate's `Mn` and `P*` tables exactly;
///   its `Cf` table is small and fixed, so it is written out (`isDropped`).
/// - NFD comes from `unicode-normalization-alignments` 0.1.12, i.e. **Unicode 9.0**: scalars
///   assigned later are neither decomposed nor reordered (their combining class counts as 0).
/// - Lower-casing is Rust's `char::to_lowercase` (full mapping, no context), matched by Swift's
///   `lowercaseMapping`.
/// - White space is Unicode's `White_Space`, which has not changed since Unicode 6.3.
///
/// Checked against `tokenizers` 0.23.3 itself: every scalar U+0000–U+10FFFF, alone and inside
/// words, and 450,000 random texts (marks in every order, specials, long words) give its ids.
enum BertNormalizer {
    /// Appends the cleaned form of `scalar` (rule 2) with CJK ideographs spaced out (rule 3):
    /// nothing for dropped scalars, one space for white space, the scalar otherwise.
    static func appendCleaned(_ scalar: Unicode.Scalar, to output: inout [Unicode.Scalar]) {
        let value = scalar.value
        if value < 0x80 {
            if value == 0x09 || value == 0x0A || value == 0x0D || value == 0x20 {
                output.append(" ")
            } else if value > 0x20 && value != 0x7F {
                output.append(scalar)
            }
            return
        }
        if isDropped(value) { return }
        if isWhitespace(value) {
            output.append(" ")
        } else if isCJKIdeograph(value) {
            output.append(" ")
            output.append(scalar)
            output.append(" ")
        } else {
            output.append(scalar)
        }
    }

    /// Replaces `output` with `cleaned` decomposed (NFD, Unicode 9.0), stripped of non-spacing
    /// marks and lower-cased scalar by scalar (rules 4 and 5).
    static func normalize(_ cleaned: [Unicode.Scalar], into output: inout [Unicode.Scalar]) {
        output.removeAll(keepingCapacity: true)
        if cleaned.allSatisfy(\.isASCII) {
            for scalar in cleaned { output.append(lowercasedASCII(scalar)) }
            return
        }
        var run = String.UnicodeScalarView()
        for scalar in cleaned {
            if isNewerThanNFDTables(scalar) {
                appendDecomposed(run, to: &output)
                run.removeAll(keepingCapacity: true)
                appendStrippedAndLowercased(scalar, to: &output)
            } else {
                run.append(scalar)
            }
        }
        appendDecomposed(run, to: &output)
    }

    /// Whether the pre-tokenizer splits words at `scalar` (rule 6; `char::is_whitespace`).
    static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        isWhitespace(scalar.value)
    }

    /// Whether the pre-tokenizer makes `scalar` a word of its own (rule 6): ASCII punctuation
    /// and symbols, and non-ASCII punctuation (`P*`) as of Unicode 8.0.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return (0x21...0x2F).contains(value) || (0x3A...0x40).contains(value)
                || (0x5B...0x60).contains(value) || (0x7B...0x7E).contains(value)
        }
        if let listed = punctuationExceptions[value] { return listed }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return isAssigned(scalar, byMajor: 8)
        default:
            return false
        }
    }

    // MARK: - Rule details

    /// Scalars whose `P*` membership in Unicode 8.0 differs from today's category: U+166D
    /// (CANADIAN SYLLABICS CHI SIGN, now `So`) and U+111C9 (SHARADA SANDHI MARK, now `Mn`).
    private static let punctuationExceptions: [UInt32: Bool] = [0x166D: true, 0x111C9: true]

    /// Scalars whose `Mn` membership in Unicode 8.0 differs from today's category: U+1734 and
    /// U+1171E were `Mn` (now `Mc`); U+1885, U+1886 (then `Lo`), U+A9BD (then `Mc`) and U+111C9
    /// (then `Po`) were not.
    private static let nonspacingMarkExceptions: [UInt32: Bool] = [
        0x1734: true, 0x1171E: true, 0x1885: false, 0x1886: false, 0xA9BD: false, 0x111C9: false,
    ]

    /// U+0000, U+FFFD and the `Cc`, `Cf` and `Co` scalars of Unicode 8.0, except tab, line feed
    /// and carriage return. `Cn` (unassigned) scalars are kept.
    private static func isDropped(_ value: UInt32) -> Bool {
        switch value {
        case 0x00...0x08, 0x0B, 0x0C, 0x0E...0x1F, 0x7F...0x9F: true  // Cc
        case 0xE000...0xF8FF, 0xF0000...0xFFFFD, 0x100000...0x10FFFD: true  // Co
        case 0xFFFD: true
        case 0x00AD, 0x0600...0x0605, 0x061C, 0x06DD, 0x070F, 0x180E, 0x200B...0x200F,
             0x202A...0x202E, 0x2060...0x2064, 0x2066...0x206F, 0xFEFF, 0xFFF9...0xFFFB,
             0x110BD, 0x1BCA0...0x1BCA3, 0x1D173...0x1D17A, 0xE0001, 0xE0020...0xE007F:
            true  // Cf as of Unicode 8.0
        default: false
        }
    }

    /// Unicode `White_Space`.
    private static func isWhitespace(_ value: UInt32) -> Bool {
        switch value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F,
             0x205F, 0x3000:
            true
        default: false
        }
    }

    /// The `tokenizers` table of CJK ideographs (its sixth range starts at U+2B920, not U+2B820).
    private static func isCJKIdeograph(_ value: UInt32) -> Bool {
        switch value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            true
        default: false
        }
    }

    /// Whether `scalar` is a non-spacing mark (`Mn`) as of Unicode 8.0.
    private static func isNonspacingMark(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return false }
        if let listed = nonspacingMarkExceptions[scalar.value] { return listed }
        return scalar.properties.generalCategory == .nonspacingMark && isAssigned(scalar, byMajor: 8)
    }

    /// Whether `scalar` was assigned in Unicode `major`.0 or earlier.
    private static func isAssigned(_ scalar: Unicode.Scalar, byMajor major: Int) -> Bool {
        guard let age = scalar.properties.age else { return false }
        return age.major < major || (age.major == major && age.minor == 0)
    }

    /// Whether `scalar` was assigned after Unicode 9.0, so the reference's NFD leaves it alone.
    private static func isNewerThanNFDTables(_ scalar: Unicode.Scalar) -> Bool {
        !scalar.isASCII && scalar.properties.age != nil && !isAssigned(scalar, byMajor: 9)
    }

    /// Decomposes `run` and appends its scalars, minus marks, lower-cased.
    private static func appendDecomposed(_ run: String.UnicodeScalarView, to output: inout [Unicode.Scalar]) {
        if run.isEmpty { return }
        for scalar in String(run).decomposedStringWithCanonicalMapping.unicodeScalars {
            appendStrippedAndLowercased(scalar, to: &output)
        }
    }

    private static func appendStrippedAndLowercased(_ scalar: Unicode.Scalar, to output: inout [Unicode.Scalar]) {
        if scalar.isASCII {
            output.append(lowercasedASCII(scalar))
        } else if isNonspacingMark(scalar) {
            return
        } else if scalar.properties.changesWhenLowercased {
            output.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        } else {
            output.append(scalar)
        }
    }

    private static func lowercasedASCII(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        (0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(UInt8(scalar.value + 0x20)) : scalar
    }
}
