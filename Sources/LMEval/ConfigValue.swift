import JSON
import Python
import YAML

/// A value of a task config as lm-eval's YAML loader yields it: plain YAML data, or a
/// `!function module.name` reference that remembers the file it was written in.
public indirect enum ConfigValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([ConfigValue])
    case mapping(ConfigMapping)
    case function(FunctionReference)
}

/// An insertion-ordered mapping of config keys, with Python dict semantics for assignment.
public typealias ConfigMapping = PythonDict<ConfigValue>

extension ConfigValue {
    /// Converts a loaded YAML value; `!function` tags become references tied to `file`.
    public init(yaml: YAMLValue, file: String) {
        switch yaml {
        case .null: self = .null
        case let .bool(b): self = .bool(b)
        case let .int(i): self = .int(i)
        case let .double(d): self = .double(d)
        case let .string(s): self = .string(s)
        case let .sequence(items): self = .list(items.map { ConfigValue(yaml: $0, file: file) })
        case let .mapping(mapping):
            self = .mapping(ConfigMapping(mapping.entries.map { ($0.key, ConfigValue(yaml: $0.value, file: file)) }))
        case let .tagged(tag, value):
            if tag == "!function" || tag == "function" || tag.hasSuffix(":function") {
                self = .function(FunctionReference(expression: value, yamlFile: file))
            } else {
                // PyYAML's CLoader would refuse an unknown tag; keeping the text lets a config
                // still be listed, and resolution reports it.
                self = .string(value)
            }
        }
    }

    /// Converts document data (no functions possible).
    public init(json: JSONValue) {
        switch json {
        case .null: self = .null
        case let .bool(b): self = .bool(b)
        case let .int(i): self = .int(i)
        case let .double(d): self = .double(d)
        case let .string(s): self = .string(s)
        case let .array(items): self = .list(items.map(ConfigValue.init(json:)))
        case let .object(object): self = .mapping(ConfigMapping(object.pairs.map { ($0.key, ConfigValue(json: $0.value)) }))
        }
    }

    /// The value as JSON; a function becomes the string `!function module.name`, as the YAML spells it.
    public var json: JSONValue {
        switch self {
        case .null: .null
        case let .bool(b): .bool(b)
        case let .int(i): .int(i)
        case let .double(d): .double(d)
        case let .string(s): .string(s)
        case let .list(items): .array(items.map(\.json))
        case let .mapping(mapping): .object(mapping.json)
        case let .function(reference): .string("!function \(reference.expression)")
        }
    }

    public var stringValue: String? { if case let .string(s) = self { s } else { nil } }
    public var mappingValue: ConfigMapping? { if case let .mapping(m) = self { m } else { nil } }
    public var listValue: [ConfigValue]? { if case let .list(l) = self { l } else { nil } }
    public var functionValue: FunctionReference? { if case let .function(f) = self { f } else { nil } }
    public var isNull: Bool { if case .null = self { true } else { false } }

    /// Name of the type as Python would print it, for error messages.
    public var typeName: String {
        switch self {
        case .null: "None"
        case .bool: "bool"
        case .int: "int"
        case .double: "float"
        case .string: "str"
        case .list: "list"
        case .mapping: "dict"
        case .function: "function"
        }
    }

    /// Every function reference inside this value, depth first.
    public var functionReferences: [FunctionReference] {
        switch self {
        case let .function(reference): [reference]
        case let .list(items): items.flatMap(\.functionReferences)
        case let .mapping(mapping): mapping.entries.flatMap(\.value.functionReferences)
        default: []
        }
    }
}

extension ConfigMapping {
    /// The mapping as a JSON object (functions as `!function …` strings).
    public var json: JSONObject {
        JSONObject(entries.map { ($0.key, $0.value.json) })
    }
}
