/// The checks every stored or searched vector passes, whoever built it: not empty, within
/// `maxDimension`, every component finite in float32. Transports that read numbers from the
/// wire use `checkLength` and `component` as they convert, so their errors read the same.
public enum VectorValidation {
    /// Checks a typed vector, throwing `EngineError` naming `field`.
    public static func check(_ vector: [Float], field: String, limits: EngineLimits) throws {
        try checkLength(vector.count, field: field, limits: limits)
        for (index, value) in vector.enumerated() where !value.isFinite {
            _ = try component(Double(value), at: index, field: field)
        }
    }

    /// A vector of `count` components: not empty, at most `maxDimension`.
    public static func checkLength(_ count: Int, field: String, limits: EngineLimits) throws {
        guard count > 0 else { throw EngineError.validation("'\(field)' must not be empty", field: field) }
        guard count <= limits.maxDimension else {
            throw EngineError.limitExceeded(
                "'\(field)' has \(count) dimensions; the limit is \(limits.maxDimension)",
                limit: limits.maxDimension, field: field)
        }
    }

    /// `value` as component `index` of a float32 vector, rejecting NaN, infinities and values
    /// beyond float32's range.
    public static func component(_ value: Double, at index: Int, field: String) throws -> Float {
        let component = Float(value)
        guard value.isFinite, component.isFinite else {
            throw EngineError.validation("'\(field)[\(index)]' must be a finite float32 number, got \(value)", field: field)
        }
        return component
    }
}
