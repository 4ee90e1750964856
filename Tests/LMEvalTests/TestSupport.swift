import Foundation
import JSON

/// Paths and loaders shared by the LMEval tests.
enum TestSupport {
    /// Tests/LMEvalTests/Fixtures in the source tree.
    static let fixtures: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The package root (where Package.swift lives).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// lm-eval 0.4.9's task tree: env TESTBENCH_LMEVAL_TASKS, else <package root>/.cache/lm-eval-0.4.9/lm_eval/tasks.
    static var lmevalTasks: String? {
        if let env = ProcessInfo.processInfo.environment["TESTBENCH_LMEVAL_TASKS"], !env.isEmpty { return env }
        let path = packageRoot.appendingPathComponent(".cache/lm-eval-0.4.9/lm_eval/tasks").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    static func loadJSON(_ relativePath: String) throws -> JSONValue {
        let data = try Data(contentsOf: fixtures.appendingPathComponent(relativePath))
        return try JSONValue.parse([UInt8](data))
    }
}
