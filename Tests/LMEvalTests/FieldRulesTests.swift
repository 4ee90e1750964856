import JSON
import Testing
@testable import LMEval

@Suite("Document fields and template errors")
struct FieldRulesTests {
    static func task(_ entries: [(String, ConfigValue)]) throws -> ResolvedTask {
        var config = ConfigMapping([
            ("task", .string("fields")), ("dataset_path", .string("x")), ("test_split", .string("test")),
            ("doc_to_text", .string("{{question}}")), ("doc_to_target", .string("{{answer}}")),
        ])
        for (key, value) in entries { config[key] = value }
        return try TaskResolver().resolve(TaskReference(name: "fields", groups: [], file: nil, config: config, kind: .task))
    }

    static let doc = JSONObject([
        ("question", .string("What?")), ("answer", .int(2)), ("choices", .array(["a", "b", "c"])), ("label", .string("1")),
    ])

    @Test func featureNameReturnsTheRawValue() throws {
        let fields = DocumentFields(task: try Self.task([("doc_to_target", .string("answer"))]), features: Set(Self.doc.keys))
        #expect(try fields.target(Self.doc) == .int(2))
        // A rendered template is text, even for an int field.
        let rendered = DocumentFields(task: try Self.task([]), features: Set(Self.doc.keys))
        #expect(try rendered.target(Self.doc) == .string("2"))
    }

    @Test func digitsBecomeIntsOnlyWithDocToChoice() throws {
        let withChoice = DocumentFields(task: try Self.task([("doc_to_choice", .string("choices")), ("doc_to_target", .string("{{label}}"))]),
                                        features: Set(Self.doc.keys))
        #expect(try withChoice.target(Self.doc) == .int(1))
        #expect(try withChoice.choices(Self.doc) == .array(["a", "b", "c"]))
        let without = DocumentFields(task: try Self.task([("doc_to_target", .string("{{label}}"))]), features: Set(Self.doc.keys))
        #expect(try without.target(Self.doc) == .string("1"))
    }

    @Test func bracketedTargetIsParsedAsAPythonLiteral() throws {
        let fields = DocumentFields(task: try Self.task([("doc_to_target", .string("{{choices}}"))]), features: Set(Self.doc.keys))
        #expect(try fields.target(Self.doc) == .array(["a", "b", "c"]))
        let broken = DocumentFields(task: try Self.task([("doc_to_target", .string("[{{question}}]"))]), features: Set(Self.doc.keys))
        #expect(try broken.target(Self.doc) == .string("[What?]"))
    }

    @Test func choiceLiteralsAndTemplates() throws {
        let listed = DocumentFields(task: try Self.task([("doc_to_choice", .list([.string("yes"), .string("no")]))]), features: [])
        #expect(try listed.choices(Self.doc) == .array(["yes", "no"]))
        let mapped = DocumentFields(task: try Self.task([("doc_to_choice", .mapping(ConfigMapping([("A", .string("x")), ("B", .string("y"))])))]), features: [])
        #expect(try mapped.choices(Self.doc) == .array(["x", "y"]))
        let rendered = DocumentFields(task: try Self.task([("doc_to_choice", .string("{{choices}}"))]), features: [])
        #expect(try rendered.choices(Self.doc) == .array(["a", "b", "c"]))
    }

    @Test func templateSyntaxErrorFailsAtResolution() {
        #expect {
            _ = try Self.task([("doc_to_text", .string("{{ question "))])
        } throws: { error in
            guard let error = error as? LMEvalError else { return false }
            return error.kind == .template && error.task == "fields" && error.message.contains("doc_to_text")
        }
    }

    @Test func undefinedVariableFailsAtRender() throws {
        let task = try Self.task([("doc_to_text", .string("{{ missing_field }}"))])
        #expect {
            _ = try TaskRenderer(task: task, documents: InMemoryDocuments(["test": [Self.doc]]), options: PromptOptions(),
                                 model: APIModelOptions(model: "m"))
        } throws: { error in
            guard let error = error as? LMEvalError else { return false }
            return error.kind == .undefinedVariable && error.message.contains("missing_field")
        }
    }

    @Test func invalidConfigValues() {
        #expect {
            _ = try Self.task([("doc_to_text", .list([.string("a")]))])
        } throws: { ($0 as? LMEvalError)?.kind == .invalidConfig }
        #expect {
            _ = try Self.task([("fewshot_config", .mapping(ConfigMapping([("sampler", .string("balanced"))])))])
        } throws: { ($0 as? LMEvalError)?.message.contains("balanced") == true }
        #expect {
            _ = try Self.task([("metric_list", .list([.mapping(ConfigMapping([("aggregation", .string("mean"))]))]))])
        } throws: { ($0 as? LMEvalError)?.message.contains("'metric'") == true }
        #expect {
            _ = try Self.task([("use_prompt", .string("promptsource:x"))])
        } throws: { ($0 as? LMEvalError)?.kind == .unsupported }
    }
}
