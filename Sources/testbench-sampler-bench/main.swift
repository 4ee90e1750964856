// Benchmark: prompts built and stored per second by the real SamplerActivity (qty -1 over a
// synthetic 5-shot task) into the PostgreSQL document store, completion and chat forms, with peak
// memory, beside lm-eval 0.4.9 building the same requests from the same documents
// (scripts/bench-sampler/lmeval_requests.py) and the ratios. Not a test.
// Run: scripts/with-test-postgres.sh swift run -c release testbench-sampler-bench
// Options: --sizes 1000,10000  --repeat 3  --data DIR (keep the generated JSONL there)
//          --form completion|chat (one form only; both by default)
//          --lmeval-python PY (default $LMEVAL_PYTHON, else .venv-lmeval/bin/python when present; "none" skips lm-eval)
import BenchSupport
import Datasets
import Foundation
import JSON
import Logging
import Postgres
import Testbench
import WorkflowDefinitions

/// Deterministic word-sorting rows in BIG-bench's `{input, target}` shape.
func writeRows(count: Int, seed: UInt64, to path: String) throws {
    let words = ["apple", "zebra", "mango", "quartz", "violet", "harbor", "lantern", "pepper", "ocean", "kettle", "saddle",
                 "bramble", "cobalt", "dune", "ember", "falcon", "glacier", "hazel", "iris", "juniper", "kelp", "lotus",
                 "meadow", "nectar", "orchid", "pebble", "quill", "raven", "sable", "thistle", "umber", "vortex", "willow",
                 "yarrow", "zephyr", "anchor", "basil", "cedar", "dahlia", "fennel"]
    var state = seed
    func next(_ n: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(n))
    }
    var out = ""
    out.reserveCapacity(count * 160)
    for _ in 0..<count {
        let list = (0..<(6 + next(10))).map { _ in words[next(words.count)] }
        let row: JSONValue = ["input": .string("Sort the following words alphabetically:\nList: " + list.joined(separator: " ")),
                              "target": .string(list.sorted().joined(separator: " "))]
        out += row.serialized() + "\n"
    }
    try out.write(toFile: path, atomically: true, encoding: .utf8)
}

/// Keeps the phase timings the Sampler logs ("Sampler wrote task": load_seconds, build_and_write_seconds).
final class PhaseLog: @unchecked Sendable {
    private let lock = NSLock()
    private var phases: [(build: Double, write: Double)] = []

    func record(_ metadata: Logger.Metadata?) {
        guard let build = metadata?["load_seconds"].flatMap({ Double("\($0)") }),
              let write = metadata?["build_and_write_seconds"].flatMap({ Double("\($0)") }) else { return }
        lock.lock()
        phases.append((build, write))
        lock.unlock()
    }

    func drain() -> [(build: Double, write: Double)] {
        lock.lock()
        defer { phases = []; lock.unlock() }
        return phases
    }
}

/// Sends records to `PhaseLog` and, when BENCH_LOG=info, to standard error.
struct PhaseLogHandler: LogHandler {
    let log: PhaseLog
    let echo: Bool
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        log.record(event.metadata)
        if echo || event.level >= .warning {
            FileHandle.standardError.write(Data("\(event.level) \(event.message) \(event.metadata ?? [:])\n".utf8))
        }
    }
}

/// The Python of a virtualenv with lm-eval 0.4.9: `--lmeval-python`, `$LMEVAL_PYTHON`, else the fixtures' `.venv-lmeval`.
func lmevalInterpreter() -> String? {
    let given = argument("--lmeval-python") ?? ProcessInfo.processInfo.environment["LMEVAL_PYTHON"]
    if let given { return given == "none" || given.isEmpty ? nil : given }
    let venv = FileManager.default.currentDirectoryPath + "/.venv-lmeval/bin/python"
    return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
}

/// lm-eval's requests per second and peak RSS for the same task and documents (its own process).
func lmevalRequests(python: String, data: String, chat: Bool) throws -> (rate: Double, peakMiB: Double) {
    let script = FileManager.default.currentDirectoryPath + "/scripts/bench-sampler/lmeval_requests.py"
    let output = try lastOutputLine(of: python, [script, "--data", data] + (chat ? ["--chat"] : []))
    guard let object = try? JSONValue.parse(output), let rate = object["requests_per_second"]?.doubleValue,
          let peak = object["peak_rss_mib"]?.doubleValue else {
        throw BenchFailure(description: "unexpected output from \(script): \(output)")
    }
    return (rate, peak)
}

