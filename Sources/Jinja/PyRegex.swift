import PythonRegex

/// A Python `re` pattern for the `regex_replace` filter; the semantics (and the documented
/// divergences from CPython) live in the `PythonRegex` module.
struct PyRegex: Sendable {
    let regex: PythonRegex

    init(pattern: String) throws(RenderFailure) {
        do {
            regex = try PythonRegex(pattern)
        } catch {
            throw .python(error.pythonException, error.message)
        }
    }

    /// Python `re.sub(pattern, template, text, count)`; count 0 replaces every match.
    func substitute(in text: String, template: String, count: Int) throws(RenderFailure) -> String {
        do {
            return try regex.sub(template, in: text, count: count)
        } catch {
            throw .python(error.pythonException, error.message)
        }
    }
}
