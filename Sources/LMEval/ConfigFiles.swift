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

    /// Parses `paths` concurrently (across all cores) and stores the results.
    mutating func load(_ paths: [String]) {
        let results = Self.parseConcurrently(paths)
        for (path, result) in zip(paths, results) { parsed[path] = result }
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
        switch include {
        case let .string(s): names = [s]
        case let .list(items):
            var list: [String] = []
            for item in items {
                guard case let .string(s) = item else {
                    return .failure(LMEvalError(.invalidConfig, file: file, "include: expected file names, got \(item.typeName)"))
                }
                list.append(s)
            }
            names = list
        default:
            return .failure(LMEvalError(.invalidConfig, file: file, "include: expected a file name or a list, got \(include.typeName)"))
        }
        let directory = (file as NSString).deletingLastPathComponent
        var result = ConfigMapping()
        for name in names.reversed() {
            let target = PathText.normalize(name.hasPrefix("/") ? name : directory + "/" + name)
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

    /// `path` relative to `root` when inside it, else `path`.
    static func relative(_ path: String, to root: String) -> String {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}
