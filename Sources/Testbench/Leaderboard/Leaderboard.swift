import ExtendedJSON
import Foundation
import JSON

/// One supplier's standing on one task, from its stored `results`.
public struct LeaderboardEntry: Sendable, Equatable {
    public var task: String
    public var address: String
    public var service: String
    /// Results (evaluated tasks) counted.
    public var results: Int
    /// Scores stored across those results (`num_samples`), failed ones included.
    public var samples: Int
    /// Samples with a non-zero `status_code` (no usable response).
    public var failed: Int
    /// Mean of `score` over every sample, a failed one counting 0 as stored; nil without samples.
    public var meanScore: Double?
    /// Mean `run_time` (ms) of the samples that were scored (status 0); nil when none.
    public var meanResponseMilliseconds: Double?
    /// The newest `result_time`.
    public var lastResult: Date?
    /// 1 for the best mean score on this task.
    public var rank: Int
}

/// Ranks suppliers (address, service) per task by their mean stored score.
public enum Leaderboard {
    /// Supplier and task name a result is attributed to when its task document is gone.
    public static let unknown = "(unknown)"

    /// Entries from stored results and their task documents (keyed by task id hex); only results
    /// of `task` when given. Sorted by task, then rank.
    public static func build(results: [JSONObject], tasks: [String: JSONObject], task filter: String? = nil) -> [LeaderboardEntry] {
        struct Key: Hashable { var task, address, service: String }
        struct Totals { var results = 0, samples = 0, failed = 0, scoreSum = 0.0, timeSum = 0.0, timed = 0; var last: Date? }
        var totals: [Key: Totals] = [:]
        for result in results {
            guard let data = result["result_data"], let taskID = data["task_id"]?.objectIDValue else { continue }
            let taskDocument = tasks[taskID.hex]
            let key = Key(task: taskDocument?["tasks"]?.stringValue ?? unknown,
                          address: taskDocument?["requester_args"]?["address"]?.stringValue ?? unknown,
                          service: taskDocument?["requester_args"]?["service"]?.stringValue ?? unknown)
            if let filter, key.task != filter { continue }
            var total = totals[key] ?? Totals()
            total.results += 1
            if let time = data["result_time"]?.dateValue { total.last = max(total.last ?? time, time) }
            // Only status 0 results carry scores the manager would consume.
            if data["status"]?.intValue == 0 {
                for score in result["scores"]?.arrayValue ?? [] {
                    total.samples += 1
                    total.scoreSum += score["score"]?.doubleValue ?? 0
                    if (score["status_code"]?.intValue ?? 0) != 0 {
                        total.failed += 1
                    } else {
                        total.timeSum += score["run_time"]?.doubleValue ?? 0
                        total.timed += 1
                    }
                }
            }
            totals[key] = total
        }
        var entries = totals.map { key, total in
            LeaderboardEntry(task: key.task, address: key.address, service: key.service, results: total.results, samples: total.samples,
                             failed: total.failed, meanScore: total.samples > 0 ? total.scoreSum / Double(total.samples) : nil,
                             meanResponseMilliseconds: total.timed > 0 ? total.timeSum / Double(total.timed) : nil,
                             lastResult: total.last, rank: 0)
        }
        entries.sort { a, b in
            if a.task != b.task { return a.task < b.task }
            let x = a.meanScore ?? -1, y = b.meanScore ?? -1
            if x != y { return x > y }
            return (a.address, a.service) < (b.address, b.service)
        }
        var rank = 0
        var previousTask: String?
        for i in entries.indices {
            rank = entries[i].task == previousTask ? rank + 1 : 1
            previousTask = entries[i].task
            entries[i].rank = rank
        }
        return entries
    }

    /// Reads every result (and the task documents they belong to) from `store`.
    public static func load(from store: any DocumentStore, task: String? = nil) async throws(DocumentStoreError) -> [LeaderboardEntry] {
        let results = try await store.allResults()
        var tasks: [String: JSONObject] = [:]
        for document in try await store.tasks(matching: TaskQuery(taskName: task)) {
            if let id = document["_id"]?.objectIDValue?.hex { tasks[id] = document }
        }
        return build(results: results, tasks: tasks, task: task)
    }

    /// A plain-text table, one line per entry.
    public static func render(_ entries: [LeaderboardEntry]) -> String {
        let headers = ["rank", "task", "address", "service", "mean score", "samples", "failed", "mean ms", "last result"]
        let rows = entries.map { entry in
            [String(entry.rank), entry.task, entry.address, entry.service,
             entry.meanScore.map { String(format: "%.4f", $0) } ?? "N/A", String(entry.samples), String(entry.failed),
             entry.meanResponseMilliseconds.map { String(format: "%.0f", $0) } ?? "N/A",
             entry.lastResult.map(isoDate) ?? "N/A"]
        }
        let numeric: Set<Int> = [0, 4, 5, 6, 7]
        var widths = headers.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return numeric.contains(i) ? pad + cell : cell + pad
            }.joined(separator: "  ")
        }
        return ([line(headers), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.map(line))
            .joined(separator: "\n") + "\n"
    }

    /// `[{"rank", "task", "address", "service", "mean_score", "samples", "failed", "mean_response_ms", "results", "last_result"}]`.
    public static func json(_ entries: [LeaderboardEntry]) -> JSONValue {
        .array(entries.map { entry in
            .object(JSONObject([
                ("rank", .int(entry.rank)), ("task", .string(entry.task)), ("address", .string(entry.address)),
                ("service", .string(entry.service)), ("mean_score", entry.meanScore.map(JSONValue.double) ?? .null),
                ("samples", .int(entry.samples)), ("failed", .int(entry.failed)),
                ("mean_response_ms", entry.meanResponseMilliseconds.map(JSONValue.double) ?? .null), ("results", .int(entry.results)),
                ("last_result", entry.lastResult.map { .string(isoDate($0)) } ?? .null),
            ]))
        })
    }

    static func isoDate(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
