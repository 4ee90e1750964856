import Foundation
import Testing

/// The README's layout table, Package.swift and the modules' imports tell one story.
@Suite struct LayoutTests {
    /// Targets of Package.swift (not tests) with their first-party dependencies, read from the manifest text.
    static func manifestTargets() throws -> [String: Set<String>] {
        let manifest = try RepositoryFiles.text("Package.swift")
        let declaration = try Regex(#"\.(target|executableTarget|systemLibrary)\(name: "([^"]+)""#)
        var targets: [String: Set<String>] = [:]
        for match in manifest.matches(of: declaration) {
            let name = String(try #require(match.output[2].substring))
            let rest = manifest[match.range.upperBound...]
            // The target's own dependency list: the first `dependencies: [` before the next target.
            let end = rest.firstRange(of: "\n        .")?.lowerBound ?? rest.endIndex
            let body = rest[..<end]
            var dependencies: Set<String> = []
            if let open = body.firstRange(of: "dependencies: [") {
                var depth = 1
                var index = open.upperBound
                while depth > 0, index < body.endIndex {
                    if body[index] == "[" { depth += 1 } else if body[index] == "]" { depth -= 1 }
                    index = body.index(after: index)
                }
                let list = String(body[open.upperBound..<index]).replacing(try Regex(#"\.product\([^)]*\)"#), with: "")
                for quoted in list.matches(of: try Regex(#""([^"]+)""#)) {
                    dependencies.insert(String(try #require(quoted.output[1].substring)))
                }
            }
            targets[name] = dependencies
        }
        return targets
    }

    /// Rows of the README's layout table: module names → what they may import (nil: "see Package.swift").
    static func readmeRows() throws -> [String: Set<String>?] {
        let readme = try RepositoryFiles.text("README.md")
        let start = try #require(readme.firstRange(of: "\n## Layout\n"), "README.md has no Layout section")
        let section = readme[start.upperBound...]
        let end = section.firstRange(of: "\n## ")?.lowerBound ?? section.endIndex
        let ticked = try Regex(#"`([^`]+)`"#)
        var rows: [String: Set<String>?] = [:]
        for line in section[..<end].split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4 else { continue }
            let names = try cells[1].matches(of: ticked).map { String(try #require($0.output[1].substring)) }
            let imports: Set<String>? = cells[3].contains("Package.swift")
                ? nil : Set(try cells[3].matches(of: ticked).map { String(try #require($0.output[1].substring)) })
            for name in names { rows[name] = imports }
        }
        return rows
    }

    @Test func theReadmeTableListsEveryModuleWithItsDependencies() throws {
        let targets = try Self.manifestTargets()
        let rows = try Self.readmeRows()
        #expect(targets.count > 10, "Package.swift parsed to \(targets.keys.sorted())")
        #expect(Set(rows.keys) == Set(targets.keys), "README layout table vs Package.swift targets")
        for (name, dependencies) in targets {
            guard let listed = rows[name], let listed else { continue }
            #expect(listed == dependencies, "\(name): README says it may import \(listed.sorted()), Package.swift lists \(dependencies.sorted())")
        }
    }

    @Test func modulesImportOnlyWhatPackageSwiftLists() throws {
        let targets = try Self.manifestTargets()
        let firstParty = Set(targets.keys)
        let importLine = try Regex(#"(?m)^(?:@testable )?import ([A-Za-z_]+)"#)
        for (name, dependencies) in targets {
            let folder = name == "TestSupport" ? "Tests/TestSupport" : "Sources/\(name)"
            let url = RepositoryFiles.root.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil) else { continue }
            for case let file as URL in walker where file.pathExtension == "swift" {
                let text = try String(contentsOf: file, encoding: .utf8)
                for match in text.matches(of: importLine) {
                    let module = String(try #require(match.output[1].substring))
                    guard firstParty.contains(module), module != name else { continue }
                    #expect(dependencies.contains(module), "\(folder)/\(file.lastPathComponent) imports \(module), which Package.swift does not list for \(name)")
                }
            }
        }
    }
}
