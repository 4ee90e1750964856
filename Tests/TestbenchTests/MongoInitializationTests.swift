import ExtendedJSON
import Foundation
import JSON
import Mongo
import Testbench
import Testing

/// libmongoc is initialised only when a MongoDB client is created: PostgreSQL-only work (ids,
/// task configs, Register, Sampler, the JSONB document store) never loads it, so it never prints
/// mongoc's "Falling back to malloc for counters". Each check runs in a child process, because
/// other tests in this process do create MongoDB clients.
@Suite struct MongoInitializationTests {
    @Test func postgresOnlyWorkNeverInitialisesLibmongoc() async {
        await #expect(processExitsWith: .success) {
            guard !MongoRuntime.isInitialized else { exit(10) }
            let ids = [ObjectID(), SamplerIDs.taskID(runID: "no-mongo"), EvaluatorIDs.resultID(task: ObjectID())]
            let document: JSONObject = ["_id": .objectID(ids[0]), "creation_date": .date(Date())]
            guard document["_id"]?.objectIDValue == ids[0], document["creation_date"]?.dateValue != nil else { exit(11) }
            // What `tasks list/show/render` do: index the bundled task configs.
            _ = try TaskCatalog.index(includePaths: [PackagePaths.tasks])
            guard !MongoRuntime.isInitialized else { exit(12) }
            // A PostgreSQL-only configuration connects the JSONB store; Register and Sampler run on it.
            let services = try await RegisterTests.services()
            guard services.documents.kind == "postgres" else { exit(13) }
            _ = try await RegisterTests.registrar(services).register(
                RegisterInput(["framework": "lmeh", "tasks": "bigbench_word_sorting"]), logger: RegisterTests.logger)
            let outcome = try await Sampler(services: services).sample(
                SamplerRequest.parse(samplerInput(task: "bigbench_word_sorting", docIDs: testRows([0, 1]))), runID: "no-mongo",
                logger: RegisterTests.logger)
            guard try await services.documents.task(id: outcome.taskID) != nil else { exit(14) }
            await services.postgres.close()
            guard !MongoRuntime.isInitialized else { exit(1) }
        }
    }
}
