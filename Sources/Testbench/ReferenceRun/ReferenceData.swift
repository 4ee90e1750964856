import Datasets
import Foundation
import JSON
import LMEval

/// Where a reference run reads a task's documents.
///
/// `--data DIR` is a datasets folder laid out like the repository's `datasets/`:
/// `DIR/<dataset_path>/<dataset_name>/<split>.jsonl` (`DIR/<dataset_path>/` when the task has no
/// `dataset_name`); without `--data`, the configured `datasets_dir` (else the bundled
/// `datasets/`). When exactly one task runs, `DIR` may instead be that task's own folder of
/// `<split>.jsonl` files: it is used as such when it holds the task's evaluation split.
/// Without `--data`, a task in lm-eval's local form (`dataset_path: json`/`csv` with
/// `dataset_kwargs.data_files`) reads its own files, relative to its YAML's folder as Register does.
public enum ReferenceData {
    /// The documents of `task`.
    public static func documents(for task: ResolvedTask, data: String?, datasetsDir: String, singleTask: Bool) throws(ReferenceRunError) -> LocalDocuments {
        if data == nil, let files = try dataFiles(of: task) { return files }
        if let data, singleTask, let split = TaskRenderer.evaluationSplit(of: task), holdsSplit(data, split) {
            do { return try LocalDocuments(folder: data) } catch { throw ReferenceRunError("--data \(data): \(error)") }
        }
        let root = data ?? datasetsDir
        guard let path = task.config.datasetPath, !path.isEmpty else {
            throw ReferenceRunError("task \(task.name) has no dataset_path, so its folder under \(root) is unknown")
        }
        do {
            let folder = try LocalFolderSource.folder(datasetsDir: root, path: path, name: task.config.datasetName)
            return try LocalDocuments(folder: folder)
        } catch {
            let origin = data == nil ? "datasets_dir" : "--data"
            throw ReferenceRunError("task \(task.name): \(origin) \(root): \(error) (expected \(root)/\(path)\(task.config.datasetName.map { "/" + $0 } ?? "")/<split>.jsonl)")
        }
    }

    /// The task's own `dataset_kwargs.data_files`, nil when it names none.
    static func dataFiles(of task: ResolvedTask) throws(ReferenceRunError) -> LocalDocuments? {
        let kwargs = task.config.datasetKwargs?.json ?? JSONObject()
        guard let path = task.config.datasetPath, DataFilesSource.builders.contains(path) || kwargs["data_files"] != nil else { return nil }
        guard let file = task.reference.file else { throw ReferenceRunError("task \(task.name) has dataset_kwargs.data_files but no YAML file they are relative to") }
        let base = URL(fileURLWithPath: file).deletingLastPathComponent().path
        do {
            let splits = try DataFilesSource.splits(builder: path, kwargs: kwargs, baseDir: base)
            return LocalDocuments(splits: splits, origin: "\(path) data_files under \(base)")
        } catch {
            throw ReferenceRunError("task \(task.name): dataset_kwargs.data_files (relative to \(base)): \(error)")
        }
    }

    static func holdsSplit(_ folder: String, _ split: String) -> Bool {
        ["jsonl", "json", "csv"].contains { FileManager.default.fileExists(atPath: "\(folder)/\(split).\($0)") }
    }

    /// The bundled `datasets/` folder (`TaskCatalog.bundledDatasetsFolder`).
    public static func bundledDatasetsFolder() -> String? {
        TaskCatalog.bundledDatasetsFolder()
    }
}
