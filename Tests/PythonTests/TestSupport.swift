import Foundation
import JSON

/// Fixture loading for the Python tests.
enum TestSupport {
    /// Tests/PythonTests/Fixtures in the source tree.
    static let fixtures: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func loadJSON(_ relativePath: String) throws -> JSONValue {
        let data = try Data(contentsOf: fixtures.appendingPathComponent(relativePath))
        return try JSONValue.parse([UInt8](data))
    }
}
