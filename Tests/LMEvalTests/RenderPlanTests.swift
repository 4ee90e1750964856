import JSON
import Synchronization
import Testing
@testable import LMEval

/// The render plan decides once which splits are read whole; `TaskRenderer.load` reads only that.
@Suite struct RenderPlanTests {
    /// An asynchronous source that records what it was asked for.
    final class RecordingSource: AsyncDocumentSource {
        let splits: [String: [JSONObject]]
        let reads = Mutex<[String]>([])

        init(_ splits: [String: [JSONObject]]) { self.splits = splits }

        func rowCount(split: String) async throws -> Int? { splits[split]?.count }

        func rows(split: String) async throws -> [JSONObject]? {
            reads.withLock { $0.append("\(split):all") }
            return splits[split]
        }

        func rows(split: String, docIDs: [Int]) async throws -> [Int: JSONObject] {
            reads.withLock { $0.append("\(split):\(docIDs)") }
            var out: [Int: JSONObject] = [:]
            for id in docIDs where splits[split]?.indices.contains(id) == true { out[id] = splits[split]?[id] }
            return out
        }
    }

    static let train = (0..<9).map { JSONObject([("question", .string("T\($0)?")), ("answer", .string("t\($0)"))]) }

    @Test(arguments: [
        // (fewshot_split, num_fewshot, reads, whole evaluation split, other split)
        ("train", 3, ["test:[3, 17]", "train:all"], false, "train"),
        ("test", 3, ["test:all"], true, nil),
        ("train", 0, ["test:[3, 17]"], false, nil),
    ] as [(String, Int, [String], Bool, String?)])
    func loadReadsWhatThePlanSays(fewshotSplit: String, shots: Int, reads: [String], whole: Bool, other: String?) async throws {
        let test = PromptBuildingTests.docs(20)
        let task = try PromptBuildingTests.task([("num_fewshot", .int(shots)), ("fewshot_split", .string(fewshotSplit))])
        let plan = try RenderPlan(task: task, options: PromptOptions())
        #expect(plan.evaluationSplit == "test")
        #expect(plan.numFewshot == shots)
        #expect(plan.fewshotFromEvaluationSplit == whole)
        #expect(plan.otherFewshotSplit == other)

        let source = RecordingSource(["test": test, "train": Self.train])
        let (renderer, ids) = try await TaskRenderer.load(
            task: task, plan: plan, source: source, select: { size in size == 20 ? [3, 17] : [] },
            options: PromptOptions(), model: SparseRenderingTests.model)
        #expect(ids == [3, 17])
        #expect(source.reads.withLock { $0 } == reads)
        let full = try TaskRenderer(task: task, documents: InMemoryDocuments(["test": test, "train": Self.train]),
                                    options: PromptOptions(), model: SparseRenderingTests.model)
        #expect(try renderer.render(docIDs: ids).map(\.prompt) == (try full.render(docIDs: ids)).map(\.prompt))
    }

    @Test func selectingEveryRowReadsTheSplitOnce() async throws {
        let task = try PromptBuildingTests.task()
        let source = RecordingSource(["test": PromptBuildingTests.docs(4)])
        let (renderer, ids) = try await TaskRenderer.load(
            task: task, plan: try RenderPlan(task: task, options: PromptOptions()), source: source, select: { Array(0..<$0) },
            options: PromptOptions(), model: SparseRenderingTests.model)
        #expect(ids == [0, 1, 2, 3])
        #expect(renderer.evaluationDocuments.count == 4)
        #expect(source.reads.withLock { $0 } == ["test:all"])
    }

    @Test(arguments: [
        // (fewshot_split, num_fewshot, selected, reads at load, reads while rendering)
        ("train", 3, [17, 3, 5, 19, 6, 3], ["test:[3, 5]", "train:all"], ["test:[6, 17]", "test:[19]"]),
        ("test", 3, [17, 3, 5, 19, 6], ["test:all"], []),
        ("train", 0, Array(0..<20), ["test:[0, 1]"], (1..<10).map { "test:[\(2 * $0), \(2 * $0 + 1)]" }),
    ] as [(String, Int, [Int], [String], [String])])
    func aStreamedLoadReadsTheSelectedRowsChunkByChunkAndRendersAsAFullRun(
        fewshotSplit: String, shots: Int, selected: [Int], atLoad: [String], whileRendering: [String]
    ) async throws {
        let test = PromptBuildingTests.docs(20)
        let task = try PromptBuildingTests.task([("num_fewshot", .int(shots)), ("fewshot_split", .string(fewshotSplit))])
        let source = RecordingSource(["test": test, "train": Self.train])
        let (renderer, ids) = try await TaskRenderer.load(
            task: task, plan: try RenderPlan(task: task, options: PromptOptions()), source: source, select: { _ in selected },
            options: PromptOptions(), model: SparseRenderingTests.model, streamChunk: 2)
        #expect(source.reads.withLock { $0 } == atLoad)
        var streamed: [RenderedDocument] = []
        try await renderer.renderAscending(docIDs: ids, reading: source, chunkSize: 2) { streamed.append($0) }
        #expect(source.reads.withLock { $0 } == atLoad + whileRendering)
        let full = try TaskRenderer(task: task, documents: InMemoryDocuments(["test": test, "train": Self.train]),
                                    options: PromptOptions(), model: SparseRenderingTests.model)
        let distinct = Array(Set(selected)).sorted()
        #expect(streamed.map(\.docID) == distinct)
        #expect(streamed.map(\.prompt) == (try full.render(docIDs: distinct)).map(\.prompt))
        #expect(streamed.map(\.requests) == (try full.render(docIDs: distinct)).map(\.requests))
    }

    @Test func aRowTheSourceNoLongerHasIsADocumentsErrorAfterTheDocumentsBeforeIt() async throws {
        let task = try PromptBuildingTests.task()
        let (renderer, ids) = try await TaskRenderer.load(
            task: task, plan: try RenderPlan(task: task, options: PromptOptions()),
            source: RecordingSource(["test": PromptBuildingTests.docs(6)]), select: { _ in [0, 1, 4, 5] },
            options: PromptOptions(), model: SparseRenderingTests.model, streamChunk: 2)
        // The split shrank after it was counted (a table replaced under a running sample).
        let shrunk = RecordingSource(["test": PromptBuildingTests.docs(4)])
        var handed: [Int] = []
        let error = await #expect(throws: LMEvalError.self) {
            try await renderer.renderAscending(docIDs: ids, reading: shrunk, chunkSize: 2) { handed.append($0.docID) }
        }
        #expect(error?.kind == .documents)
        #expect(handed == [0, 1])
    }

    @Test func aMissingSplitIsADocumentsError() async throws {
        let task = try PromptBuildingTests.task()
        let error = await #expect(throws: LMEvalError.self) {
            _ = try await TaskRenderer.load(task: task, plan: try RenderPlan(task: task, options: PromptOptions()),
                                            source: RecordingSource([:]), select: { _ in [] },
                                            options: PromptOptions(), model: SparseRenderingTests.model)
        }
        #expect(error?.kind == .documents)
    }
}
