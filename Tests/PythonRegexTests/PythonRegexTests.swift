import PythonRegex
import Testing

// Expected values are what CPython 3.11's `re` returns for the same calls.
@Suite struct PythonRegexTests {
    @Test(arguments: [
        (#"\d+"#, "a1b22c333", [PythonRegex.Found.string("1"), .string("22"), .string("333")]),
        (#"#### (\-?[0-9\.\,]+)"#, "so #### 1,234.5", [.string("1,234.5")]),
        (#"(\d)(x)?"#, "1x2", [.tuple(["1", "x"]), .tuple(["2", ""])]),
        (#"(?<=the answer is )(.*)(?=.)"#, "So the answer is True.", [.string("True")]),
        ("a{,2}", "aaa", [.string("aa"), .string("a"), .string("")]),
        ("a$", "a\na\n", [.string("a")]),
        ("(?m)^b$", "a\nb\nb", [.string("b"), .string("b")]),
        ("(?s:a.)b.", "a\nb\n a\nbc", [.string("a\nbc")]),
        (#"[\]a]+"#, "]a]b", [.string("]a]")]),
        (#"\x41\101\0"#, "AA\u{0}", [.string("AA\u{0}")]),
        ("(?x) a b # c\n c", "abc", [.string("abc")]),
        ("a{", "a{", [.string("a{")]),
        ("x", "", []),
    ])
    func findallFollowsPython(pattern: String, text: String, expected: [PythonRegex.Found]) throws {
        #expect(try PythonRegex(pattern).findall(text) == expected)
    }

    @Test(arguments: [
        ("x*", "-", "abxd", "-a-b--d-"),
        ("(a)|(b)", #"[\1\2]"#, "ab", "[a][b]"),
        ("(?P<w>o+)", #"<\g<w>|\g<0>|\g<1>>"#, "foo", "f<oo|oo|oo>"),
        ("a", #"\n\t\\"#, "bab", "b\n\t\\b"),
        ("^a|c$", "#", "a b c", "# b #"),
    ])
    func subUsesPythonTemplates(pattern: String, template: String, text: String, expected: String) throws {
        #expect(try PythonRegex(pattern).sub(template, in: text) == expected)
    }

    @Test func subCountLimitsReplacements() throws {
        #expect(try PythonRegex("a").sub("b", in: "aaa", count: 2) == "bba")
    }

    @Test(arguments: [
        ("(,)|;", "a,b;c", ["a", ",", "b", nil, "c"] as [String?]),
        ("x*", "axb", ["", "a", "", "b", ""]),
        (",", "a,b,c", ["a", "b", "c"]),
    ])
    func splitIncludesGroups(pattern: String, text: String, expected: [String?]) throws {
        #expect(try PythonRegex(pattern).split(text) == expected)
    }

    @Test func searchMatchAndFullmatch() throws {
        let r = try PythonRegex("a|ab")
        #expect(r.fullmatch("ab")?.span == 0..<2)
        #expect(r.match("ab")?.span == 0..<1)
        #expect(try PythonRegex("b").match("ab") == nil)
        #expect(try PythonRegex("b").search("ab")?.span == 1..<2)
        #expect(try PythonRegex("a\\Z").search("a\n") == nil)
    }

    @Test func spansCountCodePoints() throws {
        #expect(try PythonRegex("b").search("😀b")?.span == 1..<2)
        #expect(try PythonRegex("b").sub("c", in: "😀b\r\nb") == "😀c\r\nc")
    }

    @Test func namedGroupsAndBackReferences() throws {
        let r = try PythonRegex(#"(?P<word_1>\w+) (?P=word_1)"#)
        let m = try #require(r.search("so hey hey you"))
        #expect(m.group(named: "word_1") == "hey")
        #expect(m.group(0) == "hey hey")
        #expect(r.groupIndex == ["word_1": 1])
        #expect(try PythonRegex(#"(a)\1"#).findall("aab") == [.string("a")])
    }

    @Test func flags() throws {
        #expect(try PythonRegex("a.b", flags: .dotAll).search("a\nb") != nil)
        #expect(try PythonRegex("a.b").search("a\nb") == nil)
        #expect(try PythonRegex("ABC", flags: .ignoreCase).search("xabc")?.span == 1..<4)
        #expect(try PythonRegex("(?i)abc").search("ABC") != nil)
        #expect(try PythonRegex("(?i:a)b").search("Ab") != nil)
        #expect(try PythonRegex("(?i:a)b").search("AB") == nil)
        #expect(try PythonRegex("^b", flags: .multiline).search("a\nb")?.span == 2..<3)
    }

    @Test func escapeMakesALiteralPattern() throws {
        #expect(PythonRegex.escape("a.b*c d") == #"a\.b\*c\ d"#)
        #expect(try PythonRegex(PythonRegex.escape("(1+1)")).search("x(1+1)")?.span == 1..<6)
    }

    @Test(arguments: ["(", "a(?P=nope)", "(?<n>a)", "[a", "a(?i)b", #"(?(1)a|b)"#])
    func invalidPatternsAreErrors(pattern: String) {
        #expect(throws: PythonRegexError.self) { try PythonRegex(pattern) }
    }

    @Test(arguments: [#"\2"#, #"\q"#, #"\g<nope>"#, "\\"])
    func invalidTemplatesAreErrors(template: String) throws {
        let r = try PythonRegex("(a)")
        #expect(throws: PythonRegexError.self) { try r.sub(template, in: "a") }
    }
}
