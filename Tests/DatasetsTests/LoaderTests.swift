import Foundation
import JSON
import Postgres
import TestSupport
import Testing
@testable import Datasets

/// Rows of a JSONL file, as the source has them.
private func sourceRows(_ path: String) throws -> [JSONObject] { try readAll(JSONLinesReader(path: path)) }

@Suite("Loading into PostgreSQL")
struct LoaderTests {
    @Test("bundled BIG-bench data: rows read back equal and in order, split ranges contiguous", arguments: ["navigate", "arithmetic_2_digit_addition"])
    func bigbench(_ name: String) async throws {
        let db = try await TestDatabase.open()
        try await withCleanup({ await db.close() }) {
            let source = try DatasetSource.resolve(DatasetReference(path: "bigbench", name: name), options: DatasetSourceOptions(datasetsDir: Fixtures.directory))
            let local = try await source.materialize()
            let table = DatasetTableName.make(path: "bigbench", name: name)
            #expect(table == "bigbench--\(name)")
            let reports = ProgressLog()
            let result = try await DatasetLoader.load(local, into: table, on: db.connection, progressEvery: 100) { reports.add($0) }

            let train = try sourceRows(Fixtures.directory + "/bigbench/\(name)/train.jsonl")
            let test = try sourceRows(Fixtures.directory + "/bigbench/\(name)/test.jsonl")
            #expect(result.outcome == .loaded(rows: train.count + test.count))
            let expectedRanges = [SplitRange(split: "train", minID: 0, maxID: train.count - 1, count: train.count),
                                  SplitRange(split: "test", minID: train.count, maxID: train.count + test.count - 1, count: test.count)]
            #expect(result.splits == expectedRanges)
            let ranges = try await DatasetTable.splitRanges(table, on: db.connection)
            #expect(ranges == expectedRanges)

            let storedTest = try await DatasetTable.rows(table, split: "test", on: db.connection)
            #expect(storedTest.map(\.document) == test)
            #expect(storedTest.map { ranges[1].documentIndex(ofID: $0.id) } == Array(0..<test.count))
            #expect(storedTest.allSatisfy { $0.document.keys == test[0].keys })
            let storedTrain = try await DatasetTable.rows(table, split: "train", on: db.connection)
            #expect(storedTrain.map(\.document) == train)

            let some = try await DatasetTable.rows(table, ids: [7, 0, 100], on: db.connection)
            #expect(some.map(\.id) == [0, 7, 100])
            #expect(some[1].document == test[2])

            let columns = try #require(try await DatasetTable.columns(table, on: db.connection))
            let expectedColumns: [DatasetColumn] = name == "navigate"
                ? [.init(name: "input", type: .text), .init(name: "target", type: .text), .init(name: "choices", type: .array(.text)), .init(name: "label", type: .bigint)]
                : [.init(name: "input", type: .text), .init(name: "target", type: .text)]
            #expect(columns == expectedColumns)
            #expect(reports.values.last?.rowsCopied == train.count + test.count)
            #expect(reports.values.count >= 3)

            // Loading the same data again is recognised, not duplicated.
            let again = try await DatasetLoader.load(local, into: table, on: db.connection)
            #expect(again.outcome == .alreadyLoaded)
            #expect(again.splits == expectedRanges)
        }
    }

