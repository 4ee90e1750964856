/// One leaf task a name expands to, with the config lm-eval would build it from.
public struct TaskReference: Sendable, Hashable {
    /// The name lm-eval reports (a duplicate inside one group becomes `name-1`, `name-2`...).
    public var name: String
    /// Enclosing groups, outermost first.
    public var groups: [String]
    /// The YAML file of the base config; nil for an inline config not registered anywhere.
    public var file: String?
    /// The merged config: includes resolved, group overrides applied, `metadata` present.
    public var config: ConfigMapping
    /// `.task` or `.pythonTask`.
    public var kind: TaskIndex.Kind
}

/// lm-eval's `GroupConfig` keys; every other key of a group config is passed down to its tasks.
let groupOnlyKeys: Set<String> = ["group", "group_alias", "task", "aggregate_metric_list", "metadata"]

extension TaskIndex {
    /// Leaf tasks of a task, group (recursively) or tag name, in lm-eval's order.
    public func expand(_ name: String) throws(LMEvalError) -> [TaskReference] {
        var state = ExpansionState()
        return try load(.name(name), parent: nil, update: nil, groups: [], baseFile: nil, state: &state, depth: 0)
    }

    /// Leaf tasks of several names (duplicates kept once, first occurrence wins the position).
    public func expand(_ names: [String]) throws(LMEvalError) -> [TaskReference] {
        var out: [TaskReference] = []
        var seen = Set<String>()
        for name in names {
            for reference in try expand(name) where seen.insert(reference.name).inserted {
                out.append(reference)
            }
        }
        return out
    }

    /// Leaf task names of a task, group or tag.
    public func leafTaskNames(_ name: String) throws(LMEvalError) -> [String] {
        try expand(name).map(\.name)
    }

    private enum Item {
        case name(String)
        case config(ConfigMapping)
    }

    private struct ExpansionState {
        var nextGroupID = 0
        /// `task_group_map`: names already placed under each group instance.
        var groupMembers: [Int: [String]] = [:]
    }

    private struct GroupInstance {
        let id: Int
        let name: String
    }

    /// `TaskManager._load_individual_task_or_group`, flattened to leaves.
    private func load(
        _ item: Item, parent: GroupInstance?, update: ConfigMapping?, groups: [String], baseFile: String?,
        state: inout ExpansionState, depth: Int
    ) throws(LMEvalError) -> [TaskReference] {
        guard depth < 64 else {
            throw LMEvalError(.invalidConfig, task: groups.last, "groups nest more than 64 levels deep (a group includes itself?): \(groups.joined(separator: " > "))")
        }
        var item = item
        if case let .name(name) = item {
            if let update {
                item = .config(ConfigMapping([("task", .string(name))]).merging(update))
            } else {
                guard let entry = entries[name] else { throw unknown(name) }
                switch entry.kind {
                case .task, .pythonTask:
                    let config = try mergedConfig(of: name)
                    return [try leaf(config, name: name, kind: entry.kind, file: entry.file, groups: groups)]
                case .tag:
                    var out: [TaskReference] = []
                    for member in entry.members {
                        out += try load(.name(member), parent: nil, update: nil, groups: groups, baseFile: nil, state: &state, depth: depth + 1)
                    }
                    return out
                case .group:
                    let config = try mergedConfig(of: name)
                    let (groupConfig, passDown) = splitGroupConfig(config, update: nil)
                    return try loadGroup(groupConfig, passDown: passDown, groups: groups, file: entry.file, state: &state, depth: depth)
                }
            }
        }
        guard case var .config(config) = item else { return [] }
        if case let .string(name)? = config["task"] {
            config["task"] = nil
            if let update { config.update(with: update) }
            let entry = entries[name]
            switch entry?.kind {
            case .group?:
                let base = try mergedConfig(of: name)
                let (groupConfig, passDown) = splitGroupConfig(base, update: config)
                return try loadGroup(groupConfig, passDown: passDown, groups: groups, file: entry?.file, state: &state, depth: depth)
            case .tag?:
                var out: [TaskReference] = []
                for member in entry?.members ?? [] {
                    out += try load(.name(member), parent: nil, update: config, groups: groups, baseFile: nil, state: &state, depth: depth + 1)
                }
                return out
            case let kind?:
                var leafName = name
                if let parent {
                    let placed = state.groupMembers[parent.id, default: []]
                    let duplicates = placed.filter { $0.hasPrefix(name) }.count
                    if duplicates > 0 { leafName = "\(name)-\(duplicates)" }
                    state.groupMembers[parent.id, default: []].append(leafName)
                }
                let base = try mergedConfig(of: name)
                return [try leaf(base.merging(config), name: leafName, kind: kind, file: entry?.file, groups: groups)]
            case nil:
                let merged = try files.lookupInline(config, baseFile: baseFile).get()
                let kind: TaskIndex.Kind = merged.contains("class") ? .pythonTask : .task
                return [try leaf(merged, name: name, kind: kind, file: nil, groups: groups)]
            }
        }
        // An inline group: the incoming overrides are not applied (lm-eval replaces them).
        let (groupConfig, passDown) = splitGroupConfig(config, update: nil)
        return try loadGroup(groupConfig, passDown: passDown, groups: groups, file: baseFile, state: &state, depth: depth)
    }

