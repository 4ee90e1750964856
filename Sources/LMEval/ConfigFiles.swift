import Foundation
import YAML

/// Task YAML files parsed once, and their `include:` chains merged the way lm-eval's
/// `load_yaml_config` merges them: includes load last-listed first so the first listed wins,
/// the including file's own keys win over all of them, merging is shallow.
struct ConfigFiles: Sendable {
    /// Own (unmerged) contents by normalized path.
    private(set) var parsed: [String: Result<ConfigMapping, LMEvalError>] = [:]
    /// Merged contents by normalized path.
    private(set) var merged: [String: Result<ConfigMapping, LMEvalError>] = [:]

    init() {}

    /// Parses `paths` concurrently (across all cores) and stores the results, then the existing files
    /// they include that are not among them (lm-eval's `_default_template_yaml`s), so that merging
    /// finds every file parsed once.
    mutating func load(_ paths: [String]) {
        var pending = paths
        while !pending.isEmpty {
            let results = Self.parseConcurrently(pending)
            var next: [String] = []
            var queued: Set<String> = []
            for (path, result) in zip(pending, results) { parsed[path] = result }
            for (path, result) in zip(pending, results) {
                guard case let .success(config) = result, let include = config["include"],
                      case let .success(names) = Self.includeNames(include, file: path) else { continue }
                for name in names {
                    let target = Self.includeTarget(name, file: path)
                    // A missing file stays unparsed, so merging reports it as a missing include.
                    if parsed[target] == nil, !queued.contains(target), FileManager.default.fileExists(atPath: target) {
                        queued.insert(target)
                        next.append(target)
                    }
                }
            }
            pending = next
        }
    }

    /// Merges the include chains of `paths` concurrently, as `load` parses them: indexing needs every
    /// merged config, and merging one file after another was a third of `tasks list`. Workers each merge
    /// on their own copy (a base shared by files of two workers is merged twice; merging is shallow);
    /// only successes are kept, because a failure's message names the include chain it was reached
    /// through, which must stay the one a merge in scan order reports.
    mutating func mergeAll(_ paths: [String]) {
        let count = paths.count
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, count))
        guard workers > 1 else { return }
        var copies = [ConfigFiles](repeating: self, count: workers)
        copies.withUnsafeMutableBufferPointer { buffer in
            let slots = SendableBuffer(buffer: buffer)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var local = slots.buffer[worker]
                var i = worker
                while i < count {
                    _ = local.mergedConfig(paths[i])
                    i += workers
                }
                slots.set(worker, local)
            }
        }
        for copy in copies {
            for (path, result) in copy.merged where merged[path] == nil {
                if case .success = result { merged[path] = result }
            }
            for (path, result) in copy.parsed where parsed[path] == nil { parsed[path] = result }
        }
    }

    /// Merged config of `path`, parsing files outside the loaded set on demand.
    mutating func mergedConfig(_ path: String) -> Result<ConfigMapping, LMEvalError> {
        merge(PathText.normalize(path), stack: [])
    }

    /// Read-only lookup for resolution on a value copy: parses on demand without storing.
    func lookupMerged(_ path: String) -> Result<ConfigMapping, LMEvalError> {
        let normalized = PathText.normalize(path)
        if let done = merged[normalized] { return done }
        var copy = self
        return copy.mergedConfig(normalized)
    }

    /// Read-only variant of `mergeInline` for resolution on a value copy.
    func lookupInline(_ config: ConfigMapping, baseFile: String?) -> Result<ConfigMapping, LMEvalError> {
        guard config.contains("include") else { return .success(config) }
        var copy = self
        return copy.mergeInline(config, baseFile: baseFile)
    }

    /// Merges a config given inline (a group's task entry) whose `include:` is relative to `baseFile`.
    mutating func mergeInline(_ config: ConfigMapping, baseFile: String?) -> Result<ConfigMapping, LMEvalError> {
        mergeIncludes(config, file: baseFile ?? "<inline config>", stack: [])
    }

    private mutating func merge(_ path: String, stack: [String]) -> Result<ConfigMapping, LMEvalError> {
        if let done = merged[path] { return done }
        if stack.contains(path) {
            let chain = (stack.drop { $0 != path } + [path]).joined(separator: " -> ")
            return .failure(LMEvalError(.includeCycle, file: path, "include cycle: \(chain)"))
        }
        let own: ConfigMapping
        switch ownConfig(path) {
        case let .success(config): own = config
        case let .failure(error): return .failure(error)
        }
        let result = mergeIncludes(own, file: path, stack: stack + [path])
        merged[path] = result
        return result
    }

    private mutating func ownConfig(_ path: String) -> Result<ConfigMapping, LMEvalError> {
        if let known = parsed[path] { return known }
        let result = Self.parse(path)
        parsed[path] = result
        return result
    }

    private mutating func mergeIncludes(_ own: ConfigMapping, file: String, stack: [String]) -> Result<ConfigMapping, LMEvalError> {
        guard let include = own["include"] else { return .success(own) }
        var own = own
        own["include"] = nil
        let names: [String]
        switch Self.includeNames(include, file: file) {
        case let .success(list): names = list
        case let .failure(error): return .failure(error)
        }
        var result = ConfigMapping()
        for name in names.reversed() {
            let target = Self.includeTarget(name, file: file)
            if parsed[target] == nil && !FileManager.default.fileExists(atPath: target) {
                return .failure(LMEvalError(.missingInclude, file: file, "include \(name): no such file \(target)"))
            }
            switch merge(target, stack: stack) {
            case let .success(config): result.update(with: config)
            case let .failure(error):
                var wrapped = error
                if error.kind != .includeCycle && error.file != file {
                    wrapped.message += " (included from \(file))"
                }
                return .failure(wrapped)
            }
        }
        result.update(with: own)
        return .success(result)
    }

    /// The file names an `include:` value lists, in order.
    private static func includeNames(_ include: ConfigValue, file: String) -> Result<[String], LMEvalError> {
        switch include {
        case let .string(s): return .success([s])
        case let .list(items):
            var list: [String] = []
            for item in items {
                guard case let .string(s) = item else {
                    return .failure(LMEvalError(.invalidConfig, file: file, "include: expected file names, got \(item.typeName)"))
                }
                list.append(s)
            }
            return .success(list)
        default:
            return .failure(LMEvalError(.invalidConfig, file: file, "include: expected a file name or a list, got \(include.typeName)"))
        }
    }

    /// The path an include names, relative to the including file's folder.
    private static func includeTarget(_ name: String, file: String) -> String {
        PathText.normalize(name.hasPrefix("/") ? name : PathText.directory(of: file) + "/" + name)
    }

    /// Reads one YAML file into a mapping (functions tied to the file).
    static func parse(_ path: String) -> Result<ConfigMapping, LMEvalError> {
        let yaml: YAMLValue
        do {
            yaml = try YAMLLoader.load(contentsOfFile: path)
        } catch {
            return .failure(LMEvalError(.yamlSyntax, file: path, error.description))
        }
        guard case .mapping = yaml else {
            return .failure(LMEvalError(.invalidConfig, file: path, "the top level of a task config must be a mapping"))
        }
        guard case let .mapping(mapping) = ConfigValue(yaml: yaml, file: path) else {
            return .failure(LMEvalError(.invalidConfig, file: path, "the top level of a task config must be a mapping"))
        }
        return .success(mapping)
    }

    static func parseConcurrently(_ paths: [String]) -> [Result<ConfigMapping, LMEvalError>] {
        let count = paths.count
        guard count > 0 else { return [] }
        let placeholder = Result<ConfigMapping, LMEvalError>.success(ConfigMapping())
        var results = [Result<ConfigMapping, LMEvalError>](repeating: placeholder, count: count)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, count))
        results.withUnsafeMutableBufferPointer { buffer in
            let slots = SendableBuffer(buffer: buffer)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                // Striped so every worker gets a similar mix of small and large files.
                var i = worker
                while i < count {
                    slots.set(i, parse(paths[i]))
                    i += workers
                }
            }
        }
        return results
    }
}

