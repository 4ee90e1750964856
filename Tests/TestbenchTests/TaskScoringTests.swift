import Foundation
import JSON
import LMEval
import Testbench
import Testing
import WorkflowQueue

/// Which filter/metric a task's stored score uses, and configuration errors at task load.
@Suite struct TaskScoringTests {
    /// A task folder with one YAML per (name, body).
    static func index(_ tasks: [(String, String)]) throws -> (TaskIndex, String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scoring-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (name, body) in tasks {
            try Data(body.utf8).write(to: URL(fileURLWithPath: "\(folder)/\(name).yaml"))
        }
        return (try TaskIndex(folders: [folder]), folder)
    }

    static let base = """
        dataset_path: local
        output_type: generate_until
        test_split: test
        doc_to_text: "Q: {{question}}\\nA:"
        doc_to_target: "{{answer}}"

        """
    static let twoFilters = """
        filter_list:
          - name: strict
            filter:
              - function: regex
                regex_pattern: "#### (\\\\-?[0-9\\\\.\\\\,]+)"
              - function: take_first
          - name: flexible
            filter:
              - function: regex
                group_select: -1
                regex_pattern: "(-?[$0-9.,]{2,})|(-?[0-9]+)"
              - function: take_first
        metric_list:
          - metric: exact_match

        """

    static func scoring(_ yaml: String, name: String = "t") throws -> TaskScoring {
        let (index, folder) = try index([(name, "task: \(name)\n" + base + yaml)])
        let task = try index.resolveTask(named: name)
        return try TaskScoring(task: task, root: folder, firstDocument: ["question": "q", "answer": "1"], features: ["question", "answer"])
    }

    @Test func bundledTasksNameTheirScore() throws {
        let index = try TaskIndex(folders: [PackagePaths.tasks])
        for name in ["bigbench_word_sorting", "bigbench_object_counting_cot"] {
            let task = try index.resolveTask(named: name)
            let scoring = try TaskScoring(task: task, root: PackagePaths.tasks, firstDocument: nil, features: [])
            #expect(scoring.selection.configured)
            #expect(scoring.selection.metric == "exact_match")
            #expect(scoring.selection.filter == (name.hasSuffix("_cot") ? "cot-answer" : "direct-answer"))
        }
    }

    @Test func defaultIsTheFirstFilterAndFirstMetric() throws {
        let scoring = try Self.scoring(Self.twoFilters)
        #expect(scoring.selection == ScoreSelection(filter: "strict", metric: "exact_match", configured: false))
    }

    @Test func noFilterListMeansNone() throws {
        let scoring = try Self.scoring("metric_list:\n  - metric: exact_match\n")
        #expect(scoring.selection == ScoreSelection(filter: "none", metric: "exact_match", configured: false))
    }

    @Test func metadataSelectsAnotherFilter() throws {
        let scoring = try Self.scoring(Self.twoFilters + "metadata:\n  testbench_score:\n    filter: flexible\n    metric: exact_match\n")
        #expect(scoring.selection == ScoreSelection(filter: "flexible", metric: "exact_match", configured: true))
        let sample = try scoring.sample(docID: 0, doc: ["question": "q", "answer": "42"], responses: ["so 40 + 2 = 42"])
        let score = try scoring.scorer.score(sample)
        #expect(try scoring.selectedScore(score).get() == 1.0)
        #expect(score.filter("strict")?.metric("exact_match") == .double(0))
    }

    @Test func anIncludingYAMLOverridesTheSelection() throws {
        let (index, folder) = try Self.index([
            ("parent", "task: parent\n" + Self.base + Self.twoFilters),
            ("child", "include: parent.yaml\ntask: child\nmetadata:\n  testbench_score: {filter: flexible, metric: exact_match}\n"),
        ])
        let parent = try TaskScoring(task: try index.resolveTask(named: "parent"), root: folder, firstDocument: nil, features: [])
        let child = try TaskScoring(task: try index.resolveTask(named: "child"), root: folder, firstDocument: nil, features: [])
        #expect(parent.selection.filter == "strict")
        #expect(child.selection.filter == "flexible")
    }

    @Test(arguments: [
        ("metric_list:\n  - metric: no_such_metric\n", "no_such_metric"),
        ("filter_list:\n  - name: f\n    filter:\n      - function: no_such_filter\n", "no_such_filter"),
        (twoFilters + "metadata:\n  testbench_score: {filter: loose, metric: exact_match}\n", "'loose' is not a filter_list pipeline"),
        (twoFilters + "metadata:\n  testbench_score: {filter: strict, metric: acc}\n", "'acc' is not a metric of the task"),
        (twoFilters + "metadata:\n  testbench_score: strict\n", "must be a mapping"),
    ])
    func configurationErrorsAtLoad(_ yaml: String, _ message: String) throws {
        let error = try #require(throws: ApplicationError.self) { try Self.scoring(yaml) }
        #expect(error.nonRetryable)
        #expect(error.message.contains(message), "\(error.message)")
        #expect(error.message.contains("task t"))
    }
}
