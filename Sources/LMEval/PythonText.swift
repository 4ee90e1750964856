import Jinja
import JSON

/// Python's `str()`/`repr()` of document values (where lm-eval concatenates non-string targets
/// or choices, `str(doc_target[0])`) and the `str` predicates its field rules use.
public enum PythonText {
    /// `str(value)`: strings as they are, everything else as `repr` (the Jinja module's Python rules).
    public static func str(_ value: JSONValue) -> String { PythonValue.str(value) }

    /// `repr(value)` as CPython prints ints, floats, bools, None, str, list and dict.
    public static func repr(_ value: JSONValue) -> String { PythonValue.repr(value) }

    /// `str.isdigit()` for the ASCII digits lm-eval's templates produce (non-empty, all 0-9).
    static func isDigits(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// `str.isspace()`.
    static func isSpace(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy(PyText.isSpace)
    }
}
