import JSON

/// A file format the readers understand.
public enum DatasetFileFormat: String, Sendable, CaseIterable {
    case jsonl, json, csv

    /// The format a file name's extension says, or nil.
    public init?(fileName: String) {
        guard let dot = fileName.lastIndex(of: ".") else { return nil }
        switch fileName[fileName.index(after: dot)...].lowercased() {
        case "jsonl", "ndjson": self = .jsonl
        case "json": self = .json
        case "csv": self = .csv
        default: return nil
        }
    }
}

/// One split stored in local files, read one after the other in the given order.
public struct SplitFiles: Sendable, Equatable {
    public var split: String
    /// Absolute or working-directory-relative paths, in reading order.
    public var paths: [String]
    /// The key holding the rows inside `.json` files (HF's `field`), if any.
    public var field: String?

    public init(split: String, paths: [String], field: String? = nil) {
        self.split = split
        self.paths = paths
        self.field = field
    }

    /// True when every file is JSON Lines (the loader's byte-level fast path applies).
    var isJSONLinesOnly: Bool {
        paths.allSatisfy { DatasetFileFormat(fileName: $0.split(separator: "/").last.map(String.init) ?? $0) == .jsonl }
    }

    /// A fresh reader over all rows of the split, in file order.
    public func openReader() throws(DatasetError) -> MultiFileRowReader {
        try MultiFileRowReader(paths: paths, field: field)
    }
}

/// Concatenates the rows of several files, choosing each file's reader from its extension.
public struct MultiFileRowReader: RowReader {
    private var remaining: [String]
    private let field: String?
    private var current: (any RowReader)?

    public init(paths: [String], field: String? = nil) throws(DatasetError) {
        self.remaining = paths.reversed()
        self.field = field
    }

    public mutating func next() throws(DatasetError) -> JSONObject? {
        while true {
            if current != nil {
                // Optional chaining mutates the reader in place (no copy of the existential box per row).
                if let row = try current?.next() ?? nil { return row }
                current = nil
            }
            guard let path = remaining.popLast() else { return nil }
            current = try Self.open(path, field: field)
        }
    }

    static func open(_ path: String, field: String?) throws(DatasetError) -> any RowReader {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        switch DatasetFileFormat(fileName: name) {
        case .jsonl?: return try JSONLinesReader(path: path)
        case .json?: return try JSONFileReader(path: path, field: field)
        case .csv?: return try CSVReader(path: path)
        case nil:
            throw DatasetError(.malformedFile(file: path, reason: "unsupported file type; use .jsonl, .json or .csv"))
        }
    }
}