    private func splitGroupConfig(_ config: ConfigMapping, update: ConfigMapping?) -> (ConfigMapping, ConfigMapping?) {
        var all = config
        if let update { all.update(with: update) }
        var groupConfig = ConfigMapping()
        var passDown = ConfigMapping()
        for (key, value) in all {
            if groupOnlyKeys.contains(key) { groupConfig[key] = value } else { passDown[key] = value }
        }
        return (groupConfig, passDown.isEmpty ? nil : passDown)
    }

    private func loadGroup(
        _ groupConfig: ConfigMapping, passDown: ConfigMapping?, groups: [String], file: String?,
        state: inout ExpansionState, depth: Int
    ) throws(LMEvalError) -> [TaskReference] {
        let groupName = groupConfig["group"]?.stringValue ?? "<unnamed group>"
        let instance = GroupInstance(id: state.nextGroupID, name: groupName)
        state.nextGroupID += 1
        var members: [Item] = []
        switch groupConfig["task"] {
        case let .list(items)?:
            for item in items {
                switch item {
                case let .string(s):
                    if let entry = entries[s], entry.kind == .tag {
                        members += entry.members.map(Item.name)
                    } else {
                        members.append(.name(s))
                    }
                case let .mapping(m): members.append(.config(m))
                default:
                    throw LMEvalError(.invalidConfig, task: groupName, file: file, "task: a group's entries are names or mappings, got \(item.typeName)")
                }
            }
        case let .string(s)?: members = [.name(s)]
        default:
            throw LMEvalError(.invalidConfig, task: groupName, file: file, "task: a group needs a list of tasks")
        }
        var out: [TaskReference] = []
        for member in members {
            out += try load(member, parent: instance, update: passDown, groups: groups + [groupName], baseFile: file, state: &state, depth: depth + 1)
        }
        return out
    }

    /// `_load_task`: `metadata` always present (an empty mapping when absent).
    private func leaf(_ config: ConfigMapping, name: String, kind: TaskIndex.Kind, file: String?, groups: [String]) throws(LMEvalError) -> TaskReference {
        var config = try files.lookupInline(config, baseFile: file).get()
        if config["metadata"] == nil || config["metadata"]?.isNull == true {
            config["metadata"] = .mapping(ConfigMapping())
        }
        return TaskReference(name: name, groups: groups, file: file, config: config, kind: kind)
    }
}

extension TaskIndex {
    /// The groups that hold `name` (a task, or a group inside another), innermost first: the groups
    /// that list it directly (by name, through a tag, or as an inline config's `task:`), sorted,
    /// then the groups that hold those, and so on. A group that cannot be loaded is passed over.
    public func groupsContaining(_ name: String) -> [String] {
        var parents: [String: Set<String>] = [:]
        for group in groupNames {
            guard let config = try? mergedConfig(of: group) else { continue }
            for member in Self.directMembers(config["task"], entries: entries) {
                parents[member, default: []].insert(group)
            }
        }
        var out: [String] = []
        var seen: Set<String> = [name]
        var level = [name]
        while !level.isEmpty {
            var next: Set<String> = []
            for member in level { next.formUnion(parents[member] ?? []) }
            level = next.subtracting(seen).sorted()
            seen.formUnion(level)
            out += level
        }
        return out
    }

    /// The names a group's `task:` value lists directly, tags replaced by their tasks.
    private static func directMembers(_ value: ConfigValue?, entries: [String: Entry]) -> [String] {
        let items: [ConfigValue]
        switch value {
        case let .list(list)?: items = list
        case let .string(s)?: items = [.string(s)]
        default: return []
        }
        return items.flatMap { item -> [String] in
            switch item {
            case let .string(s): if let entry = entries[s], entry.kind == .tag { return entry.members } else { return [s] }
            case let .mapping(m): return m["task"]?.stringValue.map { [$0] } ?? []
            default: return []
            }
        }
    }
}
