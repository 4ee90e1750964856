import JSON
import Jinja
import Testing

/// Issue 12: templates that nest or grow without bound fail with a `.limit` error naming the
/// template and the limit, on the smallest stack the worker renders on (a Swift concurrency thread).
@Suite struct LimitTests {
    private static let deep = 100_000

    /// Compiles and renders on a cooperative-pool thread, as the worker does.
    private func renderInTask(_ source: String, limits: JinjaLimits = .default) async -> Result<String, JinjaError> {
        await timedRenderInTask(source, limits: limits).result
    }

    /// The time is taken on the task, so that waiting for one of the pool's few threads is not counted.
    private func timedRenderInTask(_ source: String, limits: JinjaLimits = .default) async -> (result: Result<String, JinjaError>, time: Duration) {
        await Task.detached {
            let started = ContinuousClock.now
            let result = Result { () throws(JinjaError) in
                try JinjaTemplate(source, name: "hostile: doc_to_text", limits: limits).render([:])
            }
            return (result, ContinuousClock.now - started)
        }.value
    }

    private static func repeated(_ open: String, _ middle: String, _ close: String, _ count: Int = deep) -> String {
        String(repeating: open, count: count) + middle + String(repeating: close, count: count)
    }

    /// Hostile shapes by name, so that a failure prints the name rather than 100,000 levels of text.
    private static let hostile: [String: String] = [
        "if blocks": repeated("{% if true %}", "x", "{% endif %}"),
        "for blocks": repeated("{% for a in [1] %}", "x", "{% endfor %}"),
        "set blocks": repeated("{% set a %}", "x", "{% endset %}"),
        "parentheses": "{{ " + repeated("(", "1", ")") + " }}",
        "lists": "{{ " + repeated("[", "1", "]") + " }}",
        "dicts": "{{ " + repeated("{'k': ", "1", "}") + " }}",
        "calls": "{{ " + repeated("f(", "1", ")") + " }}",
        "subscripts": "{{ " + repeated("x[", "1", "]") + " }}",
        "filter arguments": "{{ " + repeated("x|default(", "1", ")") + " }}",
        "not": "{{ " + String(repeating: "not ", count: deep) + "x }}",
        "unary minus": "{{ " + String(repeating: "-", count: deep) + "1 }}",
        "conditionals": "{{ " + String(repeating: "1 if x else ", count: deep) + "2 }}",
        "assignment targets": "{% set " + repeated("(", "a", ")") + " = 1 %}",
    ]

    @Test(arguments: hostile.keys.sorted())
    func nestingFarBeyondTheLimitIsALimitError(shape: String) async throws {
        let source = try #require(Self.hostile[shape])
        let (result, time) = await timedRenderInTask(source)
        let error = try #require(throws: JinjaError.self) { try result.get() }
        #expect(error.kind == .limit)
        #expect(error.description.contains("hostile: doc_to_text"))
        #expect(error.message.contains("deeper than 100 levels (JinjaLimits.maxNesting)"))
        // The lexer reads the whole 1-2 MB source before the parser refuses it: linear, a few seconds in a debug build.
        #expect(time < .seconds(15), "\(shape) took \(time)")
    }

    @Test func nestingUpToTheLimitRenders() async throws {
        // The outermost expression is one level, each parenthesis one more.
        let atLimit = "{{ " + Self.repeated("(", "1", ")", 99) + " }}"
        #expect(try await renderInTask(atLimit).get() == "1")
        let beyond = "{{ " + Self.repeated("(", "1", ")", 100) + " }}"
        #expect(throws: JinjaError.self) { try JinjaTemplate(beyond) }
        let blocks = Self.repeated("{% if true %}", "{{ 1 }}", "{% endif %}", 99)
        #expect(try await renderInTask(blocks).get() == "1")
    }

    /// Five times the default nesting still fits a concurrency thread's stack in a debug build, parsed and
    /// rendered (debug frames are the largest; about 900 parentheses is where such a thread overflows).
    @Test func fiveTimesTheDefaultNestingFitsAConcurrencyThread() async throws {
        let limits = JinjaLimits(maxNesting: 500)
        let expression = "{{ " + Self.repeated("(", "1", ")", 498) + " }}"
        #expect(try await renderInTask(expression, limits: limits).get() == "1")
        let mixed = Self.repeated("{% if true %}[", "{{ -(-(x|default(1))) }}", "]{% endif %}", 240)
        let rendered = try await renderInTask(mixed, limits: limits).get()
        #expect(rendered.count == 481)
    }

