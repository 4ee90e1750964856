import Datasets
import JSON
import LMEval

/// Documents read from a folder holding one `<split>.jsonl` (or `.json`, `.csv`) file per split,
/// as `testbench tasks render --data DIR` and reference runs use them.
public struct LocalDocuments: DocumentSource {
    private let splits: [String: SplitFiles]
    public let folder: String

    /// Finds the split files in `folder`.
    public init(folder: String) throws(DatasetError) {
        self.folder = folder
        var splits: [String: SplitFiles] = [:]
        for files in try LocalFolderSource.splits(inFolder: folder) { splits[files.split] = files }
        self.splits = splits
    }

    /// The given split files (a task's `dataset_kwargs.data_files`); `origin` names them in messages.
    public init(splits files: [SplitFiles], origin: String) {
        folder = origin
        var splits: [String: SplitFiles] = [:]
        for file in files { splits[file.split] = file }
        self.splits = splits
    }

    /// Split names found, in the folder's documented order.
    public var splitNames: [String] { LocalFolderSource.orderedSplitNames(Array(splits.keys)) }

    public func documents(split: String) throws(LMEvalError) -> [JSONObject]? {
        guard let files = splits[split] else { return nil }
        do {
            var reader = try files.openReader()
            var rows: [JSONObject] = []
            while let row = try reader.next() { rows.append(row) }
            return rows
        } catch {
            throw LMEvalError(.documents, "cannot read split \(split) in \(folder): \(error)")
        }
    }
}
