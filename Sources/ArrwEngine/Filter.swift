import Foundation

/// A parsed metadata filter in the Mongo/Chroma-style language of SPEC.md.
///
/// Grammar: a filter is an object; each key is either a logical operator (`$and`, `$or` taking a
/// non-empty array of filters, `$not` taking one filter) or a field path (dotted: `a.b.c` reaches
/// nested objects). A field maps to a plain value (equality) or to an object of comparison
/// operators (`$eq $ne $gt $gte $lt $lte $in $nin $exists $contains`), all of which must hold.
/// Several keys in one object must all hold.
///
/// Semantics, chosen to match MongoDB where SPEC.md is silent:
/// - equality is JSON equality (numbers by value); it does not look inside arrays (`$contains` does);
/// - `$gt`/`$gte`/`$lt`/`$lte` compare numbers with numbers and strings with strings; any other
///   pair (or a missing field) does not match;
/// - `$ne` and `$nin` match a missing field; `$exists: false` matches only a missing field;
/// - `$contains` matches an array holding the value or a string containing it as a substring;
/// - `document_id` is the chunk's document id and `created_at` the document's creation time, as
///   seconds since 1970; a `created_at` operand may be a number or an ISO 8601 string;
///   `chunk_index` is the chunk's position in its document, from 0.
///   Both names take precedence over metadata keys of the same name.
///
/// Parsing never traps: every malformed filter throws `EngineError` naming the problem.
public indirect enum Filter: Sendable, Equatable {
    case and([Filter])
    case or([Filter])
    case not(Filter)
    case field(path: [String], FieldCondition)

    /// One comparison applied to a field's value.
    public enum FieldCondition: Sendable, Equatable {
        case eq(JSONValue)
        case ne(JSONValue)
        case gt(JSONValue)
        case gte(JSONValue)
        case lt(JSONValue)
        case lte(JSONValue)
        case isIn([JSONValue])
        case notIn([JSONValue])
        case exists(Bool)
        case contains(JSONValue)
    }

    /// The largest nesting depth a filter may have; deeper filters are rejected, not recursed.
    public static let maxDepth = 32
}

extension Filter {
    /// Parses the JSON form of a filter, throwing `EngineError` (`invalid_filter` or
    /// `unknown_filter_operator`) for anything outside the language.
    public static func parse(_ json: JSONValue) throws -> Filter {
        try parse(json, depth: 0)
    }

    private static func parse(_ json: JSONValue, depth: Int) throws -> Filter {
        guard depth < maxDepth else { throw EngineError.invalidFilter("filter is nested deeper than \(maxDepth) levels") }
        guard let object = json.object else {
            throw EngineError.invalidFilter("a filter must be an object, got \(json.typeName)")
        }
        guard !object.isEmpty else { return .and([]) }
        var clauses: [Filter] = []
        for key in object.keys.sorted() {
            let value = object[key]!
            switch key {
            case "$and", "$or":
                guard let items = value.array, !items.isEmpty else {
                    throw EngineError.invalidFilter("'\(key)' takes a non-empty array of filters")
                }
                let parsed = try items.map { try parse($0, depth: depth + 1) }
                clauses.append(key == "$and" ? .and(parsed) : .or(parsed))
            case "$not":
                clauses.append(.not(try parse(value, depth: depth + 1)))
            case let name where name.hasPrefix("$"):
                throw EngineError.unknownFilterOperator(name)
            default:
                let path = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                guard !path.contains(where: \.isEmpty) else {
                    throw EngineError.invalidFilter("field path '\(key)' has an empty segment")
                }
                clauses.append(contentsOf: try conditions(for: path, value: value))
            }
        }
        return clauses.count == 1 ? clauses[0] : .and(clauses)
    }

    private static func conditions(for path: [String], value: JSONValue) throws -> [Filter] {
        let isCreatedAt = path == ["created_at"]
        guard let object = value.object, object.keys.contains(where: { $0.hasPrefix("$") }) else {
            return [.field(path: path, .eq(try operand(value, isCreatedAt: isCreatedAt)))]
        }
        var result: [Filter] = []
        for op in object.keys.sorted() {
            let argument = object[op]!
            let condition: FieldCondition
            switch op {
            case "$eq": condition = .eq(try operand(argument, isCreatedAt: isCreatedAt))
            case "$ne": condition = .ne(try operand(argument, isCreatedAt: isCreatedAt))
            case "$gt", "$gte", "$lt", "$lte":
                let bound = try operand(argument, isCreatedAt: isCreatedAt)
                guard bound.number != nil || bound.string != nil else {
                    throw EngineError.invalidFilter("'\(op)' on '\(path.joined(separator: "."))' needs a number or a string")
                }
                switch op {
                case "$gt": condition = .gt(bound)
                case "$gte": condition = .gte(bound)
                case "$lt": condition = .lt(bound)
                default: condition = .lte(bound)
                }
            case "$in", "$nin":
                guard let items = argument.array else {
                    throw EngineError.invalidFilter("'\(op)' on '\(path.joined(separator: "."))' needs an array")
                }
                let values = try items.map { try operand($0, isCreatedAt: isCreatedAt) }
                condition = op == "$in" ? .isIn(values) : .notIn(values)
            case "$exists":
                guard let flag = argument.bool else {
                    throw EngineError.invalidFilter("'$exists' on '\(path.joined(separator: "."))' needs true or false")
                }
                condition = .exists(flag)
            case "$contains":
                condition = .contains(argument)
            default:
                if op.hasPrefix("$") { throw EngineError.unknownFilterOperator(op) }
                throw EngineError.invalidFilter(
                    "'\(path.joined(separator: "."))' mixes operators with the plain key '\(op)'")
            }
            result.append(.field(path: path, condition))
        }
        return result
    }

    /// `created_at` operands become seconds since 1970 so they compare with the stored time.
    private static func operand(_ value: JSONValue, isCreatedAt: Bool) throws -> JSONValue {
        guard isCreatedAt, let text = value.string else { return value }
        guard let date = parseISO8601(text) else {
            throw EngineError.invalidFilter("created_at value '\(text)' is not an ISO 8601 date-time")
        }
        return .double(date.timeIntervalSince1970)
    }

    static func parseISO8601(_ text: String) -> Date? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = withFraction.date(from: text) { return date }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return date }
        let dayOnly = ISO8601DateFormatter()
        dayOnly.formatOptions = [.withFullDate]
        return dayOnly.date(from: text)
    }
}
