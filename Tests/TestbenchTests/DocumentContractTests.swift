import ExtendedJSON
import Foundation
import JSON
import Logging
import Mongo
import TestSupport
import Testing
@testable import Testbench

/// `Fixtures/document-contract/contract.json`: per kind of document, the BSON types the original's
/// Go apps decode (checked against their sources by `scripts/document-contract/check_go_structs.py`).
struct DocumentContract {
    struct Kind {
        var name: String
        var collection: String
        /// A top-level field that tells this kind from another of the same collection (`scores`, `signatures`).
        var when: String?
        /// Path patterns (`a.b`, `list[]`, `list[].x`, `map.*`) and the BSON types each may have.
        var fields: [(path: String, bson: Set<String>)]
        /// What a Go app `$set`s back into documents we wrote, or writes itself: path → BSON type.
        var goWrites: [String: String]
    }

    var kinds: [String: Kind]

    static func load() throws -> DocumentContract {
        let url = PackagePaths.root.appendingPathComponent("Tests/TestbenchTests/Fixtures/document-contract/contract.json")
        let root = try JSONValue.parse(try String(contentsOf: url, encoding: .utf8))
        var kinds: [String: Kind] = [:]
        for (name, spec) in try #require(root["documents"]?.objectValue) {
            let fields = (spec["fields"]?.objectValue ?? [:]).map { path, field in
                (path: path, bson: Set((field["bson"]?.arrayValue ?? []).compactMap(\.stringValue)))
            }
            var goWrites: [String: String] = [:]
            for (path, type) in spec["go_sets"]?["fields"]?.objectValue ?? [:] { goWrites[path] = type.stringValue }
            for (path, field) in spec["go_writes"]?.objectValue ?? [:] { goWrites[path] = field["bson"]?.stringValue }
            kinds[name] = Kind(name: name, collection: try #require(spec["collection"]?.stringValue), when: spec["when"]?.stringValue,
                               fields: fields, goWrites: goWrites)
        }
        return DocumentContract(kinds: kinds)
    }

    /// Whether a stored key path (`scores.0.score`) is an instance of a pattern (`scores[].score`).
    static func matches(_ stored: String, _ pattern: String) -> Bool {
        var tokens: [String] = []
        for part in pattern.split(separator: ".", omittingEmptySubsequences: false) {
            if part.hasSuffix("[]") {
                tokens += [String(part.dropLast(2)), "[]"]
            } else {
                tokens.append(String(part))
            }
        }
        let keys = stored.split(separator: ".", omittingEmptySubsequences: false)
        guard keys.count == tokens.count else { return false }
        return zip(keys, tokens).allSatisfy { key, token in
            switch token {
            case "[]": key.allSatisfy(\.isNumber)
            case "*": true
            default: key == token
            }
        }
    }

    /// What in `documents` (type maps of stored documents) breaks `kind`: a plain path missing or a
    /// path of another type; and an element pattern (`[]`, `*`) that no document exercised.
    static func problems(_ documents: [[String: String]], _ kind: Kind) -> [String] {
        var problems: [String] = []
        var seen = Set<String>()
        for (index, types) in documents.enumerated() {
            for (path, allowed) in kind.fields {
                let repeated = path.contains("[]") || path.contains("*")
                let found = types.filter { matches($0.key, path) }
                if found.isEmpty, !repeated { problems.append("\(kind.name) #\(index): no \(path) (\(allowed.sorted()))") }
                if !found.isEmpty { seen.insert(path) }
                for (stored, type) in found.sorted(by: { $0.key < $1.key }) where !allowed.contains(type) {
                    problems.append("\(kind.name) #\(index): \(stored) is \(type), the Go reader takes \(allowed.sorted())")
                }
            }
        }
        for (path, _) in kind.fields where !seen.contains(path) {
            problems.append("\(kind.name): no document has \(path), so it was not checked")
        }
        return problems
    }
}

/// The documents this worker writes to a real MongoDB server, checked field by field against what
/// the original's Go manager and requester decode; and what the Go requester writes (its BSON
/// types, its `$set`s of whole structs) read back by our Evaluator.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["TESTBENCH_MONGODB_URI"].map { !$0.isEmpty } ?? false))
struct DocumentContractTests {
    static let logger = Logger(label: "contract-test")

