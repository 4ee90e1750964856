import ArgumentParser

@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "testbench-bench",
        abstract: "Benchmarks of the test-bench's engines (run in release: swift run -c release testbench-bench …).",
        subcommands: [QueueBenchmark.self, TemporalBenchmark.self, ScoringBenchmark.self, IFEvalBenchmark.self, LoglikelihoodBenchmark.self]
    )
}
