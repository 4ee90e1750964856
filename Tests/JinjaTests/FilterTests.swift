import JSON
import Jinja
import Testing

@Suite struct FilterTests {
    @Test(arguments: [
        ("{{ '  a b  '|trim }}|{{ 'xxaxx'|trim('x') }}", "a b|a"),
        ("{{ ['a', 1, none]|join(', ') }}|{{ 'abc'|join('-') }}|{{ [1, 2]|join }}", "a, 1, None|a-b-c|12"),
        ("{{ 'Hello'|lower }} {{ 'Hello'|upper }} {{ 'hello world'|capitalize }} {{ 'hELLO wORLD-x'|title }}", "hello HELLO Hello world Hello World-X"),
        ("{{ 'aaa'|replace('a', 'b', 2) }} {{ 'abc'|length }} {{ [1, 2]|count }} {{ [1, 2]|first }} {{ 'xyz'|last }}", "bba 3 2 1 z"),
        ("{{ 12|string + 'a' }} {{ '42'|int + 1 }} {{ '3.9'|int }} {{ 'x'|int }} {{ 'x'|int(7) }} {{ 4.7|int }} {{ '0x1A'|int(0, 16) }}", "12a 43 3 0 7 4 26"),
        ("{{ '2.5'|float }} {{ 'x'|float }} {{ 3|float }}", "2.5 0.0 3.0"),
        ("{{ 'ab'|list }} {{ {'a': 1}|list }} {{ ds|map(attribute='t')|list }} {{ ['a', 'B']|map('upper')|join }}", "['a', 'b'] ['a'] [1, 2] AB"),
        ("{{ 2.5|round }} {{ 3.14159|round(2) }} {{ 2.5|round(0, 'floor') }} {{ 7|round }} {{ -3|abs }}", "2.0 3.14 2.0 7 3"),
        ("{{ 'one two, three'|wordcount }} {{ [3, 1, 2]|sort }} {{ [3, 1, 2]|max }} {{ [1, 2]|sum }} {{ 'ab'|reverse }}", "3 [1, 2, 3] 3 3 ba"),
        ("{{ [1, 0, 2]|select|list }} {{ [1, 2, 3]|reject('odd')|list }} {{ ['a', 'A']|unique|list }}", "[1, 2] [2] ['a']"),
        ("{{ '%s=%d'|format('k', 3) }} {{ 'n=%s' % 5 }} {{ '<&>'|e }}", "k=3 n=5 &lt;&amp;&gt;"),
    ])
    func builtInFilters(source: String, expected: String) throws {
        #expect(try render(source, ["ds": [["t": 1], ["t": 2]]]) == expected)
    }

    @Test(arguments: [
        ("{{ s|regex_replace('\\\\s+', ' ') }}", "a b c"),
        ("{{ s|regex_replace('(\\\\w+)\\\\s+(\\\\w+)', '\\\\2 \\\\1', 1) }}", "b a\t\nc"),
        ("{{ s|regex_replace('(?P<first>a)', '<\\\\g<first>>') }}", "<a>  b\t\nc"),
        ("{{ s|regex_replace('x*', '-') }}", "-a- - -b-\t-\n-c-"),
        ("{{ s|regex_replace('^a|c$', '#') }}", "#  b\t\n#"),
    ])
    func regexReplaceUsesPythonSyntax(source: String, expected: String) throws {
        #expect(try render(source, ["s": "a  b\t\nc"]) == expected)
    }

    @Test(arguments: [
        ("{{ 5|length }}", JinjaError.Kind.runtime),
        ("{{ []|first }}", .undefined),
        ("{{ missing|length }}", .undefined),
        ("{{ missing|int }}", .undefined),
        ("{{ 'a'|regex_replace('(', 'x') }}", .runtime),
        ("{{ 'a'|regex_replace('a', '\\\\2') }}", .runtime),
        ("{{ 5|regex_replace('5', '6') }}", .runtime),
    ])
    func filterErrors(source: String, kind: JinjaError.Kind) {
        #expect(errorKind(source) == kind)
    }
}
