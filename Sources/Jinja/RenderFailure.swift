/// An error raised while evaluating; `JinjaTemplate` adds the template name and line.
struct RenderFailure: Error, Sendable {
    var kind: JinjaError.Kind
    var message: String

    static func undefined(_ u: Undefined) -> RenderFailure { RenderFailure(kind: .undefined, message: u.message) }

    /// A Python exception (TypeError, ValueError, ZeroDivisionError...) Jinja2 would let through.
    static func python(_ exception: String, _ message: String) -> RenderFailure {
        RenderFailure(kind: .runtime, message: "\(exception): \(message)")
    }

    static func typeError(_ message: String) -> RenderFailure { python("TypeError", message) }
    static func valueError(_ message: String) -> RenderFailure { python("ValueError", message) }

    static func unsupported(_ message: String) -> RenderFailure { RenderFailure(kind: .unsupported, message: message) }

    /// A `JinjaLimits` ceiling was reached; the message names the limit.
    static func limit(_ message: String) -> RenderFailure { RenderFailure(kind: .limit, message: message) }
}
