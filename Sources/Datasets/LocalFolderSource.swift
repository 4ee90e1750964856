import Foundation

/// Finds a dataset's splits in `<datasets_dir>/<dataset_path>[/<dataset_name>]/<split>.{jsonl,json,csv}`.
///
/// Split order (which decides `__id` order across splits): `train`, `validation`, `test`, then the
/// others by name. Within a split, rows keep file order.
public enum LocalFolderSource {
    /// Splits that come first, in this order.
    public static let leadingSplits = ["train", "validation", "test"]

    /// The folder a dataset would live in.
    public static func folder(datasetsDir: String, path: String, name: String?) throws(DatasetError) -> String {
        var relative = path
        if let name, !name.isEmpty { relative += "/" + name }
        return try DatasetPaths.join(root: datasetsDir, relative)
    }

    /// The splits found in `folder`, in the documented order.
    public static func splits(inFolder folder: String) throws(DatasetError) -> [SplitFiles] {
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw DatasetError(.missingFile(path: folder, reason: "not a readable folder"))
        }
        var bySplit: [String: String] = [:]
        for entry in entries.sorted() where !entry.hasPrefix(".") {
            guard DatasetFileFormat(fileName: entry) != nil, DatasetPaths.isFile(folder + "/" + entry),
                  let dot = entry.lastIndex(of: ".")
            else { continue }
            let split = String(entry[..<dot])
            if let other = bySplit[split] {
                throw DatasetError(.malformedFile(file: folder, reason: "split '\(split)' has two files, '\(other)' and '\(entry)'; keep one"))
            }
            bySplit[split] = entry
        }
        guard !bySplit.isEmpty else {
            let subfolders = entries.filter { !$0.hasPrefix(".") && DatasetPaths.isDirectory(folder + "/" + $0) }.sorted()
            let hint = subfolders.isEmpty ? "" : "; set dataset_name to one of its subfolders: \(subfolders.joined(separator: ", "))"
            throw DatasetError(.missingFile(path: folder, reason: "no <split>.jsonl, .json or .csv files\(hint)"))
        }
        return orderedSplitNames(Array(bySplit.keys)).compactMap { split in
            bySplit[split].map { SplitFiles(split: split, paths: [folder + "/" + $0]) }
        }
    }

    /// train, validation, test first, then the rest alphabetically.
    public static func orderedSplitNames(_ names: [String]) -> [String] {
        let leading = leadingSplits.filter(names.contains)
        return leading + names.filter { !leadingSplits.contains($0) }.sorted()
    }
}
