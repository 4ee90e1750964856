import Foundation
import JSON
import Testing
@testable import WorkflowDefinitions
@testable import WorkflowQueue

@Suite struct ConcurrencyTests {
    @Test func fourWorkersRunEachOfAThousandJobsExactlyOnce() async throws {
        let counter = ExecutionCounter()
        try await TestQueue.with(registry: { try $0.register("Count", options: TestQueue.fastOptions, activity: CountingActivity(counter: counter)) }) { queue in
            let runs = try await queue.client.startMany(type: "Count", inputs: Array(repeating: [:], count: 1000))
            #expect(runs.count == 1000)
            let workers = try (0..<4).map { try queue.worker(maxJobs: 4, id: "w\($0)") }
            let tasks = workers.map { queue.launch($0) }
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: .seconds(60))
            while try await queue.client.list(status: .completed, limit: 1000).count < 1000 {
                try #require(clock.now < deadline, "1000 jobs did not complete within 60 s")
                try await Task.sleep(for: .milliseconds(50))
            }
            for (worker, task) in zip(workers, tasks) { try await queue.stop(worker, task) }
            let counts = counter.snapshot
            #expect(counts.count == 1000)
            #expect(counts.values.allSatisfy { $0 == 1 }, "some job ran more than once: \(counts.filter { $0.value != 1 })")
            #expect(Set(counts.keys) == Set(runs.map(\.runID)))
            let byWorker = Dictionary(grouping: try await queue.client.list(limit: 1000), by: { $0.workerID ?? "" })
            #expect(byWorker.count >= 2, "work was spread over the workers: \(byWorker.mapValues(\.count))")
            #expect(try await queue.client.list(limit: 1000).allSatisfy { $0.attempt == 1 })
        }
    }
}