    @Test("mixed types read back as the source had them, nested key order kept, missing keys null")
    func roundTrip() async throws {
        let db = try await TestDatabase.open()
        try await withCleanup({ await db.close() }) {
            let dir = try TemporaryDirectory()
            let lines = [
                #"{"i": 1, "f": 1.5, "b": true, "s": "tab\there\nnew \\ line ünï 😀", "l": ["a", "b\"c", "NULL", null], "o": {"z": 1, "a": [1, {"k": null}]}, "m": 1, "n": [1, 2], "d": [1.5, 2], "e": []}"#,
                #"{"i": -9007199254740993, "f": 2, "b": false, "s": "", "l": [], "o": {"a": 2, "z": 1}, "m": "one", "n": [null], "d": [3], "e": []}"#,
                #"{"f": 1e-7, "s": null, "extra": [[1], [2]], "m": true, "q": null}"#,
            ]
            let path = try dir.write("mixed/test.jsonl", lines.joined(separator: "\n") + "\n")
            let local = LocalDataset(splits: [SplitFiles(split: "test", paths: [path])], origin: "test")
            let plan = try DatasetPlan.make(local)
            #expect(plan.schema.columns.map(\.type) == [.bigint, .double, .boolean, .text, .array(.text), .json, .json, .array(.bigint), .array(.double), .array(.text), .json, .text])
            _ = try await DatasetLoader.load(plan, into: "mixed", on: db.connection)
            let stored = try await DatasetTable.rows("mixed", split: "test", on: db.connection).map(\.document)
            let source = try sourceRows(path)
            #expect(stored.count == 3)
            for (row, original) in zip(stored, source) {
                #expect(row.keys == plan.schema.columns.map(\.name))
                for (key, value) in row {
                    let expected = original[key] ?? .null
                    #expect(value == expected, "column \(key)")
                    // JSONValue compares numbers by value; int-ness must survive where the column is not widened.
                    if case .json = plan.schema.columns.first(where: { $0.name == key })?.type {
                        #expect(value.serialized() == expected.serialized(), "column \(key)")
                    }
                }
            }
            #expect(stored[0]["o"]?.objectValue?.keys == ["z", "a"])
            #expect(stored[1]["o"]?.objectValue?.keys == ["a", "z"])
            #expect(stored[1]["f"]?.typeName == "number") // int in a double column comes back as a double, like Arrow
            #expect(stored[0]["i"]?.typeName == "integer")
            #expect(stored[1]["i"] == .int(-9007199254740993))
            #expect(stored[2]["i"] == .null)
        }
    }

    @Test("tricky lines (escapes, surrogates, NaN, big numbers, repeated keys) survive both load paths")
    func trickyLines() async throws {
        let db = try await TestDatabase.open()
        try await withCleanup({ await db.close() }) {
            let dir = try TemporaryDirectory()
            let path = try dir.write("tricky/test.jsonl", FastPathTests.lines.joined(separator: "\n") + "\n")
            let result = try await DatasetLoader.load(LocalDataset(splits: [SplitFiles(split: "test", paths: [path])], origin: "t"), into: "tricky", on: db.connection)
            let stored = try await DatasetTable.rows("tricky", split: "test", on: db.connection)
            let source = try sourceRows(path)
            #expect(stored.count == source.count)
            for (row, original) in zip(stored, source) {
                for column in result.schema.columns {
                    let expected = original[column.name] ?? .null
                    let value = row.document[column.name] ?? .string("missing")
                    let bothNaN = (value.doubleValue?.isNaN ?? false) && (expected.doubleValue?.isNaN ?? false)
                    #expect(bothNaN || value == expected, "row \(row.id) column \(column.name): \(value) vs \(expected)")
                }
            }
        }
    }