    @Test(arguments: [
        ("{{ 'x' * 10000000000 }}", "JinjaLimits.maxStringBytes"),
        ("{{ 10000000000 * 'x' }}", "JinjaLimits.maxStringBytes"),
        ("{{ [1] * 10000000000 }}", "JinjaLimits.maxItems"),
        ("{{ range(100000000)|length }}", "JinjaLimits.maxItems"),
        ("{{ range(0, 9223372036854775807, 2)|length }}", "JinjaLimits.maxItems"),
        ("{% set a = 'x' * 1000000 %}{% set a = a ~ a ~ a ~ a %}{% set a = a ~ a ~ a ~ a %}{{ a ~ a ~ a }}", "JinjaLimits.maxStringBytes"),
        ("{{ ('x' * 1000000).replace('', 'y' * 1000) }}", "JinjaLimits.maxStringBytes"),
        ("{{ ('x' * 1000000)|replace('x', 'yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy') }}", "JinjaLimits.maxStringBytes"),
        ("{{ (['y' * 1000000] * 1000)|join }}", "JinjaLimits.maxStringBytes"),
        ("{{ ('x' * 1000000)|regex_replace('x?', 'y' * 1000) }}", "JinjaLimits.maxStringBytes"),
        ("{{ ('x' * 1000000)|regex_replace('x', 'y' * 100) }}", "JinjaLimits.maxStringBytes"),
        ("{{ ''.join(['y' * 1000000] * 1000) }}", "JinjaLimits.maxStringBytes"),
        ("{% for i in range(1000) %}{{ 'x' * 100000 }}{% endfor %}", "JinjaLimits.maxStringBytes"),
        ("{{ ['y' * 1000000] * 1000000 }}", "JinjaLimits.maxStringBytes"),
        ("{{ 'a' ~ (['y' * 1000000] * 100) }}", "JinjaLimits.maxStringBytes"),
        ("{{ (['y' * 1000000] * 100)|string }}", "JinjaLimits.maxStringBytes"),
        ("{{ '%s' % ([['y' * 100000] * 1000] * 1000) }}", "JinjaLimits.maxStringBytes"),
        ("{{ '{}'.format({'k': ['y' * 1000000] * 100}) }}", "JinjaLimits.maxStringBytes"),
        ("{{ '{:>99999999999}'.format(1) }}", "exceeds the limit of 16777216"),
        ("{{ '{:.99999999999f}'.format(1.5) }}", "exceeds the limit of 16777216"),
        ("{{ '%99999999999s' % 'a' }}", "exceeds the limit of 16777216"),
        ("{{ '%.*f' % (99999999999, 1.5) }}", "exceeds the limit of 16777216"),
        ("{{ 'a'.center(99999999999) }}", "exceeds the limit of 16777216"),
        ("{{ 'a'.zfill(99999999999) }}", "exceeds the limit of 16777216"),
        ("{{ 'a'|center(99999999999) }}", "exceeds the limit of 16777216"),
    ])
    func growthBeyondTheLimitIsALimitError(source: String, limit: String) async throws {
        let (result, time) = await timedRenderInTask(source)
        let error = try #require(throws: JinjaError.self) { try result.get() }
        #expect(error.kind == .limit, "\(error)")
        #expect(error.message.contains(limit), "\(error)")
        // Generous: a debug build on a shared machine; what matters is that it ends, and without the memory.
        #expect(time < .seconds(30), "took \(time)")
    }

    @Test func loopIterationsAreCountedAcrossNestedLoops() async throws {
        let limits = JinjaLimits(maxLoopIterations: 10_000)
        let nested = "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}"
        let result = await renderInTask(nested, limits: limits)
        let error = try #require(throws: JinjaError.self) { try result.get() }
        #expect(error.kind == .limit && error.message.contains("JinjaLimits.maxLoopIterations"))
        let within = "{% for i in range(100) %}{% for j in range(99) %}{% endfor %}{% endfor %}done"
        #expect(try await renderInTask(within, limits: limits).get() == "done")
    }

    @Test func configuredLimitsApply() throws {
        let small = JinjaLimits(maxStringBytes: 10, maxItems: 3)
        #expect(try JinjaTemplate("{{ 'x' * 10 }}", limits: small).render([:]) == "xxxxxxxxxx")
        #expect(throws: JinjaError.self) { try JinjaTemplate("{{ 'x' * 11 }}", limits: small).render([:]) }
        #expect(throws: JinjaError.self) { try JinjaTemplate("{{ 'abcdef' }}{{ 'ghijk' }}", limits: small).render([:]) }
        #expect(try JinjaTemplate("{{ range(3)|list }}", limits: small).render([:]) == "[0, 1, 2]")
        #expect(try JinjaTemplate("{{ ['ab'] }}", limits: small).render([:]) == "['ab']")
        // A backreference costs the text once, not once per match.
        #expect(try JinjaTemplate("{{ 'ab'|regex_replace('(.)', '\\\\1') }}", limits: small).render([:]) == "ab")
        #expect(throws: JinjaError.self) { try JinjaTemplate("{{ ['ab'] * 2 }}", limits: small).render([:]) }
        #expect(throws: JinjaError.self) { try JinjaTemplate("{{ range(4)|list }}", limits: small).render([:]) }
    }
}
