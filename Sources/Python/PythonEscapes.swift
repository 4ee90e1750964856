/// Python's string-literal escapes, shared by Jinja's lexer and lm-eval's `ast.literal_eval` reader.
public enum PythonEscapes {
    /// What a one-character escape `\e` stands for: nil when `e` is not one (octal, `\x`, `\u` and
    /// unknown escapes are the caller's), an empty view for a backslash-newline continuation.
    public static func simple(_ e: Unicode.Scalar) -> String.UnicodeScalarView? {
        let decoded: Unicode.Scalar?
        switch e {
        case "\n": decoded = nil
        case "\\", "'", "\"": decoded = e
        case "a": decoded = "\u{07}"
        case "b": decoded = "\u{08}"
        case "f": decoded = "\u{0C}"
        case "n": decoded = "\n"
        case "r": decoded = "\r"
        case "t": decoded = "\t"
        case "v": decoded = "\u{0B}"
        default: return nil
        }
        var out = String.UnicodeScalarView()
        if let decoded { out.append(decoded) }
        return out
    }
}
