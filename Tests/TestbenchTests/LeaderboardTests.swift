import ExtendedJSON
import Foundation
import JSON
import TestSupport
import Testbench
import Testing

@Suite struct LeaderboardTests {
    static func result(_ task: ObjectID, status: Int = 0, time: Date, scores: [(Double, Double, Int)]) -> JSONObject {
        JSONObject([
            ("result_data", ["task_id": .objectID(task), "num_samples": .int(scores.count), "status": .int(status),
                             "result_height": 10, "result_time": .date(time)]),
            ("scores", .array(scores.enumerated().map { i, s in
                ["score": .double(s.0), "id": .int(i), "run_time": .double(s.1), "status_code": .int(s.2), "error_str": ""]
            })),
        ])
    }

    static func task(_ id: ObjectID, _ name: String, _ address: String, _ service: String = "A100") -> JSONObject {
        ["_id": .objectID(id), "tasks": .string(name), "requester_args": ["address": .string(address), "service": .string(service)]]
    }

    @Test func ranksSuppliersPerTask() {
        let (a1, a2, b1, c1, gone) = (ObjectID(), ObjectID(), ObjectID(), ObjectID(), ObjectID())
        let t0 = Date(timeIntervalSince1970: 1_700_000_000)
        let tasks = [a1.hex: Self.task(a1, "gsm8k", "alice"), a2.hex: Self.task(a2, "gsm8k", "alice"),
                     b1.hex: Self.task(b1, "gsm8k", "bob"), c1.hex: Self.task(c1, "word_sorting", "bob")]
        let results = [
            Self.result(a1, time: t0, scores: [(1, 100, 0), (0, 300, 0)]),
            Self.result(a2, time: t0.addingTimeInterval(60), scores: [(1, 200, 0), (0, 0, 2)]),
            Self.result(b1, time: t0, scores: [(1, 50, 0), (1, 70, 0)]),
            Self.result(c1, status: 1, time: t0, scores: []),
            Self.result(gone, time: t0, scores: [(1, 1, 0)]),
        ]
        let entries = Leaderboard.build(results: results, tasks: tasks)
        #expect(entries.map { "\($0.task)/\($0.address)#\($0.rank)" } == ["(unknown)/(unknown)#1", "gsm8k/bob#1", "gsm8k/alice#2", "word_sorting/bob#1"])
        let alice = entries[2]
        #expect(alice.results == 2 && alice.samples == 4 && alice.failed == 1)
        #expect(alice.meanScore == 0.5)
        #expect(alice.meanResponseMilliseconds == 200)
        #expect(alice.lastResult == t0.addingTimeInterval(60))
        #expect(entries[3].samples == 0 && entries[3].meanScore == nil && entries[3].results == 1)
        #expect(Leaderboard.build(results: results, tasks: tasks, task: "gsm8k").map(\.address) == ["bob", "alice"])

        let table = Leaderboard.render(Array(entries[1...2]))
        let lines = table.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("rank  task   address  service  mean score  samples  failed  mean ms  last result"))
        #expect(lines[2].contains("bob") && lines[2].contains("1.0000") && lines[2].contains("2023-11-14T22:13:20Z"))
        #expect(Leaderboard.json(entries).arrayValue?[1]["mean_score"] == 1.0)
    }

    /// Two suppliers sampled and evaluated through the real Sampler and Evaluator, ranked from the store.
    @Test func ranksStoredResults() async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_word_sorting", dataset: "word_sorting")
            for (address, right) in [("pokt1good", 2), ("pokt1bad", 0)] {
                let input = samplerInput(task: "bigbench_word_sorting", docIDs: testRows([0, 1]), extra: [
                    ("requester_args", ["address": .string(address), "service": "A100", "path": "/v1/completions"]),
                ])
                let sampled = try await world.sample(input)
                try await writeResponses(world, taskID: sampled.taskID) { docID, target, _ in docID < right ? .text(" " + target) : .text(" no") }
                _ = try await Evaluator(services: world.services).evaluate(EvaluatorInput(taskID: sampled.taskID), logger: EvaluatorTests.logger)
            }
            let entries = try await Leaderboard.load(from: world.services.documents, task: "bigbench_word_sorting")
            #expect(entries.map(\.address) == ["pokt1good", "pokt1bad"])
            #expect(entries.map(\.meanScore) == [1.0, 0.0])
            #expect(entries.map(\.samples) == [2, 2])
            #expect(entries.first?.meanResponseMilliseconds == 100.5)
            #expect(try await Leaderboard.load(from: world.services.documents, task: "other").isEmpty)
        }
    }
}
