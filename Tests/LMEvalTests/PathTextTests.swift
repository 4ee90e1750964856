import Testing
@testable import LMEval

/// `PathText.normalize` as `os.path.normpath` gives it, for paths its fast path takes and those it must not.
@Suite struct PathTextTests {
    @Test(arguments: [
        ("/a/b/c.yaml", "/a/b/c.yaml"),
        ("a/b", "a/b"),
        ("/", "/"),
        ("", "."),
        (".", "."),
        ("..", ".."),
        ("/./x", "/x"),
        ("/a//b", "/a/b"),
        ("a/", "a"),
        ("/a/b/", "/a/b"),
        ("a/./b", "a/b"),
        ("a/../b", "b"),
        ("/a/b/..", "/a"),
        ("/..", "/"),
        ("../a", "../a"),
        ("a/b/.", "a/b"),
        ("/a/.../b", "/a/.../b"),
        ("/a/.hidden/b", "/a/.hidden/b"),
    ])
    func normalize(path: String, expected: String) {
        #expect(PathText.normalize(path) == expected)
    }

    @Test(arguments: [("/a/b/c.yaml", "/a/b"), ("c.yaml", ""), ("/c.yaml", "/"), ("a/c.yaml", "a")])
    func directory(path: String, expected: String) {
        #expect(PathText.directory(of: path) == expected)
    }
}
