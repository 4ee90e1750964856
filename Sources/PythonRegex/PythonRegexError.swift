/// A pattern or replacement template Python's `re` would reject (or one ICU cannot run).
public struct PythonRegexError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The Python exception class `re` raises for this problem: `"re.error"` or `"IndexError"`.
    public let pythonException: String
    /// What was wrong, naming the pattern or template.
    public let message: String

    public init(pythonException: String = "re.error", message: String) {
        self.pythonException = pythonException
        self.message = message
    }

    public var description: String { "\(pythonException): \(message)" }
}
