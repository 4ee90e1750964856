import Jinja

/// The Python `str` predicates lm-eval's filters and metrics use that the Jinja module's
/// `PyText` (shared Python string rules) does not have.
enum PythonText {
    /// `s.isdigit()`: non-empty and every character has Numeric_Type Decimal or Digit.
    static func isDigit(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy(PyText.isDigit)
    }

    /// `s.translate(table)` that deletes every character `drop` accepts.
    static func removing(_ s: String, where drop: (Unicode.Scalar) -> Bool) -> String {
        guard s.unicodeScalars.contains(where: drop) else { return s }
        var view = String.UnicodeScalarView()
        for scalar in s.unicodeScalars where !drop(scalar) { view.append(scalar) }
        return String(view)
    }

    /// `string.punctuation`.
    static func isASCIIPunctuation(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: return true
        default: return false
        }
    }

    /// `unicodedata.category(c).startswith("P")`.
    static func isUnicodePunctuation(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }
}
