import Foundation
import Jinja
import JSON
import Python
import Testing

/// Renders fixtures produced by real Jinja2 3.1.6 (scripts/jinja-parity/generate.py) and
/// compares byte for byte, including which kind of error a failing render raises.
@Suite struct ParityTests {
    enum Outcome: Equatable, Sendable {
        case output(String)
        case error(JinjaError.Kind)
    }

    struct Case: Sendable {
        var template: String
        var doc: JSONObject
        var expected: Outcome
        var line: Int
    }

    /// Cases Jinja2 renders differently on purpose; keep this tiny and say why.
    static let exclusions: Set<String> = []

    static func load(_ file: String) throws -> [Case] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
            .appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        var cases: [Case] = []
        for (index, line) in text.split(separator: "\n").enumerated() {
            let entry = try JSONValue.parse(String(line))
            let template = try #require(entry["template"]?.stringValue)
            let doc = try #require(entry["doc"]?.objectValue)
            let expected: Outcome
            if let output = entry["output"]?.stringValue {
                expected = .output(output)
            } else {
                switch entry["error"]?.stringValue {
                case "undefined": expected = .error(.undefined)
                case "runtime": expected = .error(.runtime)
                default: expected = .error(.syntax)
                }
            }
            cases.append(Case(template: template, doc: doc, expected: expected, line: index + 1))
        }
        return cases
    }

    static func actual(_ c: Case) -> Outcome {
        do {
            return .output(try JinjaTemplate(c.template, name: "fixture line \(c.line)").render(c.doc))
        } catch {
            return .error(error.kind)
        }
    }

    static func check(_ file: String) throws {
        let cases = try load(file)
        var matched = 0
        for c in cases {
            let got = actual(c)
            if got == c.expected || exclusions.contains(c.template) {
                matched += 1
                continue
            }
            Issue.record("""
                \(file):\(c.line) mismatch
                template: \(PythonValue.repr(c.template))
                expected: \(String(describing: c.expected))
                actual:   \(String(describing: got))
                """)
        }
        print("Jinja parity \(file): \(matched)/\(cases.count) matched")
        #expect(matched == cases.count)
        #expect(cases.count > 50)
    }

    @Test func lmEvalTemplatesMatchJinja2() throws {
        try Self.check("lmeval-templates.jsonl")
    }

    @Test func semanticsCasesMatchJinja2() throws {
        try Self.check("semantics-cases.jsonl")
    }
}
