import Python

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
public typealias YAMLMapping = PythonDict<YAMLValue>

/// A YAML syntax or structure error, with the position libyaml reported (1-based).
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String?
    /// 1-based; 0 when the error has no position (e.g. the file could not be read).
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String?, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        let place = file ?? "<string>"
        return line > 0 ? "\(place):\(line):\(column): \(message)" : "\(place): \(message)"
    }
}
