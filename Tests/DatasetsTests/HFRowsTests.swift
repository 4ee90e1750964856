import Foundation
import JSON
import TestSupport
import Testing
@testable import Datasets

/// A dataset of `total` rows in the rows-API shape, with pages of `pageLength`.
private func rowsPage(offset: Int, length: Int, total: Int) -> String {
    let end = min(offset + length, total)
    let rows = (offset..<max(offset, end)).map { i in
        "{\"row_idx\":\(i),\"row\":{\"question\":\"q\(i)\",\"answer\":\(i * 2),\"options\":[\"a\",\"b\"]},\"truncated_cells\":[]}"
    }
    return """
    {"features":[{"feature_idx":0,"name":"question","type":{"dtype":"string","_type":"Value"}},\
    {"feature_idx":1,"name":"answer","type":{"dtype":"int64","_type":"Value"}},\
    {"feature_idx":2,"name":"options","type":{"feature":{"dtype":"string","_type":"Value"},"_type":"Sequence"}}],\
    "rows":[\(rows.joined(separator: ","))],"num_rows_total":\(total),"num_rows_per_page":100,"partial":false}
    """
}

private let splitsBody = """
{"splits":[{"dataset":"org/tiny","config":"main","split":"train"},{"dataset":"org/tiny","config":"main","split":"test"},\
{"dataset":"org/tiny","config":"other","split":"test"}],"pending":[],"failed":[]}
"""

@Suite("Datasets-server rows API")
struct HFRowsTests {
    static func server() throws -> TestHTTPServer {
        try TestHTTPServer { request in
            switch request.path {
            case "/splits": return .json(200, splitsBody)
            case "/rows":
                let offset = Int(request.query["offset"] ?? "") ?? 0
                let length = Int(request.query["length"] ?? "") ?? 100
                let total = request.query["split"] == "train" ? 7 : 250
                return .json(200, rowsPage(offset: offset, length: length, total: total))
            default: return .json(404, "{\"error\":\"not found\"}")
            }
        }
    }

