import Foundation
import JSON
import LMEval
import Scoring
import Testbench
import Testing

/// Group rows of a reference run's table against the tables lm-eval 0.4.9 prints for the same
/// answers (`scripts/lmeval-fixtures/group_tables.py`).
@Suite struct ReferenceGroupTests {
    static let fixtures = PackagePaths.root.appendingPathComponent("Tests/TestbenchTests/Fixtures/group-tables").path

    @Test(arguments: [("bigbench", "bigbench"), ("nested", "testbench_outer"), ("unaggregated", "testbench_plain")])
    func tableMatchesLMEvals(_ name: String, _ group: String) async throws {
        let index = try TaskIndex(folders: [PackagePaths.tasks, Self.fixtures + "/groups"])
        let runner = ReferenceRunner(index: index, options: ReferenceRunOptions(tasks: [group], datasetsDir: PackagePaths.datasets))
        let report = try await runner.run(.file(try ResponsesFile(path: "\(Self.fixtures)/\(name).responses.jsonl")))
        let expected = try String(contentsOfFile: "\(Self.fixtures)/\(name).txt", encoding: .utf8)
        #expect(report.table + "\n" == expected)
    }

    static func row(_ value: Double, _ stderr: Double?, _ n: Int) -> ResultRow {
        ResultRow(filter: "none", metric: "acc", value: value, stderr: stderr, n: n, higherIsBetter: true)
    }

    @Test func weightBySizeAndPooledStderr() throws {
        let config: JSONObject = ["aggregate_metric_list": [["metric": "acc", "weight_by_size": true]]]
        let weighted = try ReferenceGroup(name: "g", config: config)
        let subtasks = [[Self.row(1.0, 0.1, 10)], [Self.row(0.5, 0.2, 30)]]
        let rows = weighted.rows(over: subtasks)
        #expect(rows.count == 1)
        #expect(abs(rows[0].value - 0.625) < 1e-12)
        // Pooled variance: (9·0.01·10 + 29·0.04·30) / (40 − 2), over 40 documents.
        #expect(abs((rows[0].stderr ?? 0) - ((9 * 0.01 * 10 + 29 * 0.04 * 30) / 38.0 / 40).squareRoot()) < 1e-12)
        #expect(rows[0].n == 40)
        let plain = try ReferenceGroup(name: "g", config: ["aggregate_metric_list": [["metric": "acc"]]])
        #expect(plain.rows(over: subtasks).first?.value == 0.75)
        #expect(plain.rows(over: [[Self.row(1, nil, 1)], [Self.row(0, 0.1, 5)]]).first?.stderr == nil, "a subtask without stderr makes it N/A")
    }

    @Test(arguments: [
        (["aggregate_metric_list": [["metric": "acc", "aggregation": "median"]]] as JSONObject, "median"),
        (["aggregate_metric_list": [["aggregation": "mean"]]] as JSONObject, "metric"),
    ] as [(JSONObject, String)])
    func unsupportedAggregationsAreNamed(_ config: JSONObject, _ named: String) {
        #expect { try ReferenceGroup(name: "g", config: config) } throws: { ($0 as? ReferenceRunError)?.message.contains(named) == true }
    }
}
