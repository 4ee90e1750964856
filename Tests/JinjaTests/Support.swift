import JSON
import Jinja

/// Compiles and renders in one step for table-driven tests.
func render(_ source: String, _ doc: JSONObject = [:]) throws(JinjaError) -> String {
    try JinjaTemplate(source, name: "test").render(doc)
}

/// The error kind a template raises, or nil when it renders.
func errorKind(_ source: String, _ doc: JSONObject = [:]) -> JinjaError.Kind? {
    do {
        _ = try render(source, doc)
        return nil
    } catch {
        return error.kind
    }
}
