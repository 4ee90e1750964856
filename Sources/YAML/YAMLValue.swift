/// A YAML value resolved the way PyYAML's loader resolves plain scalars (YAML 1.1 rules:
/// `yes`/`on` are booleans, `1e3` without a dot is a string, `~` is null, ...).
public enum YAMLValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case sequence([YAMLValue])
    case mapping(YAMLMapping)
    /// A scalar with an application tag other than the standard ones, e.g. `!function utils.process_docs`.
    case tagged(tag: String, value: String)
}

/// An insertion-ordered YAML mapping with string keys (non-string keys are stringified as PyYAML would print them).
public struct YAMLMapping: Sendable, Hashable {
    public private(set) var entries: [(key: String, value: YAMLValue)] = []

    public init() {}

    public init(_ entries: [(key: String, value: YAMLValue)]) {
        for (key, value) in entries { self[key] = value }
    }

    public var keys: [String] { entries.map(\.key) }

    /// Later assignment to an existing key replaces its value in place, as a Python dict does.
    public subscript(key: String) -> YAMLValue? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    public static func == (lhs: YAMLMapping, rhs: YAMLMapping) -> Bool {
        lhs.entries.count == rhs.entries.count && lhs.entries.allSatisfy { rhs[$0.key] == $0.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(entries.count)
        for key in keys.sorted() { hasher.combine(key); hasher.combine(self[key]) }
    }
}

/// A YAML syntax or structure error, with the position libyaml reported (1-based).
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String?
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String?, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(file ?? "<string>"):\(line):\(column): \(message)" }
}

/// Parses YAML text into `YAMLValue` documents.
public enum YAMLLoader {
    /// Parses the single document in `text`; an empty stream gives `.null`.
    public static func load(_ text: String, file: String? = nil) throws(YAMLError) -> YAMLValue {
        throw YAMLError(file: file, line: 0, column: 0, message: "YAML loading is not implemented yet")
    }

    /// Reads and parses the file at `path`.
    public static func load(contentsOfFile path: String) throws(YAMLError) -> YAMLValue {
        throw YAMLError(file: path, line: 0, column: 0, message: "YAML loading is not implemented yet")
    }
}
