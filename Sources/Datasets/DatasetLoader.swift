import JSON
import Postgres

/// Progress of a load, reported every `progressEvery` rows copied and once at the end.
public struct LoadProgress: Sendable, Equatable {
    public var table: String
    public var split: String
    /// Rows copied so far over all splits.
    public var rowsCopied: Int
    public var totalRows: Int
}

/// What a load did.
public struct LoadResult: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// The table was created and `rows` rows were copied.
        case loaded(rows: Int)
        /// The table already held this dataset (same columns and split counts); nothing was written.
        case alreadyLoaded
    }

    public var table: String
    public var outcome: Outcome
    public var schema: DatasetSchema
    public var splits: [SplitRange]
}

/// Creates a dataset table and fills it with `COPY … FROM STDIN`, streaming rows from the plan's files.
public enum DatasetLoader {
    /// Loads `plan` into `table` on `connection`, in one transaction: the caller's (a savepoint inside
    /// it) when one is open — so the caller can write `task_registry` atomically with the data — or its
    /// own. Any failure (bad row, file changed since the plan, server error) rolls the table back.
    /// Concurrent loads of the same table name wait for each other (advisory lock).
    public static func load(
        _ plan: DatasetPlan, into table: String, on connection: isolated PostgresConnection,
        progressEvery: Int = 50_000, progress: (@Sendable (LoadProgress) -> Void)? = nil
    ) async throws(DatasetError) -> LoadResult {
        do {
            return try await connection.transaction { connection in
                try loadInTransaction(plan, into: table, on: connection, progressEvery: progressEvery, progress: progress)
            }
        } catch {
            throw DatasetError.from(error, operation: "loading \"\(table)\"")
        }
    }

    /// Reads the dataset once to infer its schema, then loads it (see `load(_:into:on:progressEvery:progress:)`).
    public static func load(
        _ dataset: LocalDataset, filter: RowFilter? = nil, into table: String, on connection: isolated PostgresConnection,
        progressEvery: Int = 50_000, progress: (@Sendable (LoadProgress) -> Void)? = nil
    ) async throws(DatasetError) -> LoadResult {
        let plan = try DatasetPlan.make(dataset, filter: filter)
        return try await load(plan, into: table, on: connection, progressEvery: progressEvery, progress: progress)
    }

    /// Whether `table` already holds `plan`'s data: nil when there is no such table, `.alreadyLoaded`
    /// when columns and split counts match; an error when they differ.
    public static func existingLoad(of plan: DatasetPlan, in table: String, on connection: isolated PostgresConnection) throws(DatasetError) -> LoadResult? {
        guard let columns = try DatasetTable.columns(table, on: connection) else { return nil }
        guard columns == plan.schema.columns else {
            throw DatasetError(.schemaMismatch(table: table, expected: plan.schema.description,
                                               found: DatasetSchema(columns: columns).description))
        }
        let stored = try DatasetTable.splitRanges(table, on: connection)
        let expected = plan.splitRanges
        guard Set(stored) == Set(expected) else {
            let describe = { (ranges: [SplitRange]) in ranges.map { "\($0.split): \($0.count) rows, ids \($0.minID)…\($0.maxID)" }.joined(separator: "; ") }
            throw DatasetError(.contentMismatch(table: table, reason: "dataset: \(describe(expected)); table: \(describe(stored))"))
        }
        return LoadResult(table: table, outcome: .alreadyLoaded, schema: plan.schema, splits: expected)
    }

    /// The DDL of a dataset table (without its primary key, which is added after the COPY).
    public static func createTableSQL(_ table: String, schema: DatasetSchema) -> String {
        let columns = ["\"__id\" integer NOT NULL", "\"__split\" text NOT NULL"]
            + schema.columns.map { "\(Postgres.quoteIdentifier($0.name)) \($0.type.sql)" }
        return "CREATE TABLE \(Postgres.quoteIdentifier(table)) (\(columns.joined(separator: ", ")))"
    }

    /// Key of the advisory lock that serialises loads of one table name ("tb" = testbench).
    static let advisoryLockClass: Int32 = 0x7462

