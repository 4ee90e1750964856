import JSON
import Python
import Testing

@Suite struct PythonValueTests {
    @Test(arguments: [
        (JSONValue.string("it's"), "it's", "\"it's\""),
        (.string("say \"hi\" it's"), "say \"hi\" it's", "'say \"hi\" it\\'s'"),
        (.string("tab\tnl\n\u{0}é🙂\u{200B}\u{A0}"), "tab\tnl\n\u{0}é🙂\u{200B}\u{A0}", "'tab\\tnl\\n\\x00é🙂\\u200b\\xa0'"),
        (.array(["a", 1, 2.0, nil, true]), "['a', 1, 2.0, None, True]", "['a', 1, 2.0, None, True]"),
        (.object(["k": ["v": 1e-5]]), "{'k': {'v': 1e-05}}", "{'k': {'v': 1e-05}}"),
        (.double(1e16), "1e+16", "1e+16"),
        (.double(0.1), "0.1", "0.1"),
        (.int(-3), "-3", "-3"),
        (.bool(false), "False", "False"),
        (.null, "None", "None"),
    ])
    func strAndRepr(value: JSONValue, str: String, repr: String) {
        #expect(PythonValue.str(value) == str)
        #expect(PythonValue.repr(value) == repr)
    }

    @Test func pythonStrOfTargets() {
        #expect(PythonValue.str(JSONValue.int(3)) == "3")
        #expect(PythonValue.str(JSONValue.bool(true)) == "True")
        #expect(PythonValue.str(JSONValue.array(["a", 1])) == "['a', 1]")
        #expect(PyText.isDigit("042") && !PyText.isDigit("4.2") && !PyText.isDigit(""))
    }

    @Test(arguments: [
        (JSONValue.array([.array([1, 2.0]), .object(["t": .array(["x"])])]), "[[1, 2.0], {'t': ['x']}]"),
        (.array([]), "[]"),
        (.object([:]), "{}"),
        (.string("\u{7F}\u{80}\u{AD}\u{10FFFF}"), "'\\x7f\\x80\\xad\\U0010ffff'"),
    ])
    func nestedAndEscapedRepr(value: JSONValue, repr: String) {
        #expect(PythonValue.repr(value) == repr)
    }
}

@Suite struct PythonStripTests {
    @Test(arguments: [
        ("  a b  ", "a b", "a b  "),
        ("a b", "a b", "a b"),
        ("", "", ""),
        (" \t\n\u{0B}\u{0C}\r ", "", ""),
        ("\u{3000}\u{A0}x\u{2029}\u{85}", "x", "x\u{2029}\u{85}"),
        ("\u{200B}x\u{200B}", "\u{200B}x\u{200B}", "\u{200B}x\u{200B}"),  // zero-width space is not whitespace in Python
        ("e\u{301} ", "e\u{301}", "e\u{301} "),
    ])
    func stripsWhatPythonStrips(input: String, stripped: String, leftStripped: String) {
        #expect(PyText.strip(input).unicodeScalars.elementsEqual(stripped.unicodeScalars))
        #expect(PyText.lstrip(input).unicodeScalars.elementsEqual(leftStripped.unicodeScalars))
    }
}
