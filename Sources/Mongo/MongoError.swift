internal import CMongoC

/// A failed MongoDB operation: what kind of failure, the server's code and labels, and a message.
public struct MongoError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure; extensible, compare with `==` against the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The kind, e.g. "connection" or "server".
        public let name: String
        /// The server's numeric error code, only for `.server(_:)`.
        public let serverCode: Int?

        /// A kind of failure; prefer the static members.
        public init(name: String, serverCode: Int? = nil) {
            self.name = name
            self.serverCode = serverCode
        }

        /// No server reachable: selection timed out, socket or DNS failure (retryable).
        public static let connection = Code(name: "connection")
        /// The connection string is malformed or names unknown options.
        public static let invalidURI = Code(name: "invalidURI")
        /// Credentials were rejected.
        public static let authentication = Code(name: "authentication")
        /// A write conflicted with a concurrent transaction (server code 112; retryable).
        public static let writeConflict = Code(name: "writeConflict")
        /// Any other error carrying the `TransientTransactionError` label (retryable).
        public static let transientTransaction = Code(name: "transientTransaction")
        /// A unique index rejected the write (server codes 11000, 11001, 12582).
        public static let duplicateKey = Code(name: "duplicateKey")
        /// A document could not be converted to or from BSON.
        public static let invalidDocument = Code(name: "invalidDocument")
        /// An argument was rejected by the driver before reaching the server.
        public static let invalidArgument = Code(name: "invalidArgument")
        /// The transaction or session is in the wrong state, or transactions are unsupported.
        public static let transaction = Code(name: "transaction")
        /// Any other driver-side failure (protocol, cursor, ...).
        public static let driver = Code(name: "driver")
        /// An error the server reported with this code.
        public static func server(_ code: Int) -> Code { Code(name: "server", serverCode: code) }

        /// `name`, with the server code in parentheses when there is one.
        public var description: String {
            if let serverCode { return "\(name)(\(serverCode))" }
            return name
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// libmongoc's or the server's explanation.
    public var message: String
    /// Error labels from the server reply, e.g. `TransientTransactionError`.
    public var labels: [String]
    /// The server's numeric code when the server produced the error (also for duplicate keys etc.).
    public var serverCode: Int?

    /// An error with the given parts.
    public init(code: Code, message: String, labels: [String] = [], serverCode: Int? = nil) {
        self.code = code
        self.message = message
        self.labels = labels
        self.serverCode = serverCode
    }

    /// True when the label is present on the error.
    public func hasLabel(_ label: String) -> Bool { labels.contains(label) }

    /// True when the same operation may succeed if tried again shortly (no server reachable, a
    /// write conflict, a transient-transaction or retryable-write label, a shutdown or election
    /// code). The one transient-error policy for MongoDB; callers decide retryability from it.
    public var isTransient: Bool {
        if [.connection, .writeConflict, .transientTransaction].contains(code) { return true }
        if labels.contains(where: Self.retryableLabels.contains) { return true }
        if let serverCode, Self.retryableServerCodes.contains(serverCode) { return true }
        return false
    }

    /// "MongoDB <code>: <message> [labels: …]".
    public var description: String {
        var text = "MongoDB \(code): \(message)"
        if !labels.isEmpty { text += " [labels: \(labels.joined(separator: ", "))]" }
        return text
    }

    static let retryableLabels: Set<String> = [
        "TransientTransactionError", "UnknownTransactionCommitResult", "RetryableWriteError",
    ]
    // The drivers' retryable-writes list: shutdowns, elections, network timeouts.
    static let retryableServerCodes: Set<Int> = [
        6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436,
    ]
}

extension MongoError {
    static func invalidDocument(_ message: String) -> MongoError {
        MongoError(code: .invalidDocument, message: message)
    }

    /// Classifies a libmongoc error; `reply` (when the call has one) supplies error labels.
    init(_ error: bson_error_t, reply: OpaquePointer? = nil) {
        let message = withUnsafeBytes(of: error.message) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
        let labels = reply.map(errorLabels(in:)) ?? []
        let domain = error.domain
        let number = Int(error.code)
        let code: Code
        var serverCode: Int?
        switch domain {
        case MONGOC_ERROR_STREAM.rawValue, MONGOC_ERROR_SERVER_SELECTION.rawValue:
            code = .connection
        case MONGOC_ERROR_CLIENT.rawValue where error.code == MONGOC_ERROR_CLIENT_AUTHENTICATE.rawValue:
            code = .authentication
        case MONGOC_ERROR_SERVER.rawValue, MONGOC_ERROR_WRITE_CONCERN.rawValue:
            serverCode = number
            code = Self.classifyServer(number, labels: labels)
        case MONGOC_ERROR_COMMAND.rawValue where error.code == MONGOC_ERROR_COMMAND_INVALID_ARG.rawValue:
            code = .invalidArgument
        case MONGOC_ERROR_BSON.rawValue:
            code = .invalidDocument
        case MONGOC_ERROR_TRANSACTION.rawValue:
            code = .transaction
        default:
            code = labels.contains("TransientTransactionError") ? .transientTransaction : .driver
        }
        self.init(code: code, message: message, labels: labels, serverCode: serverCode)
    }

    private static func classifyServer(_ number: Int, labels: [String]) -> Code {
        switch number {
        case 11000, 11001, 12582: return .duplicateKey
        case 112: return .writeConflict
        case 18: return .authentication
        default:
            return labels.contains("TransientTransactionError") ? .transientTransaction : .server(number)
        }
    }
}

/// The `errorLabels` array of a server reply.
func errorLabels(in reply: OpaquePointer) -> [String] {
    guard case let .array(values)? = try? BSONDecoder.decode(reply)["errorLabels"] else { return [] }
    return values.compactMap(\.stringValue)
}
