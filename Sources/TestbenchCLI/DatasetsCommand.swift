import ArgumentParser
import Datasets
import JSON
import Postgres
import Testbench

struct DatasetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datasets",
        abstract: "Inspect the dataset tables in PostgreSQL.",
        subcommands: [List.self, Show.self]
    )

    static let jsonFormat = JSONFormat(itemSeparator: ", ", keySeparator: ": ", ensureASCII: false)

    /// Connects to the configured PostgreSQL server (no `postgres_uri` is bad input).
    static func connect(_ options: ConfigOptions) async throws -> PostgresConnection {
        let config = try options.load()
        guard let uri = config.postgresURI else {
            throw CommandFailure.badInput("postgres_uri is not set in the configuration; the datasets commands need a PostgreSQL server")
        }
        return try await PostgresConnection.connect(uri: uri)
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List dataset tables: splits with row counts and id ranges, and the tasks using them.")

        @OptionGroup var options: ConfigOptions
        @Flag(name: .long, help: "Print JSON instead of text.") var json = false

        func run() async throws {
            try await reportingFailures {
                let connection = try await DatasetsCommand.connect(options)
                let tables: [DatasetTableSummary]
                do {
                    tables = try await DatasetCatalog.list(on: connection)
                } catch {
                    await connection.close()
                    throw error
                }
                await connection.close()
                if json {
                    print(JSONValue.array(tables.map(\.json)).serialized(DatasetsCommand.jsonFormat))
                    return
                }
                if tables.isEmpty { print("no dataset tables") }
                for table in tables {
                    print("\(table.table)  (\(table.rowCount) rows)")
                    for split in table.splits {
                        print("  \(split.split): \(split.count) rows, __id \(split.minID)…\(split.maxID)")
                    }
                    print("  tasks: \(table.tasks.isEmpty ? "(none)" : table.tasks.joined(separator: ", "))")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a dataset table's columns, splits, tasks and first rows.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The table name, e.g. 'gsm8k--main'.") var table: String
        @Option(name: .long, help: "Only rows of this split.") var split: String?
        @Option(name: .long, parsing: .unconditional, help: "How many rows to print.") var limit = 5
        @Flag(name: .long, help: "Print JSON instead of text.") var json = false

        func run() async throws {
            try await reportingFailures {
                try requireCount("--limit", limit, atLeast: 0)
                let connection = try await DatasetsCommand.connect(options)
                let detail: DatasetTableDetail
                do {
                    detail = try await DatasetCatalog.show(table, split: split, limit: limit, on: connection)
                } catch {
                    await connection.close()
                    throw error
                }
                await connection.close()
                if json {
                    print(detail.json.serialized(DatasetsCommand.jsonFormat))
                    return
                }
                print("table: \(detail.table)")
                print("columns: __id integer, __split text, \(detail.columns.map(\.description).joined(separator: ", "))")
                for split in detail.splits {
                    print("split \(split.split): \(split.count) rows, __id \(split.minID)…\(split.maxID)")
                }
                print("tasks: \(detail.tasks.isEmpty ? "(none)" : detail.tasks.joined(separator: ", "))")
                for row in detail.rows {
                    print("[\(row.id) \(row.split)] \(JSONValue.object(row.document).serialized(DatasetsCommand.jsonFormat))")
                }
            }
        }
    }
}
