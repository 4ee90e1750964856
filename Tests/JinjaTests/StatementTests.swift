import JSON
import Jinja
import Testing

@Suite struct StatementTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var source: String
        var doc: JSONObject
        var expected: String
        var testDescription: String { source }
    }

    static let cases: [Case] = [
        ("{% if x == 1 %}one{% elif x == 2 %}two{% else %}other{% endif %}", ["x": 2], "two"),
        ("{% if x %}yes{% endif %}", ["x": []], ""),
        ("{% if x is defined and x %}yes{% else %}no{% endif %}", [:], "no"),
        ("{% for c in cs %}{{ loop.index }}{{ c }}{% if not loop.last %},{% endif %}{% endfor %}", ["cs": ["a", "b"]], "1a,2b"),
        ("{% for c in cs %}{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.first }}/{{ loop.length }} {% endfor %}", ["cs": ["a", "b"]], "0/2/True/2 1/1/False/2 "),
        ("{% for c in cs %}x{% else %}empty{% endfor %}", ["cs": []], "empty"),
        ("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", ["d": ["b": 1, "a": "two"]], "b=1;a=two;"),
        ("{% for a, b in [[1, 2], [3, 4]] %}{{ a + b }},{% endfor %}", [:], "3,7,"),
        ("{% for x in xs if x > 1 %}{{ x }}:{{ loop.length }} {% endfor %}", ["xs": [1, 2, 3]], "2:2 3:2 "),
        ("{% for i in range(n) %}{{ 'ABCD'[i] }}. {{ cs[i] }}\n{% endfor %}", ["n": 2, "cs": ["x", "y"]], "A. x\nB. y\n"),
        ("{% set a = 1 %}{% for i in range(3) %}{% set a = a + i %}{{ a }}{% endfor %} {{ a }}", [:], "123 1"),
        ("{% set a, b = 1, 'two' %}{{ a }} {{ b }}{% if true %}{% set c = 3 %}{% endif %} {{ c }}", [:], "1 two 3"),
        ("{% set block %}inner {{ 1 + 1 }}{% endset %}[{{ block }}]", [:], "[inner 2]"),
        ("{% set idx = loc + word|length %}{{ text[idx:] }}", ["loc": 2, "word": "ab", "text": "xxabyy"], "yy"),
    ].map { (entry: (String, JSONObject, String)) in Case(source: entry.0, doc: entry.1, expected: entry.2) }

    @Test(arguments: cases)
    func controlBlocksBehaveLikeJinja2(_ c: Case) throws {
        #expect(try render(c.source, c.doc) == c.expected)
    }

    @Test func tupleUnpackingMismatchIsARuntimeError() {
        #expect(errorKind("{% for a, b in [[1, 2, 3]] %}{% endfor %}") == .runtime)
    }
}
