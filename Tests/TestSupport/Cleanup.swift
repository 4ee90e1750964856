/// Runs `body`, then awaits `cleanup` whether or not `body` threw.
///
/// Tests use this instead of `defer { Task { … } }`: an unstructured cleanup task can still be
/// opening a connection when the test process exits, and libpq's GSSAPI probe then aborts in
/// krb5's already-finalised mutexes.
public func withCleanup<T>(_ cleanup: () async -> Void, _ body: () async throws -> T) async throws -> T {
    let value: T
    do {
        value = try await body()
    } catch {
        await cleanup()
        throw error
    }
    await cleanup()
    return value
}
