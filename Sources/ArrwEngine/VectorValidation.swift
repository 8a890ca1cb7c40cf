/// Turns user-supplied numbers into a float32 vector, rejecting what cannot be stored:
/// non-numbers, NaN, infinities, values beyond float32's range, empty or over-long vectors.
public enum VectorValidation {
    public static func vector(from json: JSONValue, field: String, limits: EngineLimits) throws -> [Float] {
        guard let items = json.array else {
            throw EngineError.validation("'\(field)' must be an array of numbers, got \(json.typeName)", field: field)
        }
        return try vector(from: items.map(\.number), field: field, limits: limits)
    }

    /// `values` holds nil where the input was not a number.
    public static func vector(from values: [Double?], field: String, limits: EngineLimits) throws -> [Float] {
        guard !values.isEmpty else { throw EngineError.validation("'\(field)' must not be empty", field: field) }
        guard values.count <= limits.maxDimension else {
            throw EngineError.limitExceeded(
                "'\(field)' has \(values.count) dimensions; the limit is \(limits.maxDimension)",
                limit: limits.maxDimension, field: field)
        }
        var vector = [Float]()
        vector.reserveCapacity(values.count)
        for (index, value) in values.enumerated() {
            guard let value else {
                throw EngineError.validation("'\(field)[\(index)]' must be a number", field: field)
            }
            let component = Float(value)
            guard value.isFinite, component.isFinite else {
                throw EngineError.validation("'\(field)[\(index)]' must be a finite float32 number, got \(value)", field: field)
            }
            vector.append(component)
        }
        return vector
    }
}
