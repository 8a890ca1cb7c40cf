import ArrwEngine
import Foundation

/// Checks a JSON value against a JSON Schema (2020-12, as OpenAPI 3.1 uses it), for the
/// keywords arrwDB's document uses: `$ref` into the document, `type` (one or a list), `enum`,
/// `const`, `required`, `properties`, `additionalProperties`, `items`, `anyOf`, `oneOf`,
/// `allOf`, `minimum`, `maximum`, `minItems`, `maxItems`, `minLength`, `maxLength` and
/// `pattern`. Keywords it does not know (`format`, `examples`, descriptions) are ignored, as
/// annotations. Returns every violation with the path to it; none means valid.
struct JSONSchemaValidator {
    let document: JSONValue

    func violations(of value: JSONValue, against schema: JSONValue, at path: String = "$") -> [String] {
        guard let schema = schema.object else { return schema == .bool(false) ? ["\(path): no value is allowed"] : [] }
        if let reference = schema["$ref"]?.string {
            guard let target = resolve(reference) else { return ["\(path): unresolvable \(reference)"] }
            return violations(of: value, against: target, at: path)
        }
        var found: [String] = []
        if let types = schema["type"] {
            let allowed = types.array?.compactMap(\.string) ?? [types.string].compactMap { $0 }
            if !allowed.contains(where: { Self.has(value, type: $0) }) { return ["\(path): \(Self.describe(value)) is not \(allowed)"] }
        }
        if let options = schema["enum"]?.array, !options.contains(value) { found.append("\(path): \(Self.describe(value)) is not one of \(options)") }
        if let constant = schema["const"], constant != value { found.append("\(path): \(Self.describe(value)) is not \(constant)") }
        if let all = schema["allOf"]?.array {
            for part in all { found += violations(of: value, against: part, at: path) }
        }
        if let any = schema["anyOf"]?.array, !any.contains(where: { violations(of: value, against: $0, at: path).isEmpty }) {
            found.append("\(path): matches none of anyOf")
        }
        if let one = schema["oneOf"]?.array {
            let matching = one.filter { violations(of: value, against: $0, at: path).isEmpty }.count
            if matching != 1 { found.append("\(path): matches \(matching) of oneOf, not 1") }
        }
        if let number = value.number {
            if let minimum = schema["minimum"]?.number, number < minimum { found.append("\(path): \(number) < \(minimum)") }
            if let maximum = schema["maximum"]?.number, number > maximum { found.append("\(path): \(number) > \(maximum)") }
        }
        if let text = value.string {
            if let least = schema["minLength"]?.number, Double(text.count) < least { found.append("\(path): shorter than \(least)") }
            if let most = schema["maxLength"]?.number, Double(text.count) > most { found.append("\(path): longer than \(most)") }
            if let pattern = schema["pattern"]?.string, let regex = try? Regex(pattern), (try? regex.firstMatch(in: text)) == nil {
                found.append("\(path): '\(text)' does not match \(pattern)")
            }
        }
        if let array = value.array {
            if let least = schema["minItems"]?.number, Double(array.count) < least { found.append("\(path): fewer than \(least) items") }
            if let most = schema["maxItems"]?.number, Double(array.count) > most { found.append("\(path): more than \(most) items") }
            if let items = schema["items"] {
                for (index, item) in array.enumerated() { found += violations(of: item, against: items, at: "\(path)[\(index)]") }
            }
        }
        if let object = value.object {
            for key in schema["required"]?.array?.compactMap(\.string) ?? [] where object[key] == nil {
                found.append("\(path): '\(key)' is required")
            }
            let properties = schema["properties"]?.object ?? [:]
            for (key, member) in object {
                if let property = properties[key] {
                    found += violations(of: member, against: property, at: "\(path).\(key)")
                } else if let additional = schema["additionalProperties"] {
                    found += violations(of: member, against: additional, at: "\(path).\(key)")
                }
            }
        }
        return found
    }

    /// The schema a local `$ref` (`#/components/schemas/Name`) points to.
    func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#/") else { return nil }
        var node: JSONValue? = document
        for part in reference.dropFirst(2).split(separator: "/") {
            node = node?.object?[part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")]
        }
        return node
    }

    static func has(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object): true
        case ("integer", .int): true
        case ("integer", .double(let number)): number.rounded() == number
        case ("number", .int), ("number", .double): true
        default: false
        }
    }

    static func describe(_ value: JSONValue) -> String {
        let text = String(decoding: value.jsonBytes, as: UTF8.self)
        return text.count > 80 ? String(text.prefix(80)) + "…" : text
    }
}
