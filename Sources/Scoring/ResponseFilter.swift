import JSON
import Python
import PythonRegex

/// One step of an lm-eval filter pipeline (`filter_list[i].filter[j]`), built from its
/// `function` name and keyword arguments.
///
/// A step maps one instance's responses to a new value, as lm-eval's `Filter.apply` does for
/// each instance: the value starts as the list of responses (one per repeat); `take_first`
/// turns it into a single response, `take_first_k` / `majority_vote` keep a list.
public enum ResponseFilter: Sendable {
    /// `regex`: `re.findall`, match number `groupSelect` (negative from the end), the first
    /// non-empty group of a tuple, stripped; `fallback` when nothing matches.
    case regex(PythonRegex, groupSelect: Int, fallback: JSONValue)
    /// `take_first`: the first response.
    case takeFirst
    /// `take_first_k`: the first `k` responses.
    case takeFirstK(Int)
    /// `remove_whitespace`: `lstrip()` each response.
    case removeWhitespace
    /// `lowercase` / `uppercase`.
    case lowercase
    case uppercase
    /// `map`: `mapping_dict.get(response, default_value)`.
    case map([String: JSONValue], defaultValue: JSONValue)
    /// `majority_vote`: the most common response (first seen wins a tie), as a one-item list.
    case majorityVote
    /// `multi_choice_regex`: `regex`, then the document's `choices` text, then `: X` letters.
    case multiChoiceRegex(MultiChoiceRegex)
    /// `format_span`: lm-eval's NER span formatting.
    case formatSpan
    /// `replace_regex` (the original's babisteps tasks register it): `re.sub(pattern, replacement, response, count)`.
    case replaceRegex(PythonRegex, replacement: String, count: Int)

    /// The filter names this module implements, as lm-eval registers them.
    public static let supportedNames: Set<String> = [
        "regex", "take_first", "take_first_k", "remove_whitespace", "lowercase", "uppercase", "map",
        "majority_vote", "multi_choice_regex", "format_span", "replace_regex",
    ]