@main
struct SamplerBench {
    static func main() async {
        do {
            try await run()
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run() async throws {
        guard let base = ProcessInfo.processInfo.environment["TESTBENCH_TEST_POSTGRES_URI"], !base.isEmpty else {
            throw BenchFailure(description: "TESTBENCH_TEST_POSTGRES_URI is not set: run through scripts/with-test-postgres.sh")
        }
        let sizes = (argument("--sizes") ?? "1000,10000").split(separator: ",").compactMap { Int($0) }
        let repeats = max(1, Int(argument("--repeat") ?? "3") ?? 3)
        let allForms = [("completion", "/v1/completions"), ("chat", "/v1/chat/completions")]
        let forms = allForms.filter { form in argument("--form").map { $0 == form.0 } ?? true }
        guard !forms.isEmpty else { throw BenchFailure(description: "--form is completion or chat") }
        let dataRoot = argument("--data") ?? FileManager.default.temporaryDirectory.path + "/testbench-sampler-bench-\(getpid())"
        let tasksFolder = FileManager.default.currentDirectoryPath + "/tasks"
        guard FileManager.default.fileExists(atPath: tasksFolder + "/bigbench") else {
            throw BenchFailure(description: "run from the repository root (tasks/bigbench not found)")
        }
        let phaseLog = PhaseLog()
        let echo = ProcessInfo.processInfo.environment["BENCH_LOG"] == "info"
        let logger = Logger(label: "sampler-bench") { _ in PhaseLogHandler(log: phaseLog, echo: echo) }
        let lmevalPython = lmevalInterpreter()
        print("task: bigbench_word_sorting, num_fewshot 5 (few-shot split: 200 train rows), qty -1; \(repeats) runs per case, best and median")
        print("ours: SamplerActivity end to end (load rows, render, store in PostgreSQL); lm-eval 0.4.9: build_all_requests + request bodies, "
            + "no store (\(lmevalPython ?? "skipped: no --lmeval-python"))")
        print("size   form        best s  median s  prompts/s  load s  build+write s  peak RSS MiB | lm-eval req/s  RSS MiB | speed ×  RSS ÷")

        for size in sizes {
            // One dataset folder, schema, table and task registry per size.
            let folder = "\(dataRoot)/\(size)/bigbench/word_sorting"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try writeRows(count: 200, seed: 7, to: folder + "/train.jsonl")
            try writeRows(count: size, seed: 11, to: folder + "/test.jsonl")
            let schema = "sampler_bench_\(size)"
            let setup = try await PostgresConnection.connect(uri: base)
            try await setup.execute("DROP SCHEMA IF EXISTS \(Postgres.quoteIdentifier(schema)) CASCADE")
            try await setup.execute("CREATE SCHEMA \(Postgres.quoteIdentifier(schema))")
            await setup.close()
            let uri = base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
            let pool = PostgresConnectionPool(uri: uri, maxConnections: 2)
            let store = PostgresDocumentStore(pool: pool, schema: schema)
            try await store.prepare()
            let source = try DatasetSource.resolve(DatasetReference(path: "bigbench", name: "word_sorting"),
                                                   options: DatasetSourceOptions(datasetsDir: "\(dataRoot)/\(size)"))
            let local = try await source.materialize()
            let table = DatasetTableName.make(path: "bigbench", name: "word_sorting")
            try await pool.withConnection { connection in
                try await TaskRegistry.createTable(on: connection)
                let loaded = try await DatasetLoader.load(local, into: table, on: connection)
                try await TaskRegistry.register(TaskRegistration(taskName: "bigbench_word_sorting", datasetTableName: table,
                                                                 splits: loaded.splits), on: connection)
            }
            let services = TestbenchServices(config: TestbenchConfig(postgresURI: uri, includePath: [tasksFolder]),
                                             postgres: pool, documents: store, logger: logger)
            let activity = SamplerActivity(services: services)

            for (form, path) in forms {
                let input: JSONValue = [
                    "framework": "lmeh", "tasks": "bigbench_word_sorting", "qty": -1, "num_fewshot": 5,
                    "requester_args": ["address": "bench", "service": "bench", "path": .string(path)],
                ]
                var times: [Double] = []
                _ = phaseLog.drain()
                resetPeakRSS()
                for run in 0..<repeats {
                    let context = ActivityContext(workflowID: "bench", runID: "bench-\(size)-\(form)-\(run)", workflowType: "Sampler",
                                                  taskQueue: "bench", attempt: 1, maxAttempts: 1, logger: logger)
                    let start = ContinuousClock.now
                    let result = try await activity.run(input, context: context)
                    times.append(seconds(ContinuousClock.now - start))
                    guard result["prompts"]?.intValue == size else {
                        throw BenchFailure(description: "expected \(size) prompts, got \(result)")
                    }
                }
                let peak = peakRSSMiB()
                let sorted = times.sorted()
                let best = sorted[0], median = sorted[sorted.count / 2]
                // Phases of the fastest run: loading rows and building prompts, then the document store's write.
                let phases = phaseLog.drain().min { $0.build + $0.write < $1.build + $1.write } ?? (0, 0)
                let label = form.padding(toLength: 11, withPad: " ", startingAt: 0)
                var line = String(format: "%-6d ", size) + label
                    + String(format: " %7.3f  %8.3f  %9.0f  %6.3f  %13.3f  %12.1f", best, median, Double(size) / best,
                             phases.build, phases.write, peak)
                if let python = lmevalPython {
                    let lmeval = try lmevalRequests(python: python, data: "\(dataRoot)/\(size)", chat: form == "chat")
                    line += String(format: " | %13.0f  %7.1f | %7.1f  %5.2f", lmeval.rate, lmeval.peakMiB,
                                   Double(size) / best / lmeval.rate, lmeval.peakMiB / peak)
                }
                print(line)
            }
            await pool.close()
        }
        if argument("--data") == nil { try? FileManager.default.removeItem(atPath: dataRoot) }
    }
}