    /// An int64, as the Go driver writes an `int64` field.
    static func long(_ value: Int) -> JSONValue { ["$numberLong": .string(String(value))] }

    /// The Go requester answering every prompt of a task: a `responses` document per prompt with
    /// its BSON types, then `update_task_tree`'s `$set`s of the decoded prompt, instance and task
    /// structs (`markDone: false` leaves the tree as the Sampler wrote it).
    static func goRequester(
        _ database: MongoDatabase, store: any DocumentStore, taskID: ObjectID, height: Int, markDone: Bool = true,
        body: (_ instance: JSONObject) -> String
    ) async throws {
        let instances = try await store.instances(taskID: taskID)
        var byID: [ObjectID: JSONObject] = [:]
        for instance in instances { if let id = instance["_id"]?.objectIDValue { byID[id] = instance } }
        let responses = database.collection("responses"), prompts = database.collection("prompts")
        for (index, prompt) in try await store.prompts(taskID: taskID).enumerated() {
            let instanceID = try #require(prompt["instance_id"]?.objectIDValue)
            let instance = try #require(byID[instanceID])
            let id = ObjectID()
            let response = JSONObject([
                ("_id", .objectID(id)), ("ok", true), ("error_code", 0), ("ms", long(120 + index)), ("response", .string(body(instance))),
                ("error", ""), ("height", long(height + index)), ("session_height", long(height)), ("task_id", .objectID(taskID)),
                ("instance_id", .objectID(instanceID)), ("prompt_id", prompt["_id"] ?? .null),
            ])
            _ = try await responses.updateOne(filter: ["_id": .objectID(id)], update: ["$set": .object(response)], upsert: true)
            guard markDone else { continue }
            _ = try await prompts.updateOne(filter: ["_id": prompt["_id"] ?? .null], update: ["$set": .object(JSONObject([
                ("_id", prompt["_id"] ?? .null), ("data", prompt["data"] ?? ""), ("timeout", long(prompt["timeout"]?.intValue ?? 0)),
                ("done", true), ("trigger_session", long(height)), ("task_id", .objectID(taskID)), ("instance_id", .objectID(instanceID)),
            ]))])
            _ = try await database.collection("instances").updateOne(filter: ["_id": .objectID(instanceID)], update: ["$set": .object(JSONObject([
                ("_id", .objectID(instanceID)), ("done", true), ("task_id", .objectID(taskID)),
            ]))])
        }
        guard markDone, let task = try await store.task(id: taskID), let args = task["requester_args"] else { return }
        let rewritten = JSONObject(["address", "service", "method", "path", "headers"].map { ($0, args[$0] ?? .null) })
        _ = try await database.collection("tasks").updateOne(filter: ["_id": .objectID(taskID)], update: ["$set": .object(JSONObject([
            ("_id", .objectID(taskID)), ("requester_args", .object(rewritten)), ("done", true),
        ]))])
    }

