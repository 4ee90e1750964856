import Foundation

/// The names lm-eval's `TaskManager` knows after scanning task folders: tasks (YAML with a
/// string `task:`), Python-class tasks (`class:`), groups (`group:` with a `task:` list) and
/// tags (`tag:` on tasks). Each YAML file is read once; configs are merged (includes) at
/// index time because classification needs them, and kept for resolution on demand.
public struct TaskIndex: Sendable {
    public enum Kind: String, Sendable, Hashable {
        case task
        case pythonTask = "python_task"
        case group
        case tag
    }

    /// One indexed name.
    public struct Entry: Sendable, Hashable {
        public let name: String
        public let kind: Kind
        /// The YAML file defining it; nil for tags.
        public let file: String?
        /// The scanned folder it came from.
        public let folder: String
        /// For tags: the tasks carrying the tag, in scan order.
        public internal(set) var members: [String]
    }

    /// Scanned folders, highest priority first (a name from an earlier folder wins).
    public let folders: [String]
    public private(set) var entries: [String: Entry] = [:]
    /// YAML files that could not be loaded (syntax, include, structure errors), in scan order.
    public var problems: [LMEvalError] { brokenFiles.map(\.error) }
    /// Each scanned file that could not be loaded with its error (whose `file` may be an included file).
    public private(set) var brokenFiles: [BrokenFile] = []

    /// A scanned YAML file that could not be loaded, so the names it defines are unknown.
    public struct BrokenFile: Sendable, Equatable {
        public let path: String
        public let error: LMEvalError
    }
    /// Definitions that lost to another of the same name (later file in the same folder, or a lower-priority folder).
    public private(set) var shadowed: [Entry] = []
    /// Number of YAML files scanned.
    public private(set) var fileCount = 0
    /// YAML files that are neither task, group nor Python task (templates meant for `include`).
    public private(set) var templateFiles: [String] = []
    var files = ConfigFiles()
    /// Each task's tags, sorted: built once so that listing every task stays linear.
    private var tagsByTask: [String: [String]] = [:]

