import ExtendedJSON
import Foundation
import JSON
import Mongo
import Testing

/// Documents built with the helpers have the BSON types the Go requester/manager read.
@Suite struct DocumentShapeTests {
    @Test func promptDocumentHasContractTypes() throws {
        let prompt: JSONObject = [
            "_id": .objectID(ObjectID()),
            "task_id": .objectID(ObjectID()),
            "instance_id": .objectID(ObjectID()),
            "data": .string(JSONValue.object(["model": "m", "prompt": "Q: 1+1\nA:", "max_tokens": 16]).serialized()),
            "timeout": 60,
            "ctxlen": 12,
            "done": false,
            "trigger_session": false,
            "creation_date": .date(Date()),
        ]
        #expect(try BSONInspector.types(of: prompt) == [
            "_id": "objectId", "task_id": "objectId", "instance_id": "objectId", "data": "string",
            "timeout": "int32", "ctxlen": "int32", "done": "bool", "trigger_session": "bool", "creation_date": "date",
        ])
    }

    @Test func taskDocumentNestsDocumentsAndArrays() throws {
        let task: JSONObject = [
            "_id": .objectID(ObjectID()),
            "framework": "lmeh",
            "requester_args": ["address": "pokt1abc", "service": "0001", "headers": [:]],
            "blacklist": [11, 12],
            "qty": 15,
            "total_instances": 5_000_000_000,
            "llm_args": nil,
            "temperature": 0.0,
            "done": false,
            "creation_date": .date(millisecondsSince1970: 1_700_000_000_000),
        ]
        #expect(try BSONInspector.types(of: task) == [
            "_id": "objectId", "framework": "string",
            "requester_args": "document", "requester_args.address": "string", "requester_args.service": "string",
            "requester_args.headers": "document",
            "blacklist": "array", "blacklist.0": "int32", "blacklist.1": "int32",
            "qty": "int32", "total_instances": "int64", "llm_args": "null", "temperature": "double",
            "done": "bool", "creation_date": "date",
        ])
    }

    @Test func instanceMetadataArrayKeepsMixedTypes() throws {
        let instance: JSONObject = [
            "metadata": ["gsm8k", 3, 1],
            "doc": ["question": "q", "answer": 4.5, "when": .date(millisecondsSince1970: -86_400_000)],
        ]
        #expect(try BSONInspector.types(of: instance) == [
            "metadata": "array", "metadata.0": "string", "metadata.1": "int32", "metadata.2": "int32",
            "doc": "document", "doc.question": "string", "doc.answer": "double", "doc.when": "date",
        ])
    }
}
