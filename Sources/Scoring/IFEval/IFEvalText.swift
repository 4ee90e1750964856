import JSON
import Python
import PythonRegex

/// The text measures of lm-eval's `ifeval/instructions_util.py` that the checks share.
enum IFEvalText {
    private struct Patterns: Sendable {
        let word: PythonRegex = {
            // A constant that compiles; a failure is a regex-translator regression.
            do { return try PythonRegex(#"\w+"#) } catch { fatalError("IFEval word pattern: \(error)") }
        }()
    }

    private static let patterns = Patterns()

    /// `count_words`: nltk's `RegexpTokenizer(r"\w+")` tokens.
    static func countWords(_ text: String) -> Int {
        patterns.word.finditer(text).count
    }

    /// `json.loads(value)` succeeds after the markdown fence is taken off, as `JsonFormat` checks.
    static func isJSON(_ value: String) -> Bool {
        var s = PyText.strip(value)
        for prefix in ["```json", "```Json", "```JSON", "```"] where PyText.hasPrefix(s, prefix) {
            s = PyText.string(Array(s.unicodeScalars).dropFirst(PyText.length(prefix)))
        }
        if PyText.hasSuffix(s, "```") { s = PyText.string(Array(s.unicodeScalars).dropLast(3)) }
        s = PyText.strip(s)
        return (try? JSONValue.parse(s)) != nil
    }
}
