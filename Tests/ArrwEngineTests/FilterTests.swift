import ArrwEngine
import Foundation
import Testing

/// A chunk-like subject with fixed metadata for evaluating filters.
private struct Subject: FilterSubject {
    var metadata: [String: JSONValue]

    func value(at path: [String]) -> JSONValue? {
        var current: JSONValue? = .object(metadata)
        for key in path { current = current?.object?[key] }
        return current
    }
}

private func json(_ text: String) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
}

private func matches(_ filter: String, _ metadata: [String: JSONValue]) throws -> Bool {
    try Filter.parse(json(filter)).matches(Subject(metadata: metadata))
}

@Suite struct FilterTests {
    let item: [String: JSONValue] = [
        "category": .string("science"),
        "year": .int(2021),
        "score": .double(4.5),
        "tags": .array([.string("ml"), .string("vectors")]),
        "title": .string("Vector databases in practice"),
        "author": .object(["name": .string("Ada"), "age": .int(36)]),
        "draft": .bool(false),
    ]

    @Test func equalityAndComparisons() async throws {
        #expect(try matches(#"{"category": "science"}"#, item))
        #expect(try !matches(#"{"category": "art"}"#, item))
        #expect(try matches(#"{"year": 2021.0}"#, item))
        #expect(try matches(#"{"year": {"$eq": 2021}}"#, item))
        #expect(try matches(#"{"year": {"$ne": 2020}}"#, item))
        #expect(try matches(#"{"year": {"$gt": 2020, "$lte": 2021}}"#, item))
        #expect(try !matches(#"{"year": {"$gt": 2021}}"#, item))
        #expect(try matches(#"{"score": {"$gte": 4.5, "$lt": 5}}"#, item))
        #expect(try matches(#"{"category": {"$gt": "art"}}"#, item))
        #expect(try !matches(#"{"category": {"$gt": 3}}"#, item), "a string never compares with a number")
        #expect(try matches(#"{"draft": false}"#, item))
    }

    @Test func setMembershipExistenceAndContains() async throws {
        #expect(try matches(#"{"category": {"$in": ["art", "science"]}}"#, item))
        #expect(try !matches(#"{"category": {"$nin": ["art", "science"]}}"#, item))
        #expect(try matches(#"{"missing": {"$nin": ["x"]}}"#, item), "$nin matches a missing field")
        #expect(try matches(#"{"missing": {"$ne": "x"}}"#, item), "$ne matches a missing field")
        #expect(try !matches(#"{"missing": {"$in": ["x"]}}"#, item))
        #expect(try matches(#"{"year": {"$exists": true}}"#, item))
        #expect(try matches(#"{"missing": {"$exists": false}}"#, item))
        #expect(try !matches(#"{"year": {"$exists": false}}"#, item))
        #expect(try matches(#"{"tags": {"$contains": "ml"}}"#, item))
        #expect(try !matches(#"{"tags": {"$contains": "art"}}"#, item))
        #expect(try matches(#"{"title": {"$contains": "databases"}}"#, item))
        #expect(try !matches(#"{"year": {"$contains": "20"}}"#, item))
    }

    @Test func logicalOperatorsAndDottedPaths() async throws {
        #expect(try matches(#"{"$and": [{"year": 2021}, {"category": "science"}]}"#, item))
        #expect(try !matches(#"{"$and": [{"year": 2021}, {"category": "art"}]}"#, item))
        #expect(try matches(#"{"$or": [{"year": 1999}, {"category": "science"}]}"#, item))
        #expect(try !matches(#"{"$or": [{"year": 1999}, {"category": "art"}]}"#, item))
        #expect(try matches(#"{"$not": {"category": "art"}}"#, item))
        #expect(try !matches(#"{"$not": {"category": "science"}}"#, item))
        #expect(try matches(#"{"author.name": "Ada", "author.age": {"$gte": 30}}"#, item))
        #expect(try !matches(#"{"author.name.first": "Ada"}"#, item))
        #expect(try matches(#"{}"#, item), "the empty filter matches everything")
        #expect(try matches(#"{"author": {"name": "Ada", "age": 36}}"#, item), "a plain object is compared whole")
    }

    @Test(arguments: [
        (#"{"year": {"$foo": 1}}"#, "unknown_filter_operator", "$foo"),
        (#"{"$nor": [{"year": 1}]}"#, "unknown_filter_operator", "$nor"),
        (#"{"year": {"$gt": 1, "plain": 2}}"#, "invalid_filter", "plain"),
        (#"{"$and": {"year": 1}}"#, "invalid_filter", "$and"),
        (#"{"$or": []}"#, "invalid_filter", "$or"),
        (#"{"year": {"$in": 3}}"#, "invalid_filter", "$in"),
        (#"{"year": {"$exists": "yes"}}"#, "invalid_filter", "$exists"),
        (#"{"year": {"$gt": [1]}}"#, "invalid_filter", "$gt"),
        (#"[1, 2]"#, "invalid_filter", "object"),
        (#"{"a..b": 1}"#, "invalid_filter", "a..b"),
        (#"{"created_at": {"$gt": "yesterday"}}"#, "invalid_filter", "yesterday"),
    ])
    func malformedFiltersAreRejectedByName(filter: String, code: String, named: String) throws {
        let error = try #require(throws: EngineError.self) { try Filter.parse(json(filter)) }
        #expect(error.code == code)
        #expect(error.kind == .invalidInput)
        #expect(error.message.contains(named), "\(error.message) should name \(named)")
    }

    @Test func deepNestingIsRejectedNotRecursed() async throws {
        var filter = #"{"a": 1}"#
        for _ in 0..<40 { filter = #"{"$not": "# + filter + "}" }
        let error = try #require(throws: EngineError.self) { try Filter.parse(json(filter)) }
        #expect(error.code == "invalid_filter")
    }

    @Test func createdAtTakesISO8601OrSeconds() async throws {
        let subject = Subject(metadata: ["created_at": .double(1_700_000_000)])
        #expect(try Filter.parse(json(#"{"created_at": {"$gt": "2023-01-01T00:00:00Z"}}"#)).matches(subject))
        #expect(try !Filter.parse(json(#"{"created_at": {"$gt": "2024-01-01"}}"#)).matches(subject))
        #expect(try Filter.parse(json(#"{"created_at": {"$lte": 1700000000}}"#)).matches(subject))
    }
}
