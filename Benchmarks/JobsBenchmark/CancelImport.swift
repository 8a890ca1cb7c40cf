import Foundation
import NIOHTTP1

/// Part 3: a 100,000-document `batch_import` (short texts, embedded by the server's hash
/// embedder) cancelled once 1,000 are stored: the time from the DELETE being sent to the job
/// reading `cancelled`, and whether any document was stored after that.
func measureCancel(api: APIClient, documents count: Int) async throws {
    let library = try await api.createLibrary(name: "cancel", dimension: 384)
    let documents = (0..<count).map { #"{"text": "document number \#($0) of the cancelled import"}"# }.joined(separator: ",")
    let submitted = try await api.expect(202, .POST, "/v1/jobs/batch_import", #"{"library_id": "\#(library)", "documents": [\#(documents)]}"#)
    let job = submitted.object["job_id"] as? String ?? ""
    while number(try await api.send(.GET, "/v1/jobs/\(job)").object["progress_detail"].flatMap { ($0 as? [String: Any])?["current"] }) ?? 0 < 1000 {
        try await Task.sleep(for: .milliseconds(5))
    }
    let asked = ContinuousClock.now
    _ = try await api.expect(200, .DELETE, "/v1/jobs/\(job)")
    var status = ""
    while status != "cancelled" {
        status = try await api.send(.GET, "/v1/jobs/\(job)").object["status"] as? String ?? ""
        if ["completed", "failed"].contains(status) { throw UnexpectedAnswer(description: "the import ended \(status), not cancelled") }
    }
    let elapsed = ContinuousClock.now - asked
    func stored() async throws -> Int {
        Int(number(try await api.send(.GET, "/v1/libraries/\(library)/statistics").object["document_count"]) ?? -1)
    }
    let atCancel = try await stored()
    try await Task.sleep(for: .milliseconds(500))
    let later = try await stored()
    print("\n### 3. Cancel a \(count)-document import after 1,000 are stored\n")
    print("| DELETE sent → status cancelled ms | documents stored at cancel | 500 ms later |")
    print("| ---: | ---: | ---: |")
    print("| \(String(format: "%.1f", Double(elapsed / .microseconds(1)) / 1000)) | \(atCancel) | \(later) |")
    print(elapsed < .seconds(1) && later == atCancel
        ? "PASS: cancelled within 1 s and nothing stored after" : "FAIL: the issue requires cancelled within 1 s and nothing stored after")
}
