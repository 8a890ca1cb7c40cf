/// The original arrwDB's document fields `author`, `document_type`, `source_url` and `tags`:
/// answered beside a document's `metadata`, never in it, and filterable like metadata.
///
/// Stored inside the document's metadata map under `storageKey`, a key user metadata cannot
/// hold (`DocumentJSON` refuses top-level metadata keys starting with NUL), so the write-ahead
/// log and snapshot formats are unchanged and every earlier release's data reads as before (no
/// document of theirs holds the key). The engine splits the two again whenever it hands a
/// document out (`split`), so no caller ever sees the key.
public enum OriginalFields {
    /// The fields, in the order they are answered.
    public static let names = ["author", "document_type", "source_url", "tags"]
    /// Characters a string field may hold, at most.
    public static let maxLength = 2048
    /// Tags a document may carry, at most.
    public static let maxTags = 100
    static let storageKey = "\u{0}original"

    /// The fields `object` (a document's JSON) carries, each checked: strings for `author`,
    /// `document_type` and `source_url`, an array of strings for `tags`; a 400 naming the field.
    public static func parse(_ object: [String: JSONValue]) throws -> [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        for name in names {
            switch object[name] {
            case nil, .null?: continue
            case .string(let text)? where name != "tags":
                guard text.count <= maxLength else {
                    throw EngineError.limitExceeded("'\(name)' holds more than \(maxLength) characters", limit: maxLength, field: name)
                }
                fields[name] = .string(text)
            case .array(let items)? where name == "tags":
                guard items.count <= maxTags else {
                    throw EngineError.limitExceeded("'tags' holds more than \(maxTags) tags", limit: maxTags, field: "tags")
                }
                for (index, item) in items.enumerated() {
                    guard let tag = item.string, tag.count <= maxLength else {
                        throw EngineError.validation("'tags[\(index)]' must be a string of at most \(maxLength) characters", field: "tags[\(index)]")
                    }
                }
                fields[name] = .array(items)
            case let other?:
                throw EngineError.validation(
                    "'\(name)' must be \(name == "tags" ? "an array of strings" : "a string"), got \(other.typeName)", field: name)
            }
        }
        return fields
    }

    /// Refuses user metadata that holds a key reserved for the engine (starting with NUL).
    public static func checkUserMetadata(_ metadata: [String: JSONValue], field: String) throws {
        if let key = metadata.keys.first(where: { $0.hasPrefix("\u{0}") }) {
            throw EngineError.validation("'\(field)' may not hold a key starting with NUL (\(key.debugDescription))", field: field)
        }
    }

    /// The metadata map as stored: the user's, with `fields` in their slot when there are any.
    static func fold(_ fields: [String: JSONValue], into metadata: [String: JSONValue]) -> [String: JSONValue] {
        guard !fields.isEmpty else { return metadata }
        var stored = metadata
        stored[storageKey] = .object(fields)
        return stored
    }

    /// A stored metadata map split back into the user's metadata and the fields.
    static func split(_ stored: [String: JSONValue]) -> (metadata: [String: JSONValue], fields: [String: JSONValue]) {
        guard let slot = stored[storageKey] else { return (stored, [:]) }
        var metadata = stored
        metadata[storageKey] = nil
        return (metadata, slot.object ?? [:])
    }
}
