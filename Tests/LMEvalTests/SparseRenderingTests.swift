import JSON
import Testing
@testable import LMEval

/// Rendering from only some evaluation rows must give what a full run gives for those ids.
@Suite("Sparse evaluation documents")
struct SparseRenderingTests {
    static let model = APIModelOptions(model: "testbench-model")

    static func sparse(_ docs: [JSONObject], _ ids: [Int]) -> [Int: JSONObject] {
        Dictionary(uniqueKeysWithValues: ids.map { ($0, docs[$0]) })
    }

    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var fewshotSplit: String
        var chat: Bool
        var multiturn: Bool
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "completion, train few-shot", fewshotSplit: "train", chat: false, multiturn: false),
        Case(name: "chat, train few-shot", fewshotSplit: "train", chat: true, multiturn: false),
        Case(name: "chat multiturn, train few-shot", fewshotSplit: "train", chat: true, multiturn: true),
        Case(name: "completion, few-shot from the evaluation split", fewshotSplit: "test", chat: false, multiturn: false),
        Case(name: "chat, few-shot from the evaluation split", fewshotSplit: "test", chat: true, multiturn: false),
    ]

    @Test(arguments: cases)
    func sparseRowsRenderAsTheFullRunDoes(_ testCase: Case) throws {
        let test = PromptBuildingTests.docs(40)
        let train = (0..<9).map { JSONObject([("question", .string("T\($0)?")), ("answer", .string("t\($0)")), ("n", .int(100 + $0))]) }
        let task = try PromptBuildingTests.task([("num_fewshot", .int(3)), ("fewshot_split", .string(testCase.fewshotSplit))])
        let options = PromptOptions(applyChatTemplate: testCase.chat, fewshotAsMultiturn: testCase.multiturn)
        let full = try TaskRenderer(task: task, documents: InMemoryDocuments(["test": test, "train": train]), options: options, model: Self.model)
        let ids = [3, 4, 17, 39]
        // The few-shot split is supplied whole; the evaluation split only where sampled (unless it is the few-shot split).
        let others = testCase.fewshotSplit == "test" ? InMemoryDocuments(["test": test]) : InMemoryDocuments(["train": train])
        let sparse = try TaskRenderer(task: task, evaluationRows: Self.sparse(test, ids), evaluationCount: test.count,
                                      documents: others, options: options, model: Self.model)
        #expect(sparse.evaluationCount == 40)
        #expect(sparse.evaluationDocuments.count == ids.count)
        let expected = try full.render(docIDs: ids)
        let got = try sparse.render(docIDs: ids)
        #expect(got.map(\.docID) == ids)
        #expect(got.map(\.prompt) == expected.map(\.prompt))
        #expect(got.map(\.request) == expected.map(\.request))
        #expect(try sparse.renderAll().map(\.prompt) == expected.map(\.prompt))
    }

    @Test func anIDThatWasNotLoadedIsAnError() throws {
        let test = PromptBuildingTests.docs(10)
        let task = try PromptBuildingTests.task()
        let sparse = try TaskRenderer(task: task, evaluationRows: Self.sparse(test, [2, 5]), evaluationCount: 10,
                                      documents: InMemoryDocuments([:]), options: PromptOptions(), model: Self.model)
        #expect(throws: LMEvalError.self) { try sparse.render(docIDs: [3]) }
        #expect(throws: LMEvalError.self) { try sparse.render(docIDs: [10]) }
        #expect(throws: LMEvalError.self) {
            try TaskRenderer(task: task, evaluationRows: [12: test[0]], evaluationCount: 10,
                             documents: InMemoryDocuments([:]), options: PromptOptions(), model: Self.model)
        }
    }

    @Test func aMissingFewshotSplitIsAnErrorOnlyWhenExamplesAreAsked() throws {
        let test = PromptBuildingTests.docs(10)
        let zeroShot = try PromptBuildingTests.task([("fewshot_split", .string("train"))])
        let rendered = try TaskRenderer(task: zeroShot, evaluationRows: Self.sparse(test, [1]), evaluationCount: 10,
                                        documents: InMemoryDocuments([:]), options: PromptOptions(), model: Self.model).render(docIDs: [1])
        #expect(rendered.first?.prompt == .text("Q1?"))
        let threeShot = try PromptBuildingTests.task([("num_fewshot", .int(3)), ("fewshot_split", .string("train"))])
        #expect(throws: LMEvalError.self) {
            try TaskRenderer(task: threeShot, evaluationRows: Self.sparse(test, [1]), evaluationCount: 10,
                             documents: InMemoryDocuments([:]), options: PromptOptions(), model: Self.model)
        }
    }

    @Test func processDocsMustKeepRowsOneForOne() throws {
        var natives = NativeFunctionRegistry()
        natives.register(module: "utils.py", name: "keep_even", .processDocs { rows in rows.filter { ($0["n"]?.intValue ?? 0) % 2 == 0 } })
        natives.register(module: "utils.py", name: "shout", .processDocs { rows in
            rows.map { row in
                var copy = row
                copy["question"] = .string((row["question"]?.stringValue ?? "").uppercased())
                return copy
            }
        })
        func task(_ function: String) throws -> ResolvedTask {
            var config = ConfigMapping([
                ("task", .string("toy")), ("dataset_path", .string("toy")), ("test_split", .string("test")),
                ("doc_to_text", .string("question")), ("doc_to_target", .string("answer")),
                ("process_docs", .function(FunctionReference(expression: "utils.\(function)", yamlFile: "/tasks/toy.yaml"))),
            ])
            config["metadata"] = .mapping(ConfigMapping())
            return try TaskResolver(natives: natives, root: "/tasks")
                .resolve(TaskReference(name: "toy", groups: [], file: "/tasks/toy.yaml", config: config, kind: .task))
        }
        let test = PromptBuildingTests.docs(6)
        let mapped = try TaskRenderer(task: task("shout"), evaluationRows: Self.sparse(test, [1, 4]), evaluationCount: 6,
                                      documents: InMemoryDocuments([:]), options: PromptOptions(), model: Self.model)
        #expect(try mapped.render(docIDs: [4, 1]).map(\.prompt) == [.text("Q4?"), .text("Q1?")])
        let error = #expect(throws: LMEvalError.self) {
            try TaskRenderer(task: task("keep_even"), evaluationRows: Self.sparse(test, [1, 4]), evaluationCount: 6,
                             documents: InMemoryDocuments([:]), options: PromptOptions(), model: Self.model)
        }
        #expect(error?.message.contains("row for row") == true)
    }

    @Test func fewshotSourceFollowsLMEvalsOrder() throws {
        #expect(TaskRenderer.fewshotSource(of: try PromptBuildingTests.task()) == .split("test"))
        #expect(TaskRenderer.fewshotSource(of: try PromptBuildingTests.task([("fewshot_split", .null), ("training_split", .string("train"))])) == .split("train"))
        #expect(TaskRenderer.evaluationSplit(of: try PromptBuildingTests.task()) == "test")
    }
}
