import Python

// Benchmark: load a generated JSON Lines dataset with the Datasets module and compare its rate with
// psql's `\copy … CSV` of the same rows into an equivalent table. Not a test; run scripts/bench-ingest.sh.
import BenchSupport
import Datasets
import Foundation
import JSON
import Postgres

/// Appends to a file through a 1 MiB buffer.
struct BufferedFile {
    let handle: FileHandle
    var buffer: [UInt8] = []

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw BenchFailure(description: "cannot create \(path)")
        }
        self.handle = handle
        buffer.reserveCapacity(1 << 20 + 4096)
    }

    mutating func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { try flush() }
    }

    mutating func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func close() throws {
        try flush()
        try handle.close()
    }
}

let words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu"]

/// Row `i` with 6 columns: int, float, bool, short text, list of strings, small object.
func row(_ i: Int) -> JSONObject {
    [
        "id": .int(i),
        "score": .double(Double(i % 1000) / 7.0),
        "flag": .bool(i % 3 == 0),
        "word": .string("\(words[i % words.count]) \(i % 97)"),
        "tags": .array([.string(words[i % 5]), .string(words[(i / 5) % words.count])]),
        "meta": ["k": .int(i % 10), "v": .string(words[i % 7])],
    ]
}

/// A CSV field with RFC 4180 quoting.
func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

func run() async throws {
    guard let uri = argument("--uri") ?? ProcessInfo.processInfo.environment["TESTBENCH_TEST_POSTGRES_URI"] else {
        throw BenchFailure(description: "set TESTBENCH_TEST_POSTGRES_URI or pass --uri (scripts/with-test-postgres.sh scripts/bench-ingest.sh)")
    }
    let rowCount = Int(argument("--rows") ?? "") ?? 1_000_000
    let directory = FileManager.default.temporaryDirectory.path + "/ingest-bench-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }

    // 1. Generate the dataset (JSON Lines) and the same rows as CSV for psql.
    let jsonlPath = directory + "/train.jsonl"
    let csvPath = directory + "/train.csv"
    var jsonl = try BufferedFile(path: jsonlPath)
    var csv = try BufferedFile(path: csvPath)
    for i in 0..<rowCount {
        let r = row(i)
        try jsonl.write(JSONValue.object(r).serialized() + "\n")
        let tags = (r["tags"]?.arrayValue ?? []).compactMap(\.stringValue).map { "\"\($0)\"" }.joined(separator: ",")
        let fields = [
            String(i), "train", String(i), PythonFloat.repr(r["score"]?.doubleValue ?? 0),
            i % 3 == 0 ? "t" : "f", csvField(r["word"]?.stringValue ?? ""), csvField("{\(tags)}"), csvField(r["meta"]?.serialized() ?? "null"),
        ]
        try csv.write(fields.joined(separator: ",") + "\n")
    }
    try jsonl.close()
    try csv.close()
    let memoryAfterGeneration = peakRSSMiB()
    if CommandLine.arguments.contains("--profile") {
        try profile(jsonlPath, rowCount: rowCount)
        return
    }

    let connection = try await PostgresConnection.connect(uri: uri)
    let suffix = UUID().uuidString.prefix(8).lowercased()
    let ourTable = "bench_datasets_\(suffix)"
    let psqlTable = "bench_psql_\(suffix)"

    // 2. Our load: first pass (inference), then CREATE + COPY + primary key in one transaction.
    let clock = ContinuousClock()
    let start = clock.now
    let dataset = LocalDataset(splits: [SplitFiles(split: "train", paths: [jsonlPath])], origin: "bench")
    let plan = try DatasetPlan.make(dataset)
    let planned = clock.now
    let result = try await DatasetLoader.load(plan, into: ourTable, on: connection, progressEvery: 250_000) { progress in
        print("  progress: \(progress.rowsCopied)/\(progress.totalRows) rows copied")
    }
    let loaded = clock.now
    guard result.outcome == .loaded(rows: rowCount) else { throw BenchFailure(description: "unexpected outcome \(result.outcome)") }
    print("schema: \(plan.schema)")

    // 3. psql \copy of the same rows (CSV) into an equivalent table, then the same primary key.
    try await connection.execute(DatasetLoader.createTableSQL(psqlTable, schema: plan.schema))
    let psql = Process()
    psql.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    psql.arguments = ["psql", uri, "-v", "ON_ERROR_STOP=1", "-q", "-1",
                      "-c", "\\copy \(psqlTable) FROM '\(csvPath)' CSV",
                      "-c", "ALTER TABLE \(psqlTable) ADD PRIMARY KEY (__id, __split)"]
    let psqlStart = clock.now
    try psql.run()
    psql.waitUntilExit()
    let psqlEnd = clock.now
    guard psql.terminationStatus == 0 else { throw BenchFailure(description: "psql failed with status \(psql.terminationStatus)") }
    let psqlCount = try await connection.query("SELECT count(*) FROM \(Postgres.quoteIdentifier(psqlTable))").scalar(Int.self)
    guard psqlCount == rowCount else { throw BenchFailure(description: "psql loaded \(psqlCount) rows") }

    // Same rows in both tables?
    let differing = try await connection.query("""
        SELECT count(*) FROM \(Postgres.quoteIdentifier(ourTable)) a JOIN \(Postgres.quoteIdentifier(psqlTable)) b USING (__id)
        WHERE (a.id, a.score, a.flag, a.word, a.tags, a.meta::text) IS DISTINCT FROM (b.id, b.score, b.flag, b.word, b.tags, b.meta::text)
        """).scalar(Int.self)
    try await connection.execute("DROP TABLE \(Postgres.quoteIdentifier(ourTable)), \(Postgres.quoteIdentifier(psqlTable))")
    await connection.close()

    let total = seconds(start.duration(to: loaded))
    let inference = seconds(start.duration(to: planned))
    let copy = seconds(planned.duration(to: loaded))
    let psqlSeconds = seconds(psqlStart.duration(to: psqlEnd))
    let ours = Double(rowCount) / total
    let theirs = Double(rowCount) / psqlSeconds
    print(String(format: "rows: %d (JSONL %.1f MiB)", rowCount, Double((try? FileManager.default.attributesOfItem(atPath: jsonlPath)[.size] as? Int) ?? 0) / 1_048_576))
    print(String(format: "Datasets load: %.2f s = %.0f rows/s (inference pass %.2f s, CREATE+COPY+PK %.2f s = %.0f rows/s)", total, ours, inference, copy, Double(rowCount) / copy))
    print(String(format: "psql \\copy CSV + PK: %.2f s = %.0f rows/s", psqlSeconds, theirs))
    print(String(format: "ratio (Datasets / psql): %.0f %% end to end, %.0f %% for the COPY phase alone", 100 * ours / theirs, 100 * (Double(rowCount) / copy) / theirs))
    print(String(format: "peak RSS: %.1f MiB (after generating the files: %.1f MiB)", peakRSSMiB(), memoryAfterGeneration))
    print("rows differing between the two tables: \(differing)")
}

