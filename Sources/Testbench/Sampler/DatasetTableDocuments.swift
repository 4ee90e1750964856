import Datasets
import JSON
import LMEval
import Postgres
import WorkflowDefinitions

/// A registered task's dataset table as the renderer's document source, on one connection.
/// The one place doc ids meet stored ids: a split's `__id`s are contiguous, so
/// doc id = `__id - min(__id)` of the split.
struct DatasetTableDocuments: AsyncDocumentSource {
    let table: String
    let ranges: [SplitRange]
    let connection: PostgresConnection

    /// The split's id range, or an error naming the splits the table has.
    func range(_ split: String) throws(ApplicationError) -> SplitRange {
        guard let range = ranges.first(where: { $0.split == split }) else {
            throw ApplicationError("'\(split)' split not found in _split_ranges of \(table): \(ranges.map(\.split).joined(separator: ", "))",
                               type: "SQLError")
        }
        guard range.maxID - range.minID + 1 == range.count else {
            throw ApplicationError("split \(split) of \(table) has gaps in __id (\(range.minID)…\(range.maxID) for \(range.count) rows)",
                               type: "SQLError")
        }
        return range
    }

    /// The original's `check_split_exist` for every split the task declares (test, validation,
    /// training, few-shot), whether or not this sample reads it.
    func requireDeclaredSplits(_ config: TaskConfig) throws(ApplicationError) {
        let have = Set(ranges.map(\.split))
        for split in [config.testSplit, config.validationSplit, config.trainingSplit, config.fewshotSplit].compactMap({ $0 })
        where !have.contains(split) {
            throw ApplicationError("'\(split)' split not found in _split_ranges of \(table): \(ranges.map(\.split).joined(separator: ", "))",
                                   type: "SQLError")
        }
    }

    /// The stored `__id` of doc id 0 of `split`.
    func firstRowID(split: String) throws(ApplicationError) -> Int {
        try range(split).minID
    }

    func rowCount(split: String) async throws -> Int? {
        try range(split).count
    }

    func rows(split: String) async throws -> [JSONObject]? {
        _ = try range(split)
        return try await DatasetTable.rows(table, split: split, on: connection).map(\.document)
    }

    func rows(split: String, docIDs: [Int]) async throws -> [Int: JSONObject] {
        let range = try range(split)
        var rows: [Int: JSONObject] = [:]
        rows.reserveCapacity(docIDs.count)
        let ids = docIDs.map { $0 + range.minID }
        // The Sampler reads ascending chunks, mostly without gaps: those are one range scan.
        let contiguous = ids.first.map { first in zip(ids, ids.indices).allSatisfy { $0 == first + $1 } } ?? false
        let found = if contiguous, let first = ids.first, let last = ids.last {
            try await DatasetTable.rows(table, ids: first...last, on: connection)
        } else {
            try await DatasetTable.rows(table, ids: ids, on: connection)
        }
        for row in found {
            rows[range.documentIndex(ofID: row.id)] = row.document
        }
        return rows
    }
}