    private static func loadInTransaction(
        _ plan: DatasetPlan, into table: String, on connection: isolated PostgresConnection,
        progressEvery: Int, progress: (@Sendable (LoadProgress) -> Void)?
    ) throws -> LoadResult {
        guard !table.isEmpty, table.utf8.count <= DatasetSchema.maxIdentifierBytes, !table.utf8.contains(0) else {
            throw DatasetError(.invalidArgument(key: "table", reason: "'\(table)' is not a usable table name (1 to 63 bytes, no NUL); use DatasetTableName.make"))
        }
        do {
            try connection.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", [.int32(advisoryLockClass), .string(table)])
        } catch {
            throw DatasetError.database("locking \"\(table)\"", error)
        }
        if let existing = try existingLoad(of: plan, in: table, on: connection) { return existing }

        let quoted = Postgres.quoteIdentifier(table)
        do {
            try connection.execute(createTableSQL(table, schema: plan.schema))
        } catch {
            throw DatasetError.database("creating \"\(table)\"", error)
        }
        let columnList = (["__id", "__split"] + plan.schema.columns.map(\.name)).map(Postgres.quoteIdentifier).joined(separator: ", ")
        let copySQL = "COPY \(quoted) (\(columnList)) FROM STDIN"
        let total = plan.rowCount
        let copied: Int
        do {
            copied = try connection.copyIn(copySQL) { writer in
                try streamRows(plan, table: table, into: &writer, total: total, progressEvery: progressEvery, progress: progress)
            }
        } catch let error as PostgresError {
            throw DatasetError.database("copying rows into \"\(table)\"", error)
        }
        guard copied == total else {
            throw DatasetError(.database(operation: "copying rows into \"\(table)\"", message: "the server stored \(copied) rows, \(total) were sent",
                                         sqlState: nil, retryable: false))
        }
        do {
            try connection.execute("ALTER TABLE \(quoted) ADD PRIMARY KEY (\"__id\", \"__split\")")
        } catch {
            throw DatasetError.database("adding the primary key of \"\(table)\"", error)
        }
        return LoadResult(table: table, outcome: .loaded(rows: copied), schema: plan.schema, splits: plan.splitRanges)
    }

    private static func changedFiles(_ table: String, _ split: PlannedSplit, _ seen: Int) -> DatasetError {
        DatasetError(.contentMismatch(table: table, reason: "split '\(split.name)' had \(split.rowCount) rows in the first pass and \(seen) in the second; the files changed during the load"))
    }

    /// Re-reads the plan's files (second pass) and writes COPY text in 256 KiB pieces.
    private static func streamRows(
        _ plan: DatasetPlan, table: String, into writer: inout PostgresCopyWriter, total: Int,
        progressEvery: Int, progress: (@Sendable (LoadProgress) -> Void)?
    ) throws {
        let encoder = CopyRowEncoder(schema: plan.schema)
        let flushSize = 256 * 1024
        var buffer: [UInt8] = []
        buffer.reserveCapacity(flushSize + 64 * 1024)
        var pendingRows = 0
        var nextID = 0
        let step = max(1, progressEvery)
        var slots: [Int] = []
        var scanner = RawJSONLine()
        func emitted() throws {
            nextID += 1
            pendingRows += 1
            if buffer.count >= flushSize {
                try writer.appendEncoded(String(decoding: buffer, as: UTF8.self), rows: pendingRows)
                buffer.removeAll(keepingCapacity: true)
                pendingRows = 0
            }
        }
        for split in plan.splits {
            var kept = 0
            if plan.filter == nil, split.files.isJSONLinesOnly {
                // Fast path: COPY text straight from the bytes of each line.
                for path in split.files.paths {
                    var reader = try JSONLinesReader(path: path)
                    while let line = try reader.nextContentLine() {
                        guard kept < split.rowCount else { throw changedFiles(table, split, kept + 1) }
                        var handled = false
                        if scanner.scan(line) {
                            handled = try encoder.append(id: nextID, split: split.name, raw: scanner, bytes: line, rowNumber: kept, slots: &slots, to: &buffer)
                        }
                        if !handled {
                            try encoder.append(id: nextID, split: split.name, row: reader.object(fromLine: line), rowNumber: kept, to: &buffer)
                        }
                        kept += 1
                        try emitted()
                        if nextID % step == 0 {
                            progress?(LoadProgress(table: table, split: split.name, rowsCopied: nextID, totalRows: total))
                        }
                    }
                }
            } else {
                var reader = try split.files.openReader()
                while let row = try reader.next() {
                    if let filter = plan.filter, !filter.keep(split.name, row) { continue }
                    guard kept < split.rowCount else { throw changedFiles(table, split, kept + 1) }
                    try encoder.append(id: nextID, split: split.name, row: row, rowNumber: kept, to: &buffer)
                    kept += 1
                    try emitted()
                    if nextID % step == 0 {
                        progress?(LoadProgress(table: table, split: split.name, rowsCopied: nextID, totalRows: total))
                    }
                }
            }
            guard kept == split.rowCount else { throw changedFiles(table, split, kept) }
        }
        if !buffer.isEmpty { try writer.appendEncoded(String(decoding: buffer, as: UTF8.self), rows: pendingRows) }
        progress?(LoadProgress(table: table, split: plan.splits.last?.name ?? "", rowsCopied: nextID, totalRows: total))
    }
}
