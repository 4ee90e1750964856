import ArgumentParser
import ExtendedJSON
import JSON
import Testbench

struct DocumentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "documents",
        abstract: "Inspect the task trees the Sampler wrote (MongoDB, or PostgreSQL JSONB when no mongodb_uri is set).",
        subcommands: [List.self, Show.self]
    )

    static let jsonFormat = JSONFormat(itemSeparator: ", ", keySeparator: ": ", ensureASCII: false)

    /// Connects to the configured document store.
    static func connect(_ options: ConfigOptions) async throws -> TestbenchServices {
        try await TestbenchServices.connect(config: try options.load(), maxConnections: 2)
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One line per task document: id, task, supplier, instances, done, evaluated (newest first).")

        @OptionGroup var options: ConfigOptions
        @Option(name: .long, help: "Only tasks for this supplier (requester_args.address).") var supplier: String?
        @Option(name: .long, help: "Only tasks with this task name (the document's 'tasks').") var task: String?
        @Option(name: .long, parsing: .unconditional, help: "At most this many tasks.") var limit: Int?

        func run() async throws {
            try await reportingFailures {
                if let limit { try requireCount("--limit", limit, atLeast: 1) }
                let services = try await DocumentsCommand.connect(options)
                let tasks: [JSONObject]
                do {
                    tasks = try await services.documents.tasks(matching: TaskQuery(supplierAddress: supplier, taskName: task, limit: limit))
                } catch {
                    await services.postgres.close()
                    throw error
                }
                await services.postgres.close()
                if tasks.isEmpty { print("no task documents in the \(services.documents.kind) document store") }
                for document in tasks { print(DocumentsCommand.line(document)) }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a task document with its instances and prompts.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The task's id (24 hexadecimal digits).") var taskID: String
        @Flag(name: .long, help: #"Print {"task": {…}, "instances": [{…}], "prompts": [{…}]} with the stored field names."#) var json = false

        func run() async throws {
            try await reportingFailures {
                guard let id = ObjectID(hex: taskID) else {
                    throw CommandFailure.badInput("'\(taskID)' is not a task id (24 hexadecimal digits)")
                }
                let services = try await DocumentsCommand.connect(options)
                let task: JSONObject, instances: [JSONObject], prompts: [JSONObject]
                do {
                    guard let found = try await services.documents.task(id: id) else {
                        throw CommandFailure.badInput("no task \(taskID) in the \(services.documents.kind) document store")
                    }
                    task = found
                    instances = try await services.documents.instances(taskID: id)
                    prompts = try await services.documents.prompts(taskID: id)
                } catch {
                    await services.postgres.close()
                    throw error
                }
                await services.postgres.close()
                if json {
                    let tree = JSONObject([("task", .object(task)), ("instances", .array(instances.map(JSONValue.object))),
                                           ("prompts", .array(prompts.map(JSONValue.object)))])
                    print(JSONValue.object(tree).serialized(DocumentsCommand.jsonFormat))
                    return
                }
                print(JSONValue.object(task).serialized(.pretty))
                print("instances: \(instances.count)")
                for instance in instances {
                    print("  \(Self.text(instance["_id"]))  doc_id=\(Self.text(instance["doc_id"]))  done=\(Self.text(instance["done"]))")
                }
                print("prompts: \(prompts.count)")
                for prompt in prompts {
                    print("  \(Self.text(prompt["_id"]))  instance=\(Self.text(prompt["instance_id"]))  timeout=\(Self.text(prompt["timeout"]))  ctxlen=\(Self.text(prompt["ctxlen"]))  done=\(Self.text(prompt["done"]))")
                    print("    \(Self.text(prompt["data"]))")
                }
            }
        }

        static func text(_ value: JSONValue?) -> String { DocumentsCommand.text(value) }
    }

    /// `id  task  supplier  instances=N  done=B  evaluated=B`.
    static func line(_ task: JSONObject) -> String {
        let supplier = task["requester_args"]?["address"]
        return [text(task["_id"]), text(task["tasks"]), text(supplier), "instances=\(text(task["total_instances"]))",
                "done=\(text(task["done"]))", "evaluated=\(text(task["evaluated"]))"].joined(separator: "  ")
    }

    /// A value for a text line: ids as hex, dates as ISO text, strings bare, the rest as JSON.
    static func text(_ value: JSONValue?) -> String {
        guard let value else { return "-" }
        if let id = value.objectIDValue { return id.hex }
        if let ms = value.dateMillisecondsSince1970, let date = ExtendedJSONDate.isoString(milliseconds: ms) { return date }
        if case let .string(s) = value { return s }
        return value.serialized(jsonFormat)
    }
}