/// Times the CPU-side stages alone (no database): parse, parse + infer, parse + encode.
func profile(_ path: String, rowCount: Int) throws {
    let clock = ContinuousClock()
    func time(_ label: String, _ body: () throws -> Void) rethrows {
        let start = clock.now
        try body()
        let s = seconds(start.duration(to: clock.now))
        print(String(format: "%@: %.2f s = %.0f rows/s", label, s, Double(rowCount) / s))
    }
    try time("read + parse") {
        var reader = try JSONLinesReader(path: path)
        while try reader.next() != nil {}
    }
    var inference = SchemaInference()
    try time("read + parse + infer") {
        var reader = try JSONLinesReader(path: path)
        while let row = try reader.next() { try inference.add(row) }
    }
    try time("inference pass (byte-level fast path)") {
        _ = try DatasetPlan.make(LocalDataset(splits: [SplitFiles(split: "train", paths: [path])], origin: "bench"))
    }
    let encoder = CopyRowEncoder(schema: inference.schema)
    try time("read + parse + encode") {
        var reader = try JSONLinesReader(path: path)
        var buffer: [UInt8] = []
        var id = 0
        while let row = try reader.next() {
            try encoder.append(id: id, split: "train", row: row, rowNumber: id, to: &buffer)
            id += 1
            if buffer.count > 1 << 18 { buffer.removeAll(keepingCapacity: true) }
        }
    }
}

do {
    try await run()
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
