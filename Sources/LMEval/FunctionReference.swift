import Foundation

/// A `!function module.name` value from a task YAML, e.g. `!function utils.process_docs`.
///
/// lm-eval imports `<directory of the YAML file>/<module>.py` (a dotted module name is kept
/// whole, so `a.b.f` means the file `a.b.py`) and takes attribute `name` from it.
public struct FunctionReference: Sendable, Hashable, CustomStringConvertible {
    /// The text after the tag, e.g. `utils.process_docs`.
    public let expression: String
    /// The module part, e.g. `utils`.
    public let module: String
    /// The function name, e.g. `process_docs`.
    public let name: String
    /// The YAML file the reference was written in.
    public let yamlFile: String

    public init(expression: String, yamlFile: String) {
        let trimmed = expression.trimmingCharacters(in: .whitespaces)
        self.expression = trimmed
        self.yamlFile = yamlFile
        if let dot = trimmed.lastIndex(of: ".") {
            module = String(trimmed[..<dot])
            name = String(trimmed[trimmed.index(after: dot)...])
        } else {
            module = ""
            name = trimmed
        }
    }

    /// The Python file lm-eval would import the function from.
    public var moduleFile: String {
        PathText.directory(of: yamlFile) + "/" + module + ".py"
    }

    public var description: String { "!function \(expression) (in \(yamlFile))" }
}