/// Writes to disjoint slots of a buffer from concurrent workers; each index is written by one worker only.
private struct SendableBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    func set(_ index: Int, _ value: Element) { buffer[index] = value }
}

/// Path text helpers that keep paths as given (no symlink resolution), like `os.path.join`/`normpath`.
enum PathText {
    /// Removes `.` and `..` components and duplicate slashes.
    static func normalize(_ path: String) -> String {
        if isNormal(path) { return path }
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            if component == ".." && absolute { continue }
            parts.append(component)
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    /// True when `normalize` would return `path` unchanged: no empty, `.` or `..` component and no
    /// trailing slash. Index-time paths are almost all like this, and splitting each costs more.
    private static func isNormal(_ path: String) -> Bool {
        var utf8 = path.utf8.makeIterator()
        guard var previous = utf8.next() else { return false }
        // Bytes of the current component so far, and whether all of them are dots.
        var length = previous == UInt8(ascii: "/") ? 0 : 1
        var dotsOnly = previous == UInt8(ascii: "/") || previous == UInt8(ascii: ".")
        while let byte = utf8.next() {
            if byte == UInt8(ascii: "/") {
                if previous == UInt8(ascii: "/") { return false }
                if dotsOnly && length <= 2 && length > 0 { return false }
                length = 0
                dotsOnly = true
            } else {
                length += 1
                dotsOnly = dotsOnly && byte == UInt8(ascii: ".")
            }
            previous = byte
        }
        if previous == UInt8(ascii: "/") { return path.utf8.count == 1 }
        return !(dotsOnly && length <= 2)
    }

    /// The folder part of `path`, as `os.path.dirname` gives it for a normalized path ("" for a bare
    /// name, "/" for a file at the root).
    static func directory(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        if slash == path.utf8.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// `path` relative to `root` when inside it, else `path`.
    static func relative(_ path: String, to root: String) -> String {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}