    @Test("a failure in the middle of the COPY leaves no table")
    func failureMidCopy() async throws {
        let db = try await TestDatabase.open()
        try await withCleanup({ await db.close() }) {
            let dir = try TemporaryDirectory()
            var lines = (1...1000).map { "{\"n\": \($0), \"t\": \"row \($0)\"}" }
            let path = try dir.write("big/train.jsonl", lines.joined(separator: "\n"))
            let plan = try DatasetPlan.make(LocalDataset(splits: [SplitFiles(split: "train", paths: [path])], origin: "test"))
            // The file breaks after the first pass: the second pass fails at line 500, mid-COPY.
            lines[499] = "{\"n\": 500, \"t\": "
            try dir.write("big/train.jsonl", lines.joined(separator: "\n"))
            let error = await #expect(throws: DatasetError.self) {
                _ = try await DatasetLoader.load(plan, into: "broken", on: db.connection, progressEvery: 100)
            }
            guard case let .malformedRow(file, line, _)? = error?.kind else { Issue.record("wrong error \(String(describing: error))"); return }
            #expect(file == path)
            #expect(line == 500)
            #expect(try await db.tableExists("broken") == false)
            // The connection is still usable.
            #expect(try await db.connection.query("SELECT 1").scalar(Int.self) == 1)
        }
    }

    @Test("inside the caller's transaction: registry row and table commit or roll back together")
    func callerTransaction() async throws {
        let db = try await TestDatabase.open()
        try await withCleanup({ await db.close() }) {
            try await TaskRegistry.createTable(on: db.connection)
            let local = try await DatasetSource.resolve(DatasetReference(path: "bigbench", name: "navigate"),
                                                        options: DatasetSourceOptions(datasetsDir: Fixtures.directory)).materialize()
            struct Abort: Error {}
            await #expect(throws: Abort.self) {
                try await db.connection.transaction { connection in
                    let result = try await DatasetLoader.load(local, into: "nav", on: connection)
                    try TaskRegistry.register(TaskRegistration(taskName: "bbh_navigate", datasetTableName: result.table, splits: result.splits), on: connection)
                    throw Abort()
                }
            }
            #expect(try await db.tableExists("nav") == false)
            #expect(try await TaskRegistry.lookup("bbh_navigate", on: db.connection) == nil)

            let splits = try await db.connection.transaction { connection in
                let result = try await DatasetLoader.load(local, into: "nav", on: connection)
                try TaskRegistry.register(TaskRegistration(taskName: "bbh_navigate", datasetTableName: result.table, datasetPath: "bigbench",
                                                           datasetName: "navigate", splits: result.splits), on: connection)
                return result.splits
            }
            let registration = try #require(try await TaskRegistry.lookup("bbh_navigate", on: db.connection))
            #expect(registration.datasetTableName == "nav")
            #expect(registration.datasetPath == "bigbench")
            #expect(registration.splits == splits)
            #expect(registration.registeredAt != nil)

            let listing = try await DatasetCatalog.list(on: db.connection)
            #expect(listing.map(\.table) == ["nav"])
            #expect(listing.first?.tasks == ["bbh_navigate"])
            #expect(listing.first?.rowCount == 255)
            let detail = try await DatasetCatalog.show("nav", split: "test", limit: 3, on: db.connection)
            #expect(detail.rows.map(\.id) == [5, 6, 7])
            #expect(detail.tasks == ["bbh_navigate"])
            #expect(detail.json["rows"]?.arrayValue?.first?["__split"] == .string("test"))
            await #expect(throws: DatasetError.self) { _ = try await DatasetCatalog.show("nav", split: "dev", on: db.connection) }
            await #expect(throws: DatasetError.self) { _ = try await DatasetCatalog.show("nope", on: db.connection) }
        }
    }

    @Test("a table name with quotes, ';' and '--' is created as exactly that name and nothing else happens")
    func injection() async throws {
        let db = try await TestDatabase.open()
        try await withCleanup({ await db.close() }) {
            try await db.connection.execute("CREATE TABLE victim (x int)")
            let dir = try TemporaryDirectory()
            let path = try dir.write("d/test.jsonl", "{\"a\": 1, \"we\\\"ird; DROP TABLE victim; --\": \"x\"}\n")
            let table = "x\"; DROP TABLE victim; -- '"
            let local = LocalDataset(splits: [SplitFiles(split: "test; DROP TABLE victim; --", paths: [path])], origin: "test")
            let result = try await DatasetLoader.load(local, into: table, on: db.connection)
            #expect(result.outcome == .loaded(rows: 1))
            #expect(try await db.tableExists(table))
            #expect(try await db.tableExists("victim"))
            let rows = try await DatasetTable.rows(table, split: "test; DROP TABLE victim; --", on: db.connection)
            #expect(rows.first?.document["we\"ird; DROP TABLE victim; --"] == .string("x"))
            #expect(try await DatasetCatalog.list(on: db.connection).map(\.table) == [table])
        }
    }

    @Test("an existing table with other columns or other rows is a clear error; same data is already loaded")
    func existing() async throws {
        let db = try await TestDatabase.open()
        try await withCleanup({ await db.close() }) {
            let dir = try TemporaryDirectory()
            let one = try dir.write("one.jsonl", "{\"a\": 1}\n{\"a\": 2}\n")
            let two = try dir.write("two.jsonl", "{\"a\": \"text\"}\n")
            let three = try dir.write("three.jsonl", "{\"a\": 5}\n")
            let load = { (path: String) async throws(DatasetError) -> LoadResult in
                try await DatasetLoader.load(LocalDataset(splits: [SplitFiles(split: "test", paths: [path])], origin: "t"), into: "t", on: db.connection)
            }
            #expect(try await load(one).outcome == .loaded(rows: 2))
            #expect(try await load(one).outcome == .alreadyLoaded)
            let schemaError = await #expect(throws: DatasetError.self) { _ = try await load(two) }
            guard case .schemaMismatch? = schemaError?.kind else { Issue.record("wrong error \(String(describing: schemaError))"); return }
            #expect(schemaError?.description.contains("a bigint") == true)
            let rowsError = await #expect(throws: DatasetError.self) { _ = try await load(three) }
            guard case .contentMismatch? = rowsError?.kind else { Issue.record("wrong error"); return }

            try await db.connection.execute("CREATE TABLE \"plain\" (id int)")
            let notDataset = await #expect(throws: DatasetError.self) {
                _ = try await DatasetLoader.load(LocalDataset(splits: [SplitFiles(split: "test", paths: [one])], origin: "t"), into: "plain", on: db.connection)
            }
            guard case .schemaMismatch? = notDataset?.kind else { Issue.record("wrong error"); return }
        }
    }

    @Test("a declared row filter keeps only matching rows of its split; ids stay contiguous")
    func rowFilter() async throws {
        let db = try await TestDatabase.open()
        try await withCleanup({ await db.close() }) {
            let dir = try TemporaryDirectory()
            let train = try dir.write("m/train.jsonl", "{\"level\": \"Level 1\", \"p\": 0}\n{\"level\": \"Level 5\", \"p\": 1}\n")
            let test = try dir.write("m/test.jsonl", (0..<10).map { "{\"level\": \"Level \($0 % 2 == 0 ? 5 : 3)\", \"p\": \($0)}" }.joined(separator: "\n"))
            let filter = RowFilter.keepRows(inSplit: "test", where: "level", equals: "Level 5", name: "level5")
            let local = LocalDataset(splits: [SplitFiles(split: "train", paths: [train]), SplitFiles(split: "test", paths: [test])], origin: "t")
            let table = DatasetTableName.make(path: "m", variant: filter.name)
            #expect(table == "m--level5")
            let result = try await DatasetLoader.load(local, filter: filter, into: table, on: db.connection)
            #expect(result.splits == [SplitRange(split: "train", minID: 0, maxID: 1, count: 2), SplitRange(split: "test", minID: 2, maxID: 6, count: 5)])
            let rows = try await DatasetTable.rows(table, split: "test", on: db.connection)
            #expect(rows.map { $0.document["p"] } == [0, 2, 4, 6, 8])
        }
    }
}

/// Collects progress reports from the loader (called on the connection's thread).
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var reports: [LoadProgress] = []
    func add(_ report: LoadProgress) { lock.withLock { reports.append(report) } }
    var values: [LoadProgress] { lock.withLock { reports } }
}

@Suite("Table names")
struct TableNameTests {
    @Test("path--name, path alone, long names shortened with a hash")
    func names() {
        #expect(DatasetTableName.make(path: "gsm8k", name: "main") == "gsm8k--main")
        #expect(DatasetTableName.make(path: "cais/mmlu") == "cais/mmlu")
        let long = DatasetTableName.make(path: "hails/mmlu_no_train", name: "high_school_government_and_politics_extra_long")
        let other = DatasetTableName.make(path: "hails/mmlu_no_train", name: "high_school_government_and_politics_extra_longer")
        #expect(long.utf8.count <= 63)
        #expect(long.hasPrefix("hails/mmlu_no_train--high_school"))
        #expect(long != other)
    }
}
