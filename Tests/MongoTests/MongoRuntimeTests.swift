import ExtendedJSON
import Foundation
import JSON
import Mongo
import Testing

/// `MongoRuntime.isInitialized` turns true only when a client pool is created (Testbench's tests
/// check PostgreSQL-only work leaves it false). Runs in a child process: other tests here create pools.
@Suite struct MongoRuntimeTests {
    @Test func creatingAMongoClientPoolInitialisesLibmongoc() async {
        await #expect(processExitsWith: .success) {
            guard !MongoRuntime.isInitialized else { exit(10) }
            // Encoding BSON needs only libbson.
            _ = try BSONInspector.types(of: ["_id": .objectID(ObjectID()), "at": .date(Date())])
            guard !MongoRuntime.isInitialized else { exit(11) }
            _ = try MongoClientPool(uri: "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100")
            guard MongoRuntime.isInitialized else { exit(1) }
        }
    }
}