    static func completion(_ text: String, chat: Bool) -> String {
        let choice: JSONValue = chat
            ? ["index": 0, "message": ["role": "assistant", "content": .string(text)], "finish_reason": "stop"]
            : ["index": 0, "text": .string(text), "finish_reason": "stop"]
        return JSONValue.object(["id": "cmpl", "model": "m", "choices": [choice], "usage": ["prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2]])
            .serialized()
    }

    static func expectConforms(_ database: MongoDatabase, _ contract: DocumentContract, _ names: [String]) async throws {
        for name in names {
            let kind = try #require(contract.kinds[name])
            var documents = try await database.collection(kind.collection).storedTypes(sort: ["_id": 1])
            if let when = kind.when { documents = documents.filter { $0[when] != nil } }
            #expect(!documents.isEmpty, "no \(name) documents were written")
            let problems = DocumentContract.problems(documents, kind)
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        }
    }

    @Test func whatWeWriteIsWhatTheGoAppsDecodeAndWhatTheyWriteIsRead() async throws {
        let uri = try #require(ProcessInfo.processInfo.environment["TESTBENCH_MONGODB_URI"])
        let contract = try DocumentContract.load()
        let world = try await SamplerWorld.make(mongoURI: uri)
        let raw = try MongoClientPool(uri: uri)
        let database = raw.database(world.schema)
        try await withCleanup({
            _ = try? await database.drop()
            await world.close()
        }) {
            let store = world.services.documents
            try await world.register("bigbench_word_sorting", dataset: "word_sorting")
            // lmeh generate_until trees, both forms; a blacklist and headers so their elements are checked.
            let completions = try await world.sample(samplerInput(task: "bigbench_word_sorting", qty: 3, blacklist: testRows([0, 1])))
            let chat = try await world.sample(samplerInput(
                task: "bigbench_word_sorting", docIDs: testRows([2, 3]), path: "/v1/chat/completions",
                extra: [("requester_args", ["address": "pokt1supplier", "service": "A100", "path": "/v1/chat/completions",
                                            "headers": ["Content-Type": "application/json", "Authorization": "Bearer demo"]])]))
            let dropped = try await world.sample(samplerInput(task: "bigbench_word_sorting", docIDs: testRows([4])))
            var signatures: [String: ObjectID] = [:]
            for task in ["tokenizer", "config", "identity"] {
                signatures[task] = try await world.sample(signatureInput(task, seed: 1234)).taskID
            }
            // As the Sampler wrote them, before any Go app touched them.
            try await Self.expectConforms(database, contract, ["tasks", "instances", "instances.lmeh", "prompts"])

            let target = { (instance: JSONObject) in " " + (instance["doc"]?["target"]?.stringValue ?? "") }
            try await Self.goRequester(database, store: store, taskID: completions.taskID, height: 5000) { Self.completion(target($0), chat: false) }
            try await Self.goRequester(database, store: store, taskID: chat.taskID, height: 5000) { Self.completion(target($0), chat: true) }
            let tokenizer = try SignatureFixtures.text("tokenizer.json"), config = try SignatureFixtures.text("config.json")
            try await Self.goRequester(database, store: store, taskID: try #require(signatures["tokenizer"]), height: 5000) { _ in tokenizer }
            try await Self.goRequester(database, store: store, taskID: try #require(signatures["config"]), height: 5000) { _ in config }
            try await Self.goRequester(database, store: store, taskID: try #require(signatures["identity"]), height: 5000) { _ in
                Self.completion("I am a model", chat: false)
            }
            // The drop path: the one response of this task answers another task's prompt.
            let foreign = try #require(try await store.prompts(taskID: completions.taskID).first)
            _ = try await database.collection("responses").insertOne(JSONObject([
                ("_id", .objectID(ObjectID())), ("ok", true), ("error_code", 0), ("ms", Self.long(7)), ("response", "{}"), ("error", ""),
                ("height", Self.long(5100)), ("session_height", Self.long(5100)), ("task_id", .objectID(dropped.taskID)),
                ("instance_id", foreign["instance_id"] ?? .null), ("prompt_id", foreign["_id"] ?? .null),
            ]))
            // Our simulation of the requester writes the Go driver's types.
            let goResponses = try #require(contract.kinds["responses"])
            for types in try await database.collection("responses").storedTypes() {
                for (path, type) in goResponses.goWrites { #expect(types[path] == type, "responses.\(path)") }
            }
            for (name, collection) in [("prompts", "prompts"), ("instances", "instances"), ("tasks", "tasks")] {
                let sets = try #require(contract.kinds[name]).goWrites
                let rewritten = try await database.collection(collection).storedTypes(["task_id": .objectID(completions.taskID)])
                    + (name == "tasks" ? try await database.collection(collection).storedTypes(["_id": .objectID(completions.taskID)]) : [])
                #expect(!rewritten.isEmpty)
                for types in rewritten {
                    for (path, type) in sets where name != "tasks" || path != "requester_args.headers" { #expect(types[path] == type, "\(name).\(path)") }
                }
            }

            // Our Evaluator reads what the Go requester wrote.
            let evaluator = Evaluator(services: world.services)
            for sampled in [completions, chat] {
                let outcome = try await evaluator.evaluate(EvaluatorInput(taskID: sampled.taskID), logger: Self.logger)
                #expect(outcome.scored == sampled.docIDs.count && outcome.failed == 0 && outcome.meanScore == 1.0, "\(outcome)")
                let result = try #require(try await store.result(taskID: sampled.taskID))
                #expect(result["result_data"]?["result_height"] == 5000, "the highest int64 session_height, as the original's reconstruct_instances")
                #expect(result["scores"]?.arrayValue?.map { $0["run_time"] } == (0..<sampled.docIDs.count).map { .double(Double(120 + $0)) })
            }
            for (task, id) in signatures {
                let outcome = try await evaluator.evaluate(EvaluatorInput(taskID: id), logger: Self.logger)
                #expect(outcome.status == 0 && outcome.failed == 0, "\(task): \(outcome)")
            }
            let expected = try SignatureFixtures.expected()
            let tokenizerID = try #require(signatures["tokenizer"])
            let tokenizerResult = try #require(try await store.result(taskID: tokenizerID))
            #expect(tokenizerResult["signatures"]?.arrayValue?.first?["signature"] == expected["tokenizer_hash_original"])
            let drop = await #expect(throws: Error.self) { try await evaluator.evaluate(EvaluatorInput(taskID: dropped.taskID), logger: Self.logger) }
            #expect(drop != nil)
            #expect(try await store.task(id: dropped.taskID)?["drop"] == true)
            #expect(try await store.result(taskID: dropped.taskID)?["result_data"]?["status"] == 12)

            // What the Evaluator wrote, and the task documents after the Go requester's and our flags' writes.
            try await Self.expectConforms(database, contract, ["results.scores", "results.signatures", "tokenizers", "configs", "tasks", "instances",
                                                      "instances.lmeh", "prompts"])
            let flags = try await database.collection("tasks").storedTypes()
            #expect(flags.allSatisfy { $0["evaluated"] == "bool" && $0["drop"] == "bool" })

            // StaleTasks reads the manager's int64 last_process_height: the dropped task (not done, all responses in) is old.
            let goSupplier = try #require(contract.kinds["suppliers"])
            let now = JSONValue.date(Date())
            _ = try await database.collection("suppliers").insertOne(JSONObject([
                ("_id", .objectID(ObjectID())), ("address", "pokt1supplier"), ("service", "A100"), ("last_seen_height", Self.long(5200)),
                ("last_seen_time", now), ("last_process_height", Self.long(5200)), ("last_process_time", now),
            ]))
            for types in try await database.collection("suppliers").storedTypes() {
                for (path, type) in goSupplier.goWrites { #expect(types[path] == type, "suppliers.\(path)") }
            }
            #expect(try await store.oldTaskIDs(blocksAgo: 40) == [dropped.taskID])
        }
    }

    @Test(arguments: [
        ("scores.0.score", "scores[].score", true), ("scores.x.score", "scores[].score", false), ("scores", "scores[]", false),
        ("requester_args.headers.Content-Type", "requester_args.headers.*", true), ("requester_args.headers", "requester_args.headers.*", false),
        ("result_data.task_id", "result_data.task_id", true), ("blacklist.12", "blacklist[]", true),
    ])
    func pathPatterns(stored: String, pattern: String, matches: Bool) {
        #expect(DocumentContract.matches(stored, pattern) == matches)
    }

    @Test func aWrongTypeAMissingFieldAndAnUnexercisedElementAreReported() throws {
        let kind = try #require(try DocumentContract.load().kinds["results.scores"])
        var types: [String: String] = ["_id": "objectId", "result_data": "document", "result_data.task_id": "string",
                                       "result_data.num_samples": "int32", "result_data.status": "int32", "result_data.result_height": "int64",
                                       "scores": "array"]
        var problems = DocumentContract.problems([types], kind)
        #expect(problems.contains { $0.contains("result_data.task_id is string") })
        #expect(problems.contains { $0.contains("no result_data.result_time") })
        #expect(problems.contains { $0.contains("no document has scores[].score") })
        types["result_data.task_id"] = "objectId"
        types["result_data.result_time"] = "date"
        for (key, type) in [("0", "document"), ("0.score", "double"), ("0.id", "int32"), ("0.run_time", "double"), ("0.status_code", "int32"),
                            ("0.error_str", "string")] { types["scores.\(key)"] = type }
        problems = DocumentContract.problems([types], kind)
        #expect(problems.isEmpty, "\(problems)")
    }
}
