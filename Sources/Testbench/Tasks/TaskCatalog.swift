import Foundation
import LMEval

/// Finds the task configs a command works with: the repository's bundled `tasks/` folder first
/// (its tasks win a name clash), then the configured and command-line include paths.
public enum TaskCatalog {
    /// Environment variable naming the bundled tasks folder explicitly.
    public static let tasksDirectoryVariable = "TESTBENCH_TASKS_DIR"

    /// The bundled tasks folder: `$TESTBENCH_TASKS_DIR`, else `tasks/` in the working directory,
    /// else `tasks/` beside an ancestor of the executable (covers `.build/<config>/testbench`).
    public static func bundledTasksFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let explicit = environment[tasksDirectoryVariable], !explicit.isEmpty { return explicit }
        return repositoryFolder("tasks")
    }

    /// The bundled datasets folder, found as the bundled tasks are: `datasets/` in the working
    /// directory, else beside an ancestor of the executable.
    public static func bundledDatasetsFolder() -> String? {
        repositoryFolder("datasets")
    }

    /// A folder shipped with the repository (`tasks`, `datasets`): in the working directory, else
    /// beside an ancestor of the executable (covers `.build/<config>/testbench`).
    public static func repositoryFolder(_ name: String) -> String? {
        var candidates = [FileManager.default.currentDirectoryPath]
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(directory.path)
            directory = directory.deletingLastPathComponent()
        }
        for candidate in candidates {
            let folder = URL(fileURLWithPath: candidate).appendingPathComponent(name).path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue { return folder }
        }
        return nil
    }

    /// The folders to index, bundled first, duplicates removed.
    public static func folders(includePaths: [String], bundled: String? = bundledTasksFolder()) -> [String] {
        var seen = Set<String>()
        return ([bundled].compactMap { $0 } + includePaths).filter { folder in
            seen.insert(URL(fileURLWithPath: folder).standardizedFileURL.path).inserted
        }
    }

    /// Indexes the bundled tasks plus `includePaths`.
    public static func index(includePaths: [String]) throws(LMEvalError) -> TaskIndex {
        try TaskIndex(folders: folders(includePaths: includePaths))
    }
}
