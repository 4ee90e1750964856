import Foundation

/// Joins user-given relative paths (dataset_path, dataset_name, data files) under a root, refusing
/// absolute paths and `..` so that a task config cannot read outside the datasets folder.
enum DatasetPaths {
    static func join(root: String, _ relative: String) throws(DatasetError) -> String {
        guard !relative.isEmpty else {
            throw DatasetError(.pathEscapesRoot(path: relative, root: root))
        }
        if relative.hasPrefix("/") || relative.hasPrefix("~") || relative.contains("\\") {
            throw DatasetError(.pathEscapesRoot(path: relative, root: root))
        }
        let components = relative.split(separator: "/", omittingEmptySubsequences: true)
        if components.contains(where: { $0 == ".." }) || components.isEmpty {
            throw DatasetError(.pathEscapesRoot(path: relative, root: root))
        }
        let trimmedRoot = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
        return trimmedRoot + "/" + components.joined(separator: "/")
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    static func isFile(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && !isDir.boolValue
    }
}
