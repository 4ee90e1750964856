import Datasets
import LMEval
import Postgres

/// The decisions a Sampler run makes before it reads documents, shared by `sample` and the
/// start check, so `workflow start` refuses exactly what the worker would.
extension Sampler {
    /// The task's registered table, its split ranges, the evaluation split's range and the chosen doc ids.
    struct Selection: Sendable {
        var table: String
        var ranges: [SplitRange]
        var evaluation: SplitRange
        var docIDs: [Int]

        /// The range of `split`, or an error naming the splits the table has.
        func range(_ split: String) throws(SamplerError) -> SplitRange {
            guard let range = ranges.first(where: { $0.split == split }) else {
                throw SamplerError("'\(split)' split not found in _split_ranges of \(table): \(ranges.map(\.split).joined(separator: ", "))",
                                   type: "SQLError")
            }
            return range
        }
    }

    /// Checks `request` as `sample` would up to its first document read: framework, prompt form,
    /// one registered `generate_until` task, its evaluation split, and the doc ids, qty and blacklist
    /// against that split. Refusals are `SamplerError`s; database trouble is thrown as it comes.
    public func preflight(_ request: SamplerRequest) async throws {
        try Self.requireFramework(request)
        _ = try request.promptForm()
        _ = try request.genKwargsOverride()
        let task = try resolveTask(request.tasks)
        let evaluationSplit = try Self.evaluationSplit(of: task)
        try await services.postgres.withConnection { connection in
            // Any seed: whether a draw of qty documents is possible does not depend on it.
            _ = try await Self.selectDocuments(task: task, evaluationSplit: evaluationSplit, request: request, seed: request.seed ?? 0,
                                               on: connection)
        }
    }

    static func requireFramework(_ request: SamplerRequest) throws(SamplerError) {
        guard request.framework.contains("lmeh") else {
            throw SamplerError.badParams("\(request.framework) framework not implemented yet")
        }
    }

    static func evaluationSplit(of task: ResolvedTask) throws(SamplerError) -> String {
        guard let split = TaskRenderer.evaluationSplit(of: task) else {
            throw SamplerError("task \(task.name) has neither test_split nor validation_split to evaluate", type: "LmehGenerator")
        }
        return split
    }

    static func selectDocuments(
        task: ResolvedTask, evaluationSplit: String, request: SamplerRequest, seed: Int, on connection: isolated PostgresConnection
    ) throws -> Selection {
        guard let registration = try TaskRegistry.lookup(task.name, on: connection) else {
            throw SamplerError(
                "task \(task.name) is not registered: run the Register workflow first (input {\"framework\": \"lmeh\", \"tasks\": \"\(task.name)\"})",
                type: "TaskNotRegistered")
        }
        let table = registration.datasetTableName
        let ranges = try DatasetTable.splitRanges(table, on: connection)
        guard !ranges.isEmpty else { throw SamplerError("No rows found in table \(table)", type: "SQLError") }
        var selection = Selection(table: table, ranges: ranges, evaluation: ranges[0], docIDs: [])
        selection.evaluation = try selection.range(evaluationSplit)
        selection.docIDs = try DocumentSelection.select(
            splitSize: selection.evaluation.count, qty: request.qty, docIDs: request.docIDs, blacklist: request.blacklist, seed: seed,
            table: table, split: evaluationSplit)
        return selection
    }
}
