import ArrwEngine

/// The original arrwDB's `metadata_filters`: a list of `{field, operator, value}` that must all
/// hold, with `operator` one of `eq ne gt lt gte lte in contains`. Translated into our filter
/// language (`{"$and": [{field: {"$op": value}}, ...]}`), so it means exactly what that filter
/// means (dotted fields reach nested objects; `document_id`, `created_at` and `chunk_index` are
/// built in).
enum MetadataFilters {
    static let operators = ["eq", "ne", "gt", "lt", "gte", "lte", "in", "contains"]

    /// The filter `list` stands for (nil for an empty list, which restricts nothing); a 400
    /// naming the first bad item's field, or `unknown_filter_operator` naming an operator that
    /// is not one of `operators`.
    static func filter(_ list: JSONValue) throws -> JSONValue? {
        guard let items = list.array else {
            throw EngineError.validation("'metadata_filters' must be an array of {field, operator, value}", field: "metadata_filters")
        }
        let conditions = try items.enumerated().map { index, item -> JSONValue in
            let path = "metadata_filters[\(index)]"
            guard let object = item.object else { throw EngineError.validation("'\(path)' must be an object", field: path) }
            guard let field = object["field"]?.string, !field.isEmpty else {
                throw EngineError.validation("'\(path).field' must be a non-empty string", field: path + ".field")
            }
            guard let name = object["operator"]?.string else {
                throw EngineError.validation("'\(path).operator' must be one of \(operators.joined(separator: ", "))", field: path + ".operator")
            }
            guard operators.contains(name) else { throw EngineError.unknownFilterOperator(name) }
            guard let value = object["value"] else { throw EngineError.validation("'\(path).value' is required", field: path + ".value") }
            return .object([field: .object(["$" + name: value])])
        }
        return conditions.isEmpty ? nil : .object(["$and": .array(conditions)])
    }
}