    /// Scans `folders` (highest priority first, e.g. the built-in tasks, then include paths).
    public init(folders: [String]) throws(LMEvalError) {
        self.folders = folders.map { PathText.normalize(Self.absolute($0)) }
        var perFolder: [[String]] = []
        for folder in self.folders {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw LMEvalError(.unknownTask, file: folder, "task folder does not exist")
            }
            perFolder.append(Self.walk(folder))
        }
        let all = perFolder.flatMap { $0 }
        fileCount = all.count
        files.load(all)
        files.mergeAll(all)
        for (folder, paths) in zip(self.folders, perFolder) {
            let found = indexFolder(folder, paths: paths)
            for (name, entry) in found.entries {
                if let existing = entries[name] {
                    shadowed.append(entry)
                    _ = existing
                } else {
                    entries[name] = entry
                }
            }
            shadowed += found.shadowed
        }
        tagsByTask = Self.tagsByTask(entries)
    }

    private static func tagsByTask(_ entries: [String: Entry]) -> [String: [String]] {
        var tags: [String: Set<String>] = [:]
        for entry in entries.values where entry.kind == .tag {
            for member in entry.members { tags[member, default: []].insert(entry.name) }
        }
        return tags.mapValues { $0.sorted() }
    }

    private static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// `os.walk` order made deterministic: a folder's files (sorted), then its subfolders (sorted).
    static func walk(_ folder: String) -> [String] {
        var out: [String] = []
        var stack = [folder]
        while let directory = stack.popLast() {
            guard let listing = DirectoryListing(directory) else { continue }
            var subdirectories: [String] = []
            for (name, isDirectory) in listing.entries.sorted(by: { $0.name < $1.name }) {
                let path = directory + "/" + name
                if isDirectory {
                    if name != "__pycache__" && name != ".ipynb_checkpoints" { subdirectories.append(path) }
                } else if name.hasSuffix(".yaml") {
                    out.append(path)
                }
            }
            stack += subdirectories.reversed()
        }
        return out
    }

    private struct FolderIndex {
        var entries: [String: Entry] = [:]
        var shadowed: [Entry] = []
    }

    /// lm-eval's `_get_task_and_group` for one folder: later files overwrite earlier names.
    private mutating func indexFolder(_ folder: String, paths: [String]) -> FolderIndex {
        var index = FolderIndex()
        func register(_ entry: Entry) {
            if let old = index.entries[entry.name], old.kind != .tag { index.shadowed.append(old) }
            index.entries[entry.name] = entry
        }
        for path in paths {
            let config: ConfigMapping
            switch files.mergedConfig(path) {
            case let .success(merged): config = merged
            case let .failure(error):
                brokenFiles.append(BrokenFile(path: path, error: error))
                continue
            }
            if config.contains("class") {
                guard let name = config["task"]?.stringValue else {
                    brokenFiles.append(BrokenFile(path: path, error: LMEvalError(.invalidConfig, file: path, "a Python-class task config needs a string `task:`")))
                    continue
                }
                register(Entry(name: name, kind: .pythonTask, file: path, folder: folder, members: []))
                addTags(config, task: name, folder: folder, to: &index)
            } else if case .list? = config["task"] {
                guard let name = config["group"]?.stringValue else {
                    brokenFiles.append(BrokenFile(path: path, error: LMEvalError(.invalidConfig, file: path, "a group config (a `task:` list) needs a string `group:`")))
                    continue
                }
                register(Entry(name: name, kind: .group, file: path, folder: folder, members: []))
            } else if case let .string(name)? = config["task"] {
                register(Entry(name: name, kind: .task, file: path, folder: folder, members: []))
                addTags(config, task: name, folder: folder, to: &index)
            } else {
                templateFiles.append(path)
            }
        }
        return index
    }

    /// `_populate_tags_and_groups`: a tag already registered as something else stops the loop.
    private func addTags(_ config: ConfigMapping, task: String, folder: String, to index: inout FolderIndex) {
        let tags: [String]
        switch config["tag"] {
        case let .string(s)?: tags = [s]
        case let .list(items)?: tags = items.compactMap(\.stringValue)
        default: return
        }
        for tag in tags {
            if var existing = index.entries[tag] {
                guard existing.kind == .tag else { break }
                existing.members.append(task)
                index.entries[tag] = existing
            } else {
                index.entries[tag] = Entry(name: tag, kind: .tag, file: nil, folder: folder, members: [task])
            }
        }
    }

    // MARK: Listing

    /// All names, sorted.
    public var allNames: [String] { entries.keys.sorted() }
    /// Task names (YAML tasks and Python-class tasks), sorted.
    public var taskNames: [String] { names { $0 == .task || $0 == .pythonTask } }
    public var groupNames: [String] { names { $0 == .group } }
    public var tagNames: [String] { names { $0 == .tag } }

    private func names(_ filter: (Kind) -> Bool) -> [String] {
        entries.values.filter { filter($0.kind) }.map(\.name).sorted()
    }

    public func entry(_ name: String) -> Entry? { entries[name] }

    /// The merged (includes resolved) YAML mapping of a task or group, as lm-eval loads it.
    public func mergedConfig(of name: String) throws(LMEvalError) -> ConfigMapping {
        guard let entry = entries[name] else { throw unknown(name) }
        guard let file = entry.file else {
            throw LMEvalError(.invalidConfig, task: name, "\(name) is a tag; it has no config of its own")
        }
        return try files.lookupMerged(file).get()
    }

    /// The error for a name not indexed; when a file that cannot be loaded might define it, that file's
    /// error comes first, since fixing it is what the user needs to do.
    public func unknown(_ name: String) -> LMEvalError {
        let notFound = "no task, group or tag named \(name) in \(folders.joined(separator: ", "))"
        let suspects = brokenFiles.filter { $0.mightDefine(name) }
        guard let first = suspects.first else { return LMEvalError(.unknownTask, task: name, notFound) }
        let causes = suspects.map { broken in
            "\(broken.path): " + (broken.error.file == broken.path ? broken.error.message : broken.error.description)
        }
        return LMEvalError(first.error.kind, task: name, file: first.path,
                           "\(notFound); it may be defined in \(suspects.count == 1 ? "a task config" : "task configs") that cannot be loaded: "
                           + causes.joined(separator: "; "))
    }

    /// Tags a task carries (from its merged config), for listings.
    public func tags(of task: String) -> [String] {
        tagsByTask[task] ?? []
    }
}

extension TaskIndex.BrokenFile {
    /// The file's name, or a `task:`/`group:`/`tag:` line or list item in its raw text, mentions `name`.
    /// Raw text, because the file is broken: it may not parse at all.
    func mightDefine(_ name: String) -> Bool {
        guard !name.isEmpty else { return false }
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        if !stem.isEmpty, stem.contains(name) || name.contains(stem) { return true }
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        let text = String(decoding: data, as: UTF8.self)
        for line in text.split(whereSeparator: \.isNewline) where line.contains(name) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("task") || trimmed.hasPrefix("group") || trimmed.hasPrefix("tag") || trimmed.hasPrefix("-") {
                return true
            }
        }
        return false
    }
}
