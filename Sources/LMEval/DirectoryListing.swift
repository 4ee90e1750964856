#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One folder's entries with whether each is a folder, from `readdir`'s entry types: indexing
/// lm-eval's tree lists thousands of files, and a `stat` per name was a tenth of `tasks list`.
struct DirectoryListing {
    let entries: [(name: String, isDirectory: Bool)]

    /// Nil when the folder cannot be opened. Entries whose type `readdir` does not give (some file
    /// systems) or that are symbolic links are `stat`ed, so links are followed as `os.walk` does
    /// for files; a dangling link is left out.
    init?(_ directory: String) {
        guard let handle = opendir(directory) else { return nil }
        defer { closedir(handle) }
        var found: [(name: String, isDirectory: Bool)] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_DIR): found.append((name, true))
            case Int32(DT_REG): found.append((name, false))
            default:
                var info = stat()
                guard stat(directory + "/" + name, &info) == 0 else { continue }
                found.append((name, (info.st_mode & S_IFMT) == S_IFDIR))
            }
        }
        entries = found
    }
}
