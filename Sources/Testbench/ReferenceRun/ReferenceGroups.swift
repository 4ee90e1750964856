import Foundation
import JSON
import LMEval
import Scoring

/// A group a reference run's tasks belong to, as its YAML declares it.
public struct ReferenceGroup: Sendable, Equatable {
    /// One `aggregate_metric_list` entry.
    public struct Aggregate: Sendable, Equatable {
        public var metric: String
        public var weightBySize: Bool
        public var filters: [String]
    }

    public var name: String
    /// `group_alias`, else the name: what lm-eval's table shows.
    public var displayName: String
    /// `metadata.version`; lm-eval reports a group's version only when it aggregates.
    public var version: JSONValue?
    /// nil when the group has no `aggregate_metric_list` (lm-eval prints it without values).
    public var aggregates: [Aggregate]?

    /// Reads `group_alias`, `metadata.version` and `aggregate_metric_list` (lm-eval's `AggMetricConfig`
    /// defaults: `aggregation: mean`, `weight_by_size: false`, `filter_list: none`).
    public init(name: String, config: JSONObject?) throws(ReferenceRunError) {
        self.name = name
        displayName = config?["group_alias"]?.stringValue ?? name
        guard let list = config?["aggregate_metric_list"], !list.isNull else { return }
        let entries = list.arrayValue ?? [list]
        var aggregates: [Aggregate] = []
        for entry in entries {
            guard let metric = entry["metric"]?.stringValue else {
                throw ReferenceRunError("group \(name): aggregate_metric_list entries need a metric name")
            }
            let aggregation = entry["aggregation"]?.stringValue ?? "mean"
            guard aggregation == "mean" else {
                throw ReferenceRunError("group \(name): aggregation \(aggregation) is not supported (lm-eval aggregates a group's subtasks only by mean)")
            }
            let filters: [String]
            switch entry["filter_list"] {
            case nil, .null?: filters = ["none"]
            case let .string(filter)?: filters = [filter]
            case let .array(items)?: filters = items.compactMap(\.stringValue)
            case let other?: throw ReferenceRunError("group \(name): filter_list must be a filter name or a list, found \(other.serialized())")
            }
            aggregates.append(Aggregate(metric: metric, weightBySize: entry["weight_by_size"]?.boolValue ?? false, filters: filters))
        }
        self.aggregates = aggregates
        if let version = config?["metadata"]?["version"] { self.version = version }
    }

    /// The group's rows over the rows of its subtasks (every task under it, nested groups included),
    /// as lm-eval's `consolidate_group_results`: per metric and filter the mean of the subtasks'
    /// values (weighted by their document counts with `weight_by_size`), the pooled standard error
    /// ("N/A" when a subtask has none), and the documents summed.
    public func rows(over subtasks: [[ResultRow]]) -> [ResultRow] {
        guard let aggregates else { return [] }
        var out: [ResultRow] = []
        var seen = Set<String>()
        for aggregate in aggregates {
            for filter in aggregate.filters where seen.insert("\(aggregate.metric),\(filter)").inserted {
                let rows = subtasks.compactMap { $0.first { $0.metric == aggregate.metric && $0.filter == filter } }
                guard !rows.isEmpty else { continue }
                let weights = rows.map { aggregate.weightBySize ? Double($0.n) : 1 }
                let value = zip(rows, weights).reduce(0) { $0 + $1.0.value * $1.1 } / weights.reduce(0, +)
                let sizes = rows.map { Double($0.n) }
                let total = sizes.reduce(0, +)
                var stderr: Double?
                if rows.allSatisfy({ $0.stderr != nil }), total > Double(rows.count) {
                    let pooled = zip(rows, sizes).reduce(0) { sum, pair in
                        let se = pair.0.stderr ?? 0
                        return sum + (pair.1 - 1) * se * se * pair.1
                    } / (total - Double(rows.count))
                    stderr = (pooled / total).squareRoot()
                }
                out.append(ResultRow(filter: filter, metric: aggregate.metric, value: value, stderr: stderr, n: Int(total),
                                     higherIsBetter: Self.higherIsBetter(aggregate.metric, subtasks)))
            }
        }
        return out
    }

    /// The subtasks' `higher_is_better` for `metric`: the first one given, nil when they disagree.
    static func higherIsBetter(_ metric: String, _ subtasks: [[ResultRow]]) -> Bool? {
        let values = subtasks.flatMap { $0.filter { $0.metric == metric }.map(\.higherIsBetter) }
        guard let first = values.first else { return nil }
        return values.allSatisfy { $0 == first } ? first : nil
    }
}

extension ReferenceRunReport {
    /// One line of lm-eval's printed hierarchy: a group or a task, `depth` levels down.
    struct TableEntry {
        var name: String
        var depth: Int
        var group: ReferenceGroup?
        var task: ReferenceTaskResult?
    }

    /// lm-eval's `prepare_print_tasks` order: at every level groups and tasks sorted by name, a
    /// group followed by its members.
    func tableEntries() -> [TableEntry] {
        let groupsByName = Dictionary(groups.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        func level(_ tasks: [ReferenceTaskResult], depth: Int) -> [TableEntry] {
            var members: [String: (group: ReferenceGroup?, tasks: [ReferenceTaskResult])] = [:]
            for task in tasks {
                if depth < task.groups.count {
                    let name = task.groups[depth]
                    members[name, default: (groupsByName[name] ?? (try? ReferenceGroup(name: name, config: nil)), [])].tasks.append(task)
                } else {
                    members[task.task] = (nil, [task])
                }
            }
            var out: [TableEntry] = []
            for name in members.keys.sorted(by: { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }) {
                guard let member = members[name] else { continue }
                if let group = member.group {
                    out.append(TableEntry(name: name, depth: depth, group: group, task: nil))
                    out += level(member.tasks, depth: depth + 1)
                } else if let task = member.tasks.first {
                    out.append(TableEntry(name: name, depth: depth, group: nil, task: task))
                }
            }
            return out
        }
        return level(tasks, depth: 0)
    }

    /// The rows of `group`, over every task under it.
    func groupRows(_ group: ReferenceGroup) -> [ResultRow] {
        group.rows(over: tasks.filter { $0.groups.contains(group.name) }.map(\.rows))
    }

    static func indent(_ depth: Int) -> String { depth > 0 ? String(repeating: " ", count: depth) + "- " : "" }
}
