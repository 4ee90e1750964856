import JSON

/// A compiled Jinja2 template, rendered with Python/Jinja2 semantics as lm-eval configures
/// them: StrictUndefined, `keep_trailing_newline=True`, plus a `regex_replace` filter.
public struct JinjaTemplate: Sendable {
    /// The name used in error messages (e.g. "gsm8k: doc_to_text").
    public let name: String
    public let source: String
    private let body: [Node]

    /// Compiles `source`; syntax errors are thrown here, not at render time.
    public init(_ source: String, name: String = "<template>") throws(JinjaError) {
        self.name = name
        self.source = source
        do {
            body = try Parser.parse(source)
        } catch {
            throw JinjaError(template: name, kind: error.kind, message: error.message, line: error.line)
        }
    }

    /// Renders with the given variables (a document's fields, for lm-eval).
    public func render(_ context: JSONObject) throws(JinjaError) -> String {
        var renderer = Renderer(document: context)
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
