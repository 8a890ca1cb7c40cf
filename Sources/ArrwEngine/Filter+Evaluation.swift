/// What a filter is evaluated against: one chunk, seen through its merged metadata.
public protocol FilterSubject {
    /// The value at a path (first segment looked up in the chunk's own metadata, then in its
    /// document's), or nil when absent. `document_id`, `created_at` and `chunk_index` are answered by the subject.
    func value(at path: [String]) -> JSONValue?
}

extension Filter {
    /// Whether `subject` passes this filter.
    public func matches(_ subject: some FilterSubject) -> Bool {
        switch self {
        case .and(let clauses): return clauses.allSatisfy { $0.matches(subject) }
        case .or(let clauses): return clauses.contains { $0.matches(subject) }
        case .not(let inner): return !inner.matches(subject)
        case .field(let path, let condition): return condition.matches(subject.value(at: path))
        }
    }
}

extension Filter.FieldCondition {
    func matches(_ value: JSONValue?) -> Bool {
        switch self {
        case .eq(let expected): return value.map { $0.jsonEquals(expected) } ?? false
        case .ne(let expected): return !(value.map { $0.jsonEquals(expected) } ?? false)
        case .gt(let bound): return Self.compare(value, bound).map { $0 > 0 } ?? false
        case .gte(let bound): return Self.compare(value, bound).map { $0 >= 0 } ?? false
        case .lt(let bound): return Self.compare(value, bound).map { $0 < 0 } ?? false
        case .lte(let bound): return Self.compare(value, bound).map { $0 <= 0 } ?? false
        case .isIn(let options):
            guard let value else { return false }
            return options.contains { value.jsonEquals($0) }
        case .notIn(let options):
            guard let value else { return true }
            return !options.contains { value.jsonEquals($0) }
        case .exists(let flag): return (value != nil) == flag
        case .contains(let needle):
            switch value {
            case .array(let items): return items.contains { $0.jsonEquals(needle) }
            case .string(let text):
                guard let part = needle.string else { return false }
                return text.contains(part)
            default: return false
            }
        }
    }

    /// -1, 0 or 1 for numbers against numbers and strings against strings; nil otherwise.
    private static func compare(_ value: JSONValue?, _ bound: JSONValue) -> Int? {
        guard let value else { return nil }
        if let a = value.number, let b = bound.number {
            return a < b ? -1 : (a > b ? 1 : 0)
        }
        if let a = value.string, let b = bound.string {
            return a < b ? -1 : (a > b ? 1 : 0)
        }
        return nil
    }
}

/// Walks a dotted path through nested objects.
func lookUp(_ path: ArraySlice<String>, in value: JSONValue) -> JSONValue? {
    guard let head = path.first else { return value }
    guard let next = value.object?[head] else { return nil }
    return lookUp(path.dropFirst(), in: next)
}