    @Test("pages across three pages in order, with the bearer token, and spools to local files")
    func paging() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let configuration = HFRowsClient.Configuration(baseURL: server.baseURL, token: "hf_secret", timeout: 5)
        let source = try DatasetSource.resolve(DatasetReference(path: "org/tiny", name: "main"), options: DatasetSourceOptions(huggingFace: configuration))
        let local = try await source.materialize(splits: ["test"])
        defer { local.removeTemporaryFiles() }
        #expect(local.splits.map(\.split) == ["test"])
        let rows = try readAll(local.splits[0].openReader())
        #expect(rows.count == 250)
        #expect(rows.enumerated().allSatisfy { $0.element["question"] == .string("q\($0.offset)") && $0.element["answer"] == .int($0.offset * 2) })
        #expect(rows[0].keys == ["question", "answer", "options"])
        let rowRequests = server.requests.filter { $0.path == "/rows" }
        #expect(rowRequests.map { $0.query["offset"] } == ["0", "100", "200"])
        #expect(rowRequests.allSatisfy { $0.query["dataset"] == "org/tiny" && $0.query["config"] == "main" && $0.query["length"] == "100" })
        #expect(server.requests.allSatisfy { $0.headers["authorization"] == "Bearer hf_secret" })
        if let directory = local.temporaryDirectory {
            local.removeTemporaryFiles()
            #expect(!FileManager.default.fileExists(atPath: directory))
        }
    }

    @Test("all splits of the named config in server order")
    func splits() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let source = DatasetSource.huggingFace(dataset: "org/tiny", config: "main", .init(baseURL: server.baseURL, timeout: 5))
        let local = try await source.materialize()
        defer { local.removeTemporaryFiles() }
        #expect(local.splits.map(\.split) == ["train", "test"])
        #expect(try readAll(local.splits[0].openReader()).count == 7)
        #expect(server.requests.allSatisfy { $0.headers["authorization"] == nil })
    }

    @Test("several configs and no dataset_name is a clear error")
    func ambiguousConfig() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let source = DatasetSource.huggingFace(dataset: "org/tiny", config: nil, .init(baseURL: server.baseURL, timeout: 5))
        let error = await #expect(throws: DatasetError.self) { _ = try await source.materialize() }
        #expect(error?.description.contains("main, other") == true)
        #expect(error?.isRetryable == false)
    }

    @Test("HTTP 500 is retryable, after the configured attempts")
    func serverError() async throws {
        let server = try TestHTTPServer { _ in .json(500, "{\"error\":\"boom\"}") }
        defer { server.stop() }
        let client = HFRowsClient(.init(baseURL: server.baseURL, timeout: 5, maxAttempts: 2, retryDelay: 0.01))
        let error = await #expect(throws: DatasetError.self) { _ = try await client.rows(dataset: "d", config: "c", split: "s", offset: 0) }
        #expect(error?.isRetryable == true)
        guard case .serverUnavailable? = error?.kind else { Issue.record("wrong error \(String(describing: error))"); return }
        #expect(server.requests.count == 2)
    }

    @Test("HTTP 404 is not retryable and not retried")
    func notFound() async throws {
        let server = try TestHTTPServer { _ in .json(404, "{\"error\":\"The dataset does not exist.\"}") }
        defer { server.stop() }
        let client = HFRowsClient(.init(baseURL: server.baseURL, timeout: 5, maxAttempts: 3, retryDelay: 0.01))
        let error = await #expect(throws: DatasetError.self) { _ = try await client.splits(dataset: "nope") }
        #expect(error?.isRetryable == false)
        guard case let .httpStatus(_, status, body)? = error?.kind else { Issue.record("wrong error"); return }
        #expect(status == 404)
        #expect(body.contains("does not exist"))
        #expect(server.requests.count == 1)
    }

    @Test("a body that is not the API's JSON is not retryable", arguments: ["not json", "[1]", "{\"rows\": []}"])
    func badJSON(_ body: String) async throws {
        let server = try TestHTTPServer { _ in .json(200, body) }
        defer { server.stop() }
        let client = HFRowsClient(.init(baseURL: server.baseURL, timeout: 5, maxAttempts: 3, retryDelay: 0.01))
        let error = await #expect(throws: DatasetError.self) { _ = try await client.rows(dataset: "d", config: "c", split: "s", offset: 0) }
        #expect(error?.isRetryable == false)
        guard case .badResponse? = error?.kind else { Issue.record("wrong error"); return }
    }

    @Test("a server that never answers times out as retryable")
    func timeout() async throws {
        let server = try TestHTTPServer { _ in .hang }
        defer { server.stop() }
        let client = HFRowsClient(.init(baseURL: server.baseURL, timeout: 1, maxAttempts: 1))
        let error = await #expect(throws: DatasetError.self) { _ = try await client.splits(dataset: "d") }
        #expect(error?.isRetryable == true)
    }

    @Test("an unreachable server is retryable")
    func unreachable() async throws {
        let server = try TestHTTPServer { _ in .hang }
        let url = server.baseURL
        server.stop() // nothing listens on the port any more
        let client = HFRowsClient(.init(baseURL: url, timeout: 2, maxAttempts: 1))
        let error = await #expect(throws: DatasetError.self) { _ = try await client.splits(dataset: "d") }
        #expect(error?.isRetryable == true)
    }

    @Test("truncated cells are refused rather than stored cut")
    func truncated() async throws {
        let body = "{\"rows\":[{\"row_idx\":0,\"row\":{\"a\":\"x\"},\"truncated_cells\":[\"a\"]}],\"num_rows_total\":1}"
        let server = try TestHTTPServer { _ in .json(200, body) }
        defer { server.stop() }
        let client = HFRowsClient(.init(baseURL: server.baseURL, timeout: 5))
        let error = await #expect(throws: DatasetError.self) { _ = try await client.rows(dataset: "d", config: "c", split: "s", offset: 0) }
        #expect(error?.description.contains("truncated") == true)
    }
}
