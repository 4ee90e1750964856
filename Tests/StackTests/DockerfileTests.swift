import Foundation
import Testing

@Suite("Dockerfiles")
struct DockerfileTests {
    /// Packages every debian:bookworm-slim image already has (libc, the GCC runtime, libstdc++ for apt).
    static let basePackages: Set<String> = ["libc6", "libgcc-s1", "libstdc++6"]
    /// Packages the runtime reads files from rather than links.
    static let dataPackages: Set<String> = ["tzdata", "ca-certificates"]

    @Test("the sampler and evaluator Dockerfiles build the same image")
    func identicalBuilds() throws {
        let instructions = try RepositoryFiles.dockerfiles.map { try Dockerfile(RepositoryFiles.text($0)).instructions }
        #expect(instructions[0] == instructions[1])
        #expect(!instructions[0].isEmpty)
    }

    @Test("builder is the Swift 6.3 toolchain on bookworm, runtime is bookworm-slim, both tagged", arguments: RepositoryFiles.dockerfiles)
    func baseImages(file: String) throws {
        let images = try Dockerfile(RepositoryFiles.text(file)).baseImages.map(ImageReference.init)
        #expect(images.count == 2)
        guard images.count == 2 else { return }
        #expect(images[0].repository == "swift")
        #expect(images[0].tag?.hasPrefix("6.3") == true && images[0].tag?.hasSuffix("-bookworm") == true)
        #expect(images[1].repository == "debian" && images[1].tag == "bookworm-slim")
        for image in images { #expect(image.tag != nil && image.tag != "latest") }
    }

    @Test("build stage installs the -dev packages Package.swift's system libraries name", arguments: RepositoryFiles.dockerfiles)
    func buildPackages(file: String) throws {
        let manifest = try RepositoryFiles.text("Package.swift")
        var providers: Set<String> = ["pkg-config"]
        for match in manifest.matches(of: /\.apt\(\[([^\]]*)\]\)/) {
            for name in match.1.matches(of: /"([^"]+)"/) { providers.insert(String(name.1)) }
        }
        #expect(providers.count > 1, "no .apt([...]) providers found in Package.swift")
        let dockerfile = try Dockerfile(RepositoryFiles.text(file))
        let installed = Set(dockerfile.aptInstalls.first ?? [])
        #expect(installed == providers, "\(file) build stage installs \(installed.sorted()), Package.swift needs \(providers.sorted())")
    }

    @Test("the image sets where tasks and the configuration are, and copies the bundled tasks and datasets", arguments: RepositoryFiles.dockerfiles)
    func environment(file: String) throws {
        let text = try RepositoryFiles.text(file)
        let sources = try RepositoryFiles.productSources()
        for key in ["TESTBENCH_TASKS_DIR", "CONFIG_PATH"] {
            #expect(text.contains("\(key)="), "\(file) does not set \(key)")
            #expect(sources.contains("\"\(key)\""), "no file under Sources/ reads \(key)")
        }
        #expect(text.contains("COPY tasks ./tasks") && text.contains("COPY datasets ./datasets"))
        #expect(text.contains("TESTBENCH_TASKS_DIR=/opt/testbench/tasks"))
        #expect(text.contains("swift build -c release --product testbench"))
    }

    @Test("runtime packages are exactly what the testbench binary and the Swift runtime link", arguments: RepositoryFiles.dockerfiles)
    func runtimePackagesMatchLinkedLibraries(file: String) throws {
        let dockerfile = try Dockerfile(RepositoryFiles.text(file))
        let declared = try #require(dockerfile.argument("RUNTIME_PACKAGES"), "\(file) has no ARG RUNTIME_PACKAGES")
        let declaredSwift = try #require(dockerfile.argument("SWIFT_RUNTIME_PACKAGES"), "\(file) has no ARG SWIFT_RUNTIME_PACKAGES")
        #expect(dockerfile.aptInstalls.last == ["$SWIFT_RUNTIME_PACKAGES", "$RUNTIME_PACKAGES"], "the runtime stage must install both lists")
        let linkage = try Linkage.of(try BuiltBinary.path())

        let direct = try linkage.packages(of: linkage.directlyNeeded)
        #expect(direct.unowned.allSatisfy { $0.contains("/lib/swift/") },
                "libraries outside the Swift toolchain that no Debian package owns: \(direct.unowned)")
        let binaryPackages = direct.packages.subtracting(Self.basePackages)
        #expect(binaryPackages == Set(declared.split(separator: " ").map(String.init)),
                "the binary links \(binaryPackages.sorted()); ARG RUNTIME_PACKAGES has \(declared)")
        #expect(binaryPackages.isSuperset(of: ["libpq5", "libmongoc-1.0-0", "libbson-1.0-0", "libyaml-0-2"]))

        // The toolchain libraries are copied from the build stage; what they link must be installed.
        let toolchainNeeds = try linkage.packages(of: linkage.neededByToolchainLibraries)
        let swiftPackages = toolchainNeeds.packages.subtracting(Self.basePackages)
        let declaredSwiftSet = Set(declaredSwift.split(separator: " ").map(String.init))
        #expect(swiftPackages.isSubset(of: declaredSwiftSet),
                "the Swift runtime links \(swiftPackages.sorted()); ARG SWIFT_RUNTIME_PACKAGES has \(declaredSwift)")
        #expect(declaredSwiftSet.subtracting(swiftPackages).isSubset(of: Self.dataPackages),
                "SWIFT_RUNTIME_PACKAGES lists packages nothing links: \(declaredSwiftSet.subtracting(swiftPackages).subtracting(Self.dataPackages).sorted())")
    }
}

