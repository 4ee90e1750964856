import JSON

/// A compiled Jinja2 template, rendered with Python/Jinja2 semantics as lm-eval configures
/// them: StrictUndefined, `keep_trailing_newline=True`, plus a `regex_replace` filter.
///
/// Known divergences from Jinja2 3.1 (none occurs in lm-eval 0.4.9's task templates):
/// - Integers are 64-bit; a result Python would keep as a big integer is a `.runtime` error.
/// - Lazy Python objects are materialised as lists: `{{ d.keys() }}`, `{{ range(3) }}` and
///   `{{ xs|map('upper') }}` print `['a']`, `[0, 1, 2]`, `['A']` rather than `dict_keys([...])`,
///   `range(0, 3)` or `<generator object …>`; methods print without a memory address.
/// - Values are immutable: list/dict mutators, `namespace()`, macros, `call`/`filter`/`with`
///   blocks, includes, recursive loops and a few rare filters (`tojson`, `dictsort`, `groupby`,
///   …) raise `.unsupported`.
/// - `regex_replace` runs Python patterns on ICU (see the `PythonRegex` module): `\w` also matches combining
///   marks and `\s` misses U+001C–U+001F.
/// - Case mapping and `isprintable` follow Swift's Unicode tables, which may differ from the
///   running Python's for recently assigned characters.
public struct JinjaTemplate: Sendable {
    /// The name used in error messages (e.g. "gsm8k: doc_to_text").
    public let name: String
    public let source: String
    /// The ceilings this template is parsed and rendered under.
    public let limits: JinjaLimits
    private let body: [Node]

    /// Compiles `source`; syntax errors and nesting beyond `limits.maxNesting` are thrown here, not at render time.
    public init(_ source: String, name: String = "<template>", limits: JinjaLimits = .default) throws(JinjaError) {
        self.name = name
        self.source = source
        self.limits = limits
        do {
            body = try Parser.parse(source, maxNesting: limits.maxNesting)
        } catch {
            throw JinjaError(template: name, kind: error.kind, message: error.message, line: error.line)
        }
    }

    /// Renders with the given variables (a document's fields, for lm-eval).
    public func render(_ context: JSONObject) throws(JinjaError) -> String {
        var renderer = Renderer(document: context, limits: limits)
        var out = ""
        do {
            try renderer.render(body, into: &out)
        } catch {
            throw JinjaError(template: name, kind: error.kind, message: error.message, line: renderer.line)
        }
        return out
    }
}

/// A template that failed to compile or render.
public struct JinjaError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case syntax
        /// A name that is not defined (StrictUndefined); the message names it.
        case undefined
        /// A type or value error a Python Jinja2 render would also raise.
        case runtime
        /// A construct this implementation does not support.
        case unsupported
        /// The template nests deeper, or renders more, than its `JinjaLimits` allow; the message names the limit.
        case limit
    }

    public var template: String
    public var kind: Kind
    public var message: String
    public var line: Int?

    public init(template: String, kind: Kind, message: String, line: Int? = nil) {
        self.template = template
        self.kind = kind
        self.message = message
        self.line = line
    }

    public var description: String {
        "template \(template)\(line.map { " line \($0)" } ?? ""): \(message)"
    }
}
