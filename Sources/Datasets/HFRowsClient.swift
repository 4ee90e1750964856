import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import JSON

/// One split as the datasets-server lists it.
public struct HFSplitInfo: Sendable, Equatable {
    public var dataset: String
    public var config: String
    public var split: String
}

/// One page of the datasets-server rows API.
public struct HFRowsPage: Sendable, Equatable {
    public var rows: [JSONObject]
    /// `row_idx` of the first row.
    public var offset: Int
    public var numRowsTotal: Int
}

/// A client of the Hugging Face datasets-server (`/splits`, `/rows`).
public struct HFRowsClient: Sendable {
    /// Where the server is and how to talk to it.
    public struct Configuration: Sendable {
        public var baseURL: String
        /// Sent as `Authorization: Bearer <token>` when set.
        public var token: String?
        /// Seconds before a request counts as failed (retryable).
        public var timeout: Double
        /// Rows per page (the server allows at most 100).
        public var pageLength: Int
        /// Tries per request for retryable failures, with a doubling pause from `retryDelay` seconds.
        public var maxAttempts: Int
        public var retryDelay: Double

        public init(baseURL: String = "https://datasets-server.huggingface.co", token: String? = nil, timeout: Double = 60,
                    pageLength: Int = 100, maxAttempts: Int = 3, retryDelay: Double = 0.5)
        {
            self.baseURL = baseURL
            self.token = token
            self.timeout = timeout
            self.pageLength = pageLength
            self.maxAttempts = maxAttempts
            self.retryDelay = retryDelay
        }
    }

    public let configuration: Configuration
    private let session: URLSession

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.timeoutIntervalForRequest = configuration.timeout
        sessionConfiguration.timeoutIntervalForResource = configuration.timeout
        sessionConfiguration.requestCachePolicy = .reloadIgnoringLocalCacheData
        sessionConfiguration.urlCache = nil
        self.session = URLSession(configuration: sessionConfiguration)
    }

    /// The dataset's splits over all configs, in server order.
    public func splits(dataset: String) async throws(DatasetError) -> [HFSplitInfo] {
        let url = try makeURL("splits", [("dataset", dataset)])
        let body = try await get(url)
        guard case let .array(entries)? = body["splits"] else {
            throw DatasetError(.badResponse(url: url.absoluteString, reason: "no 'splits' array"))
        }
        var result: [HFSplitInfo] = []
        for entry in entries {
            guard let config = entry["config"]?.stringValue, let split = entry["split"]?.stringValue else {
                throw DatasetError(.badResponse(url: url.absoluteString, reason: "a split entry lacks 'config' or 'split'"))
            }
            result.append(HFSplitInfo(dataset: entry["dataset"]?.stringValue ?? dataset, config: config, split: split))
        }
        return result
    }

    /// One page of rows starting at `offset`.
    public func rows(dataset: String, config: String, split: String, offset: Int) async throws(DatasetError) -> HFRowsPage {
        let url = try makeURL("rows", [
            ("dataset", dataset), ("config", config), ("split", split),
            ("offset", String(offset)), ("length", String(configuration.pageLength)),
        ])
        let body = try await get(url)
        guard let total = body["num_rows_total"]?.intValue else {
            throw DatasetError(.badResponse(url: url.absoluteString, reason: "no integer 'num_rows_total'"))
        }
        guard case let .array(entries)? = body["rows"] else {
            throw DatasetError(.badResponse(url: url.absoluteString, reason: "no 'rows' array"))
        }
        var rows: [JSONObject] = []
        rows.reserveCapacity(entries.count)
        for (i, entry) in entries.enumerated() {
            guard case let .object(row)? = entry["row"] else {
                throw DatasetError(.badResponse(url: url.absoluteString, reason: "entry \(i) has no 'row' object"))
            }
            if let index = entry["row_idx"]?.intValue, index != offset + i {
                throw DatasetError(.badResponse(url: url.absoluteString, reason: "row_idx \(index) where \(offset + i) was expected"))
            }
            if case let .array(truncated)? = entry["truncated_cells"], !truncated.isEmpty {
                let names = truncated.compactMap(\.stringValue).joined(separator: ", ")
                throw DatasetError(.badResponse(url: url.absoluteString, reason: "row \(offset + i) has truncated cells (\(names)); the datasets-server cuts large cells, put the dataset in datasets_dir instead"))
            }
            rows.append(row)
        }
        return HFRowsPage(rows: rows, offset: offset, numRowsTotal: total)
    }

    private func makeURL(_ endpoint: String, _ query: [(String, String)]) throws(DatasetError) -> URL {
        let base = configuration.baseURL.hasSuffix("/") ? String(configuration.baseURL.dropLast()) : configuration.baseURL
        guard var components = URLComponents(string: base + "/" + endpoint) else {
            throw DatasetError(.invalidArgument(key: "datasets_server_url", reason: "'\(configuration.baseURL)' is not a URL"))
        }
        components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) }
        // URLComponents leaves '+' and '/' alone; encode them so dataset ids survive the query string.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        guard let url = components.url else {
            throw DatasetError(.invalidArgument(key: "datasets_server_url", reason: "cannot build a URL from '\(configuration.baseURL)'"))
        }
        return url
    }

    /// GETs `url` and parses a JSON object, retrying retryable failures.
    private func get(_ url: URL) async throws(DatasetError) -> JSONValue {
        var attempt = 1
        var delay = configuration.retryDelay
        while true {
            do throws(DatasetError) {
                return try await getOnce(url)
            } catch where error.isRetryable && attempt < configuration.maxAttempts {
                attempt += 1
                try? await Task.sleep(nanoseconds: UInt64(max(0, delay) * 1_000_000_000))
                delay *= 2
            }
        }
    }

    private func getOnce(_ url: URL) async throws(DatasetError) -> JSONValue {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: configuration.timeout)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let token = configuration.token, !token.isEmpty {
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw DatasetError(.serverUnavailable(url: url.absoluteString, reason: "\(error.localizedDescription)"))
        }
        guard let http = response as? HTTPURLResponse else {
            throw DatasetError(.badResponse(url: url.absoluteString, reason: "not an HTTP response"))
        }
        let bytes = [UInt8](data)
        if http.statusCode >= 500 {
            throw DatasetError(.serverUnavailable(url: url.absoluteString, reason: "HTTP \(http.statusCode)"))
        }
        guard (200..<300).contains(http.statusCode) else {
            let snippet = String(decoding: bytes.prefix(300), as: UTF8.self)
            throw DatasetError(.httpStatus(url: url.absoluteString, status: http.statusCode, body: snippet))
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw DatasetError(.badResponse(url: url.absoluteString, reason: error.description))
        }
        guard case .object = value else {
            throw DatasetError(.badResponse(url: url.absoluteString, reason: "expected a JSON object, found \(value.typeName)"))
        }
        return value
    }
}
