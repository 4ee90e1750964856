import Python
import Testing

/// Expected values printed by CPython 3 (`s.isdigit()`, `s.isspace()`, `s.isprintable()`, `s.isidentifier()`).
@Suite struct PyTextPredicateTests {
    @Test(arguments: [
        ("042", true, false, true, false),
        ("\u{663}\u{664}", true, false, true, false),
        ("\u{B2}", true, false, true, false),
        ("\u{BD}", false, false, true, false),
        ("4.2", false, false, true, false),
        ("", false, false, true, false),
        ("\u{661}2", true, false, true, false),
        ("\u{1D7D7}", true, false, true, false),
        (" \t", false, true, false, false),
        ("\u{200B}", false, false, false, false),
        ("\u{1C}", false, true, false, false),
        ("abc", false, false, true, true),
        ("a\u{0}", false, false, false, false),
        ("\u{AD}", false, false, false, false),
        ("\u{E9}", false, false, true, true),
        ("\u{3000}", false, true, false, false),
        ("x y", false, false, true, false),
    ])
    func stringPredicates(s: String, isDigit: Bool, isSpace: Bool, isPrintable: Bool, isIdentifier: Bool) {
        #expect(PyText.isDigit(s) == isDigit)
        #expect(PyText.isSpace(s) == isSpace)
        #expect(PyText.isPrintable(s) == isPrintable)
        #expect(PyText.isIdentifier(s) == isIdentifier)
    }

    @Test func punctuationAndTranslate() {
        #expect(PyText.removing("a,b.c!\u{2014}", where: PyText.isASCIIPunctuation) == "abc\u{2014}")
        #expect(PyText.removing("a,b.c!\u{2014}\u{BF}", where: PyText.isUnicodePunctuation) == "abc")
        #expect(PyText.removing("$1+2", where: PyText.isUnicodePunctuation) == "$1+2")  // Sc and Sm are not P*
        #expect(PyText.removing(" a \u{3000}b ", where: PyText.isSpace) == "ab")
    }
}