/// The instructions of a Dockerfile, comments dropped and continuation lines joined.
struct Dockerfile {
    let instructions: [String]

    init(_ text: String) {
        var result: [String] = []
        var pending = ""
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || (line.isEmpty && pending.isEmpty) { continue }
            if line.hasSuffix("\\") {
                pending += line.dropLast() + " "
                continue
            }
            let joined = (pending + line).split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            if !joined.isEmpty { result.append(joined) }
            pending = ""
        }
        instructions = result
    }

    /// The image of each `FROM` (stage names dropped).
    var baseImages: [String] {
        instructions.filter { $0.hasPrefix("FROM ") }.compactMap { $0.split(separator: " ").dropFirst().first.map(String.init) }
    }

    /// The default value of `ARG name="…"`.
    func argument(_ name: String) -> String? {
        for instruction in instructions where instruction.hasPrefix("ARG \(name)=") {
            return String(instruction.dropFirst("ARG \(name)=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }

    /// The package names of each `apt-get install` (options dropped), in order.
    var aptInstalls: [[String]] {
        instructions.compactMap { instruction in
            guard let install = instruction.range(of: "apt-get install ") else { return nil }
            let tail = instruction[install.upperBound...].split(separator: "&&").first ?? ""
            return tail.split(separator: " ").map(String.init).filter { !$0.hasPrefix("-") }
        }
    }
}

/// What a binary links, as ldd resolves it on this machine, mapped to Debian packages.
struct Linkage {
    /// soname → resolved path, for the whole closure ldd prints.
    let resolved: [String: String]
    /// The binary's own DT_NEEDED entries.
    let directlyNeeded: [String]
    /// DT_NEEDED entries of the toolchain libraries in the closure (those no package owns).
    let neededByToolchainLibraries: [String]

    static func of(_ binary: String) throws -> Linkage {
        let ldd = try ProcessResult.runBlocking(try tool("ldd"), [binary])
        try #require(ldd.status == 0, "ldd \(binary): \(ldd.stderr)")
        var resolved: [String: String] = [:]
        for line in ldd.stdout.split(separator: "\n") {
            let parts = line.split(whereSeparator: \.isWhitespace).map(String.init)
            if parts.count >= 3, parts[1] == "=>", parts[2].hasPrefix("/") { resolved[parts[0]] = parts[2] }
        }
        let toolchain = resolved.values.filter { $0.contains("/lib/swift/") }
        var toolchainNeeds: Set<String> = []
        for library in toolchain { toolchainNeeds.formUnion(try needed(library)) }
        return Linkage(resolved: resolved, directlyNeeded: try needed(binary), neededByToolchainLibraries: toolchainNeeds.sorted())
    }

    /// Debian packages owning the given sonames' files, and the files no package owns.
    func packages(of sonames: [String]) throws -> (packages: Set<String>, unowned: [String]) {
        var packages: Set<String> = []
        var unowned: [String] = []
        for soname in sonames {
            // The dynamic loader and libc's own pieces are not in ldd's "=>" lines or are libc6's.
            guard let path = resolved[soname] else {
                #expect(soname.hasPrefix("ld-linux") || soname.hasPrefix("linux-vdso"), "ldd did not resolve \(soname)")
                continue
            }
            if let package = try Self.owner(of: path) { packages.insert(package) } else { unowned.append(path) }
        }
        return (packages, unowned)
    }

    private static func needed(_ file: String) throws -> [String] {
        let readelf = try ProcessResult.runBlocking(try tool("readelf"), ["-d", file])
        try #require(readelf.status == 0, "readelf -d \(file): \(readelf.stderr)")
        return readelf.stdout.split(separator: "\n").compactMap { line in
            guard line.contains("(NEEDED)"), let match = line.firstMatch(of: /\[([^\]]+)\]/) else { return nil }
            return String(match.1)
        }
    }

    /// `dpkg -S` for the path, trying the /usr-merged spelling too (Debian 12 lists /lib files under /usr/lib or /lib).
    private static func owner(of path: String) throws -> String? {
        let resolvedPath = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        var candidates = [path, resolvedPath]
        for candidate in [path, resolvedPath] {
            if candidate.hasPrefix("/usr/lib/") { candidates.append(String(candidate.dropFirst(4))) }
            else if candidate.hasPrefix("/lib/") { candidates.append("/usr" + candidate) }
        }
        for candidate in candidates {
            let dpkg = try ProcessResult.runBlocking(try tool("dpkg"), ["-S", candidate])
            guard dpkg.status == 0, let line = dpkg.stdout.split(separator: "\n").first,
                  let colon = line.range(of: ": ") else { continue }
            // "libpq5:amd64: /usr/lib/x86_64-linux-gnu/libpq.so.5" → "libpq5"
            let package = line[..<colon.lowerBound].split(separator: ":").first.map(String.init)
            if let package { return package }
        }
        return nil
    }

    private static func tool(_ name: String) throws -> String {
        try #require(ProcessResult.which(name), "\(name) not found on PATH (Debian: binutils, libc-bin, dpkg)")
    }
}