    /// Builds a step from lm-eval's `{function, …kwargs}`; unknown names and arguments are errors.
    public init(function: String, arguments: JSONObject, task: String) throws(ScoringError) {
        let args = Arguments(arguments, function: function, task: task)
        switch function {
        case "regex":
            try args.allow(["regex_pattern", "group_select", "fallback"])
            self = .regex(try args.regex("regex_pattern", default: #"#### (\-?[0-9\.\,]+)"#),
                          groupSelect: try args.int("group_select", default: 0),
                          fallback: args.value("fallback") ?? .string("[invalid]"))
        case "take_first":
            try args.allow([])
            self = .takeFirst
        case "take_first_k":
            try args.allow(["k"])
            guard args.value("k") != nil else { throw args.error("needs the argument 'k'") }
            self = .takeFirstK(try args.int("k", default: 0))
        case "remove_whitespace":
            try args.allow([])
            self = .removeWhitespace
        case "lowercase":
            try args.allow([])
            self = .lowercase
        case "uppercase":
            try args.allow([])
            self = .uppercase
        case "map":
            try args.allow(["mapping_dict", "default_value"])
            var mapping: [String: JSONValue] = [:]
            switch args.value("mapping_dict") {
            case nil, .null?: break
            case let .object(o)?: for (key, value) in o { mapping[key] = value }
            default: throw args.error("'mapping_dict' must be a mapping")
            }
            self = .map(mapping, defaultValue: args.value("default_value") ?? .null)
        case "majority_vote":
            try args.allow([])
            self = .majorityVote
        case "multi_choice_regex":
            try args.allow(["regex_pattern", "group_select", "fallback", "ignore_case", "ignore_punctuation", "regexes_to_ignore"])
            self = .multiChoiceRegex(MultiChoiceRegex(
                regex: try args.regex("regex_pattern", default: #"#### (\-?[0-9\.\,]+)"#),
                groupSelect: try args.int("group_select", default: 0),
                fallback: args.value("fallback") ?? .string("[invalid]"),
                ignoreCase: try args.bool("ignore_case", default: false),
                ignorePunctuation: try args.bool("ignore_punctuation", default: false),
                regexesToIgnore: try args.regexList("regexes_to_ignore")))
        case "format_span":
            try args.allow([])
            self = .formatSpan
        case "replace_regex":
            try args.allow(["regex_pattern", "replacement_string", "count"])
            guard args.value("regex_pattern") != nil else { throw args.error("needs the argument 'regex_pattern'") }
            let replacement: String
            switch args.value("replacement_string") {
            case nil: replacement = ""
            case let .string(s)?: replacement = s
            case let v?: throw args.error("'replacement_string' must be a string, got \(PythonValue.repr(v))")
            }
            let regex = try args.regex("regex_pattern", default: "")
            // re.sub checks the template when it runs; checking it here makes a bad one a configuration error.
            do { _ = try regex.sub(replacement, in: "") } catch {
                throw args.error("'replacement_string' is not a valid replacement: \(error)")
            }
            self = .replaceRegex(regex, replacement: replacement, count: try args.int("count", default: 0))
        case "custom":
            throw args.error("is a Python `filter_fn`; custom filters are not run natively")
        default:
            throw ScoringError(.configuration, task: task, "unknown filter '\(function)' (supported: \(Self.supportedNames.sorted().joined(separator: ", ")))")
        }
    }

    /// Applies the step to one instance's value; `doc` is the instance's document.
    func apply(_ value: JSONValue, doc: JSONObject, task: String) throws(ScoringError) -> JSONValue {
        func strings(_ value: JSONValue, _ name: String) throws(ScoringError) -> [String] {
            var out: [String] = []
            for item in try Self.elements(of: value, filter: name, task: task) {
                guard case let .string(s) = item else {
                    throw ScoringError(.sample, task: task, "filter '\(name)' needs strings, got \(item.typeName) \(PythonValue.repr(item))")
                }
                out.append(s)
            }
            return out
        }
        switch self {
        case let .regex(regex, groupSelect, fallback):
            return .array(try strings(value, "regex").map { (s) throws(ScoringError) -> JSONValue in
                try RegexExtraction.extract(regex, from: s, groupSelect: groupSelect, task: task).map { .string($0) } ?? fallback
            })
        case .takeFirst:
            let items = try Self.elements(of: value, filter: "take_first", task: task)
            guard let first = items.first else { throw ScoringError(.sample, task: task, "take_first: an instance has no responses") }
            return first
        case let .takeFirstK(k):
            let items = try Self.elements(of: value, filter: "take_first_k", task: task)
            guard items.count >= k else {
                throw ScoringError(.sample, task: task, "take_first_k needs at least \(k) responses per doc, got \(items.count); increase repeats")
            }
            return .array(Array(items.prefix(max(k, 0))))
        case .removeWhitespace:
            return .array(try strings(value, "remove_whitespace").map { .string(PyText.lstrip($0)) })
        case .lowercase:
            return .array(try strings(value, "lowercase").map { .string($0.lowercased()) })
        case .uppercase:
            return .array(try strings(value, "uppercase").map { .string($0.uppercased()) })
        case let .map(mapping, defaultValue):
            return .array(try Self.elements(of: value, filter: "map", task: task).map { item in
                if case let .string(s) = item, let mapped = mapping[s] { return mapped }
                return defaultValue
            })
        case .majorityVote:
            let items = try Self.elements(of: value, filter: "majority_vote", task: task)
            var counts: [JSONValue: Int] = [:]
            var order: [JSONValue] = []
            for item in items {
                if counts[item] == nil { order.append(item) }
                counts[item, default: 0] += 1
            }
            // Counter.most_common(1): the highest count, the first seen among equals.
            guard let top = counts.values.max(), let winner = order.first(where: { counts[$0] == top }) else {
                throw ScoringError(.sample, task: task, "majority_vote: an instance has no responses")
            }
            return .array([winner])
        case let .multiChoiceRegex(filter):
            return .array(try strings(value, "multi_choice_regex").map { (s) throws(ScoringError) -> JSONValue in
                try filter.extract(from: s, doc: doc, task: task)
            })
        case .formatSpan:
            return .array(try strings(value, "format_span").map { .string(SpanFormatter.format($0)) })
        case let .replaceRegex(regex, replacement, count):
            return .array(try strings(value, "replace_regex").map { (s) throws(ScoringError) -> JSONValue in
                do {
                    return .string(try regex.sub(replacement, in: s, count: count))
                } catch {
                    throw ScoringError(.sample, task: task, "replace_regex: \(error)")
                }
            })
        }
    }

    /// `for resp in inst`: a list's items, a string's characters, a mapping's keys.
    static func elements(of value: JSONValue, filter: String, task: String) throws(ScoringError) -> [JSONValue] {
        switch value {
        case let .array(items): return items
        case let .string(s): return s.unicodeScalars.map { .string(String($0)) }
        case let .object(o): return o.keys.map { .string($0) }
        default: throw ScoringError(.sample, task: task, "filter '\(filter)' cannot iterate over \(value.typeName) \(PythonValue.repr(value))")
        }
    }
}

/// lm-eval's `RegexFilter` match selection, shared with `multi_choice_regex`.
enum RegexExtraction {
    /// `findall`, item `groupSelect`, first non-empty group of a tuple, stripped; `nil` when
    /// nothing matched or every group of the chosen tuple is empty.
    static func extract(_ regex: PythonRegex, from text: String, groupSelect: Int, task: String) throws(ScoringError) -> String? {
        let found = regex.findall(text)
        guard !found.isEmpty else { return nil }
        let index = groupSelect < 0 ? found.count + groupSelect : groupSelect
        guard index >= 0, index < found.count else {
            throw ScoringError(.sample, task: task, "regex filter: group_select \(groupSelect) is out of range for \(found.count) match(es) of \(regex.pattern)")
        }
        switch found[index] {
        case let .string(s):
            return PyText.strip(s)
        case let .tuple(groups):
            guard let first = groups.first(where: { !$0.isEmpty }) else { return nil }
            return PyText.strip(first)
        }
    }
}

/// Reads a filter's or metric's keyword arguments with lm-eval's defaults.
struct Arguments {
    let object: JSONObject
    let function: String
    let task: String

    init(_ object: JSONObject, function: String, task: String) {
        self.object = object
        self.function = function
        self.task = task
    }

    func error(_ message: String) -> ScoringError {
        ScoringError(.configuration, task: task, "'\(function)' \(message)")
    }

    func allow(_ names: Set<String>) throws(ScoringError) {
        if let unknown = object.keys.first(where: { !names.contains($0) }) {
            throw error("got an unexpected argument '\(unknown)'")
        }
    }

    func value(_ key: String) -> JSONValue? { object[key] }

    func int(_ key: String, default fallback: Int) throws(ScoringError) -> Int {
        guard let v = object[key], !v.isNull else { return fallback }
        if case .bool = v { throw error("'\(key)' must be an integer, got \(PythonValue.repr(v))") }
        guard let i = v.intValue else { throw error("'\(key)' must be an integer, got \(PythonValue.repr(v))") }
        return i
    }

    func bool(_ key: String, default fallback: Bool) throws(ScoringError) -> Bool {
        guard let v = object[key], !v.isNull else { return fallback }
        switch v {
        case let .bool(b): return b
        case let .int(i): return i != 0
        case let .string(s): return !s.isEmpty
        default: throw error("'\(key)' must be true or false, got \(PythonValue.repr(v))")
        }
    }

    func regex(_ key: String, default fallback: String) throws(ScoringError) -> PythonRegex {
        let pattern: String
        switch object[key] {
        case nil, .null?: pattern = fallback
        case let .string(s)?: pattern = s
        case let v?: throw error("'\(key)' must be a string, got \(PythonValue.repr(v))")
        }
        do {
            return try PythonRegex(pattern)
        } catch {
            throw self.error("'\(key)': \(error)")
        }
    }

    /// A list of patterns, or `nil` when the argument is absent (lm-eval's `None`).
    func regexList(_ key: String) throws(ScoringError) -> [PythonRegex]? {
        switch object[key] {
        case nil, .null?: return nil
        case let .array(items)?:
            var out: [PythonRegex] = []
            for item in items {
                guard case let .string(pattern) = item else { throw error("'\(key)' must be a list of strings") }
                do {
                    out.append(try PythonRegex(pattern))
                } catch {
                    throw self.error("'\(key)': \(error)")
                }
            }
            return out
        case let .string(pattern)?:
            // lm-eval iterates the value: a bare string would be read character by character.
            throw error("'\(key)' must be a list of patterns, got the string \(PythonValue.repr(pattern))")
        case let v?: throw error("'\(key)' must be a list of strings, got \(PythonValue.repr(v))")
        }
    }
}
