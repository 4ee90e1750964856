import JSON
import Jinja
import Testing

@Suite struct SyntaxTests {
    @Test(arguments: [
        ("plain text\n", "plain text\n"),
        ("a{# comment #}b", "ab"),
        ("a {#- c -#} b", "ab"),
        ("x  {{- 1 -}}  y", "x1y"),
        ("x\n  {%- if true -%}\n  y\n  {%- endif -%}\n  z", "xyz"),
        ("{% raw %}{{ x }}{% endraw %}", "{{ x }}"),
        ("a {%- raw -%}  {{ x }}  {%- endraw -%} b", "a{{ x }}b"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("{{ {'k': {'j': 1}} }}", "{'k': {'j': 1}}"),
        ("{{ '}}' }}", "}}"),
        ("trailing\n\n", "trailing\n\n"),
        ("{{ 'a' 'b' }}", "ab"),
        ("{{ 'x\\ty' }}|{{ \"q\\\"\" }}|{{ '\\u00e9' }}|{{ 'keep\\d' }}", "x\ty|q\"|é|keep\\d"),
    ])
    func lexesLikeJinja2(source: String, expected: String) throws {
        #expect(try render(source) == expected)
    }

    @Test(arguments: [
        ("{{ 1 + }}", JinjaError.Kind.syntax, 1),
        ("line one\n{% if x %}never closed", .syntax, 2),
        ("{% endfor %}", .syntax, 1),
        ("\n\n{{ x|nosuchfilter }}", .syntax, 3),
        ("{{ x is nosuchtest }}", .syntax, 1),
        ("{% macro m() %}{% endmacro %}", .unsupported, 1),
        ("{{ x|tojson }}", .unsupported, 1),
        ("{# never closed", .syntax, 1),
        ("{{ 'unterminated }}", .syntax, 1),
    ])
    func rejectsBadTemplatesAtCompileTime(source: String, kind: JinjaError.Kind, line: Int) {
        #expect(throws: JinjaError.self) { try JinjaTemplate(source, name: "t") }
        do {
            _ = try JinjaTemplate(source, name: "t")
        } catch {
            #expect(error.kind == kind)
            #expect(error.line == line)
            #expect(error.template == "t")
        }
    }

    @Test func compiledTemplateRendersManyDocuments() throws {
        let template = try JinjaTemplate("{{ q.strip() }} -> {{ choices[label] }}", name: "many")
        for i in 0..<2000 {
            let doc: JSONObject = ["q": .string(" q\(i) "), "choices": ["a", "b"], "label": .int(i % 2)]
            #expect(try template.render(doc) == "q\(i) -> \(i % 2 == 0 ? "a" : "b")")
        }
    }
}
