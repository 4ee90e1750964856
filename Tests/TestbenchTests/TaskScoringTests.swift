import Foundation
import JSON
import LMEval
import Testbench
import Testing
import WorkflowDefinitions

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

    static func scoring(_ yaml: String, name: String = "t", settings: TaskSettings? = nil) throws -> TaskScoring {
        let (index, folder) = try index([(name, "task: \(name)\n" + base + yaml)])
        let task = try index.resolveTask(named: name)
        return try TaskScoring(task: task, root: folder, firstDocument: ["question": "q", "answer": "1"], features: ["question", "answer"],
                               settings: settings)
    }

    @Test func bundledTasksTakeTheirScoreFromTheTaskConfiguration() throws {
        let index = try TaskIndex(folders: [PackagePaths.tasks])
        let table = try TaskSettingsTable.read(file: PackagePaths.tasks + "/task_config.json")
        for name in ["bigbench_word_sorting", "bigbench_object_counting_cot"] {
            let task = try index.resolveTask(named: name)
            let scoring = try TaskScoring(task: task, root: PackagePaths.tasks, firstDocument: nil, features: [],
                                          settings: try table.settings(for: name))
            #expect(scoring.selection.configured)
            #expect(scoring.selection.metrics == ["exact_match"])
            #expect(scoring.selection.filters == [name.hasSuffix("_cot") ? "cot-answer" : "direct-answer"])
        }
    }

    @Test func defaultIsTheFirstFilterAndFirstMetric() throws {
        let scoring = try Self.scoring(Self.twoFilters)
        #expect(scoring.selection == ScoreSelection(filters: ["strict"], metrics: ["exact_match"], configured: false))
    }

    @Test func noFilterListMeansNone() throws {
        let scoring = try Self.scoring("metric_list:\n  - metric: exact_match\n")
        #expect(scoring.selection == ScoreSelection(filters: ["none"], metrics: ["exact_match"], configured: false))
    }

    @Test func settingsSelectAnotherFilter() throws {
        let scoring = try Self.scoring(Self.twoFilters, settings: TaskSettings(metrics: ["exact_match"], filters: ["flexible"]))
        #expect(scoring.selection == ScoreSelection(filters: ["flexible"], metrics: ["exact_match"], configured: true))
        let sample = try scoring.sample(docID: 0, doc: ["question": "q", "answer": "42"], responses: ["so 40 + 2 = 42"])
        let score = try scoring.scorer.score(sample)
        #expect(try scoring.selectedScore(score).get() == 1.0)
        #expect(score.filter("strict")?.metric("exact_match") == .double(0))
    }

    @Test func everySelectedFilterIsAScoreInTheTasksOrder() throws {
        // Listed flexible first; the task's filter_list order (strict, flexible) is the order the original scores them in.
        let scoring = try Self.scoring(Self.twoFilters, settings: TaskSettings(metrics: ["exact_match"], filters: ["flexible", "strict", "loose"]))
        #expect(scoring.selection.filters == ["strict", "flexible"])
        let sample = try scoring.sample(docID: 0, doc: ["question": "q", "answer": "42"], responses: ["so 40 + 2 = 42"])
        #expect(try scoring.selectedScores(try scoring.scorer.score(sample)).get() == [0.0, 1.0])
    }

    @Test(arguments: [
        ("metric_list:\n  - metric: no_such_metric\n", nil, "no_such_metric"),
        ("filter_list:\n  - name: f\n    filter:\n      - function: no_such_filter\n", nil, "no_such_filter"),
        (twoFilters, TaskSettings(metrics: ["exact_match"], filters: ["loose"]), "the task has none of them"),
        (twoFilters, TaskSettings(metrics: ["acc"], filters: ["strict"]), "'acc', which is not a metric of the task"),
    ] as [(String, TaskSettings?, String)])
    func configurationErrorsAtLoad(_ yaml: String, _ settings: TaskSettings?, _ message: String) throws {
        let error = try #require(throws: ApplicationError.self) { try Self.scoring(yaml, settings: settings) }
        #expect(error.nonRetryable)
        #expect(error.message.contains(message), "\(error.message)")
        #expect(error.message.contains("task t"))
    }
}
