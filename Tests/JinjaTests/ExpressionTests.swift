import JSON
import Jinja
import Testing

@Suite struct ExpressionTests {
    static let doc: JSONObject = [
        "doc": ["x": "X", "n": 3, "list": ["a", "b", "c"], "nested": ["k": [1, 2]]],
        "s": "héllo🙂",
        "i": 7,
        "f": 2.5,
        "none": nil,
    ]

    @Test(arguments: [
        ("{{ doc.x }}{{ doc['x'] }}{{ doc.nested.k.1 }}{{ doc['nested']['k'][-1] }}", "XX22"),
        ("{{ doc.get('x') }} {{ doc.get('zz', 'dflt') }} {{ doc.get('zz') }}", "X dflt None"),
        ("{{ s[1:-1] }}|{{ s[::2] }}|{{ s[::-1] }}|{{ s[-1] }}|{{ s|length }}", "éllo|hlo|🙂olléh|🙂|6"),
        ("{{ doc.list[1:] }} {{ doc.list[::-2] }} {{ (1, 2) }} {{ (1,) }} {{ [] }} {{ {} }}", "['b', 'c'] ['c', 'a'] (1, 2) (1,) [] {}"),
        ("{{ i // 2 }} {{ -i // 2 }} {{ i % -3 }} {{ i / 2 }} {{ 6 / 3 }} {{ 2 ** 10 }} {{ 2 ** -1 }} {{ 2 ** 3 ** 2 }}", "3 -4 -2 3.5 2.0 1024 0.5 64"),
        ("{{ f * 2 }} {{ f // 1 }} {{ -f % 2 }} {{ 0.1 + 0.2 }} {{ 1e-5 }} {{ 1e16 }} {{ true + 1 }}", "5.0 2.0 1.5 0.30000000000000004 1e-05 1e+16 2"),
        ("{{ 'ab' * 2 }} {{ [0] * 3 }} {{ 'a' + 'b' }} {{ [1] + [2] }} {{ 'n' ~ 1 ~ none }}", "abab [0, 0, 0] ab [1, 2] n1None"),
        ("{{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ 'a' < 'b' }} {{ 1 == 1.0 == true }} {{ '1' == 1 }} {{ [1, 2] < [1, 3] }}", "True False True True False True"),
        ("{{ 0 or 'x' }} {{ 'a' and 'b' }} {{ [] or {} }} {{ not '' }} {{ none and 1 }} {{ 1 and 0 }}", "x b {} True None 0"),
        ("{{ 'l' in s }} {{ 'b' in doc.list }} {{ 'x' in doc }} {{ 'z' not in s }} {{ not 'a' in 'abc' }}", "True True True True False"),
        ("{{ 'yes' if i > 5 else 'no' }} [{{ 'a' if false }}] {{ ('a' if false)|default('d') }}", "yes [] d"),
        ("{{ -2 ** 2 }} {{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 2 * 3 ~ 4 }} {{ -i|abs }}", "4 7 9 64 7"),
        ("{{ none }} {{ true }} {{ [none, true, 1.0, 'q'] }} {{ {'k': none} }}", "None True [None, True, 1.0, 'q'] {'k': None}"),
        ("{{ range(3)|list }} {{ range(1, 7, 2)|list }} {{ dict(a=1) }}", "[0, 1, 2] [1, 3, 5] {'a': 1}"),
        // Steps near Int's bounds end the walk where Python's would, rather than overflowing the index.
        ("{{ 'abcdef'[1::9223372036854775807] }}|{{ doc.list[-1::-9223372036854775807] }}|{{ 'abc'[::-9223372036854775807] }}", "b|['c']|c"),
    ])
    func evaluatesWithPythonSemantics(source: String, expected: String) throws {
        #expect(try render(source, Self.doc) == expected)
    }

    @Test(arguments: [
        ("{{ missing }}", JinjaError.Kind.undefined),
        ("{{ doc.missing }}", .undefined),
        ("{{ doc.list[10] }}", .undefined),
        ("{{ missing + 1 }}", .undefined),
        ("{{ missing == 1 }}", .undefined),
        ("{% if missing %}{% endif %}", .undefined),
        ("{% for x in missing %}{% endfor %}", .undefined),
        ("{{ missing.attr is defined }}", .undefined),
        ("{{ 'x'.nosuchmethod() }}", .undefined),
        ("{{ 1 / 0 }}", .runtime),
        ("{{ i // 0 }}", .runtime),
        ("{{ 'a' + 1 }}", .runtime),
        ("{{ 'a' < 1 }}", .runtime),
        ("{{ 1 in 'abc' }}", .runtime),
        ("{{ s[i:'x'] }}", .runtime),
        ("{{ {[1]: 2} }}", .runtime),
        ("{{ 9223372036854775807 + 1 }}", .runtime),
    ])
    func raisesWhatJinja2Raises(source: String, kind: JinjaError.Kind) {
        #expect(errorKind(source, Self.doc) == kind)
    }

    @Test(arguments: [
        ("{{ doc.missing is defined }} {{ missing is undefined }} {{ none is none }} {{ i is not none }}", "False True True True"),
        ("{{ missing|default('d') }} {{ none|default('d') }} {{ none|default('d', true) }} {{ missing is none }}", "d None d False"),
        ("{{ i is odd }} {{ i is divisibleby 7 }} {{ s is string }} {{ f is number }} {{ doc is mapping }} {{ i is eq 7 }}", "True True True True True True"),
    ])
    func testsAndDefaultsAcceptUndefined(source: String, expected: String) throws {
        #expect(try render(source, Self.doc) == expected)
    }

    @Test func undefinedErrorNamesTemplateVariableAndLine() {
        do {
            _ = try JinjaTemplate("ok\n{{ answer_key }}", name: "arc: doc_to_target").render([:])
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .undefined)
            #expect(error.template == "arc: doc_to_target")
            #expect(error.message.contains("answer_key"))
            #expect(error.line == 2)
            #expect(error.description.contains("arc: doc_to_target"))
        }
    }
}
