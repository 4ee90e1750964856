import Foundation
import JSON
import Testing
@testable import LMEval

/// Documents from `<folder>/<split>.jsonl` (the parity fixtures' data layout).
struct JSONLFolderDocuments: DocumentSource {
    let folder: URL

    func documents(split: String) throws(LMEvalError) -> [JSONObject]? {
        let url = folder.appendingPathComponent("\(split).jsonl")
        guard let data = try? Data(contentsOf: url) else { return nil }
        var rows: [JSONObject] = []
        for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            do {
                guard case let .object(row) = try JSONValue.parse(String(line)) else {
                    throw LMEvalError(.documents, file: url.path, "line \(number + 1) is not a JSON object")
                }
                rows.append(row)
            } catch let error as JSONParseError {
                throw LMEvalError(.documents, file: url.path, "line \(number + 1): \(error.description)")
            } catch {
                throw LMEvalError(.documents, file: url.path, "line \(number + 1): \(error)")
            }
        }
        return rows
    }
}

/// Byte-for-byte comparison with prompts lm-eval 0.4.9 built (Fixtures/parity, see PARITY_FORMAT.md).
@Suite("lm-eval parity", .serialized)
struct ParityTests {
    static let parity = TestSupport.fixtures.appendingPathComponent("parity")

    static var cases: [JSONValue] {
        guard let value = try? TestSupport.loadJSON("parity/cases.json") else { return [] }
        return value.arrayValue ?? []
    }

    /// Indexes built once per folder (the lm-eval tree takes seconds in debug builds).
    static let lmevalIndex: Result<TaskIndex, LMEvalError>? = TestSupport.lmevalTasks.map { path in
        Result { () throws(LMEvalError) in try TaskIndex(folders: [path]) }
    }
    static let bundledIndex: Result<TaskIndex, LMEvalError> = Result { () throws(LMEvalError) in
        try TaskIndex(folders: [TestSupport.packageRoot.appendingPathComponent("tasks").path])
    }

    @Test func fixturesArePresent() {
        #expect(!Self.cases.isEmpty, "Tests/LMEvalTests/Fixtures/parity/cases.json is missing or empty: merge the fixtures branch")
    }

    @Test(arguments: cases)
    func matchesLMEval(_ testCase: JSONValue) throws {
        let name = try #require(testCase["name"]?.stringValue)
        let taskName = try #require(testCase["task"]?.stringValue)
        let index: TaskIndex
        switch testCase["tasks_dir"]?.stringValue {
        // "original": lm-eval ran the original's own folders; ours in tasks/ must render the same.
        case "bundled", "original": index = try Self.bundledIndex.get()
        default:
            index = try #require(Self.lmevalIndex, "lm-eval's task tree is missing: run scripts/fetch-lmeval-tasks.sh").get()
        }
        let dataFolder = Self.parity.appendingPathComponent(try #require(testCase["data"]?.stringValue))
        let reference = try #require(try index.expand(taskName).first)
        let task = try index.resolve(reference)
        let options = PromptOptions(
            numFewshot: testCase["num_fewshot"]?.intValue,
            applyChatTemplate: testCase["chat"]?.boolValue ?? false,
            fewshotAsMultiturn: testCase["fewshot_as_multiturn"]?.boolValue ?? false,
            systemInstruction: testCase["system_instruction"]?.stringValue)
        let model = APIModelOptions(model: testCase["model"]?.stringValue ?? "testbench-model")
        let renderer = try TaskRenderer(task: task, documents: JSONLFolderDocuments(folder: dataFolder), options: options, model: model)
        let ids = (testCase["doc_ids"]?.arrayValue ?? []).compactMap(\.intValue)
        let rendered = try renderer.render(docIDs: ids.sorted())

        let expectedText = try String(contentsOf: Self.parity.appendingPathComponent("\(name).jsonl"), encoding: .utf8)
        let expected = try expectedText.split(separator: "\n").map { line throws in try JSONValue.parse(String(line)) }
        #expect(expected.count == rendered.count, "\(name): expected \(expected.count) lines")
        for (want, got) in zip(expected, rendered) {
            let id = got.docID
            #expect(want["doc_id"]?.intValue == id, "\(name): doc ids out of step")
            if case let .string(wantPrompt)? = want["prompt"], case let .text(gotPrompt) = got.prompt {
                #expect(Array(wantPrompt.utf8) == Array(gotPrompt.utf8), "\(name) doc \(id): prompt differs\n--- lm-eval\n\(wantPrompt)\n--- swift\n\(gotPrompt)")
            } else {
                #expect(want["prompt"] == got.prompt.json, "\(name) doc \(id): prompt differs\n--- lm-eval\n\(want["prompt"] ?? .null)\n--- swift\n\(got.prompt.json)")
            }
            let wantRequest = want["request"] ?? .null
            #expect(wantRequest == .object(got.request), "\(name) doc \(id): request differs\n--- lm-eval\n\(wantRequest)\n--- swift\n\(JSONValue.object(got.request))")
            #expect(wantRequest.objectValue?.keys == got.request.keys, "\(name) doc \(id): request key order differs")
            #expect(want["target"] == got.target, "\(name) doc \(id): target differs: \(want["target"] ?? .null) vs \(got.target)")
        }
    }
}
