import Foundation
import JSON
import TemporalAPI

/// Temporal payloads in the `json/plain` encoding, the one the Python and Go SDKs' default data
/// converters write for JSON-serialisable values: metadata `encoding: json/plain`, data the UTF-8
/// JSON text. It is what the original's workflows receive and return, so it is the only encoding
/// this project reads and writes.
public enum JSONPayload {
    public static let encoding = "json/plain"

    /// The payload of one JSON value, written compactly (`,` and `:` without spaces), as the
    /// Python SDK's converter writes it.
    public static func payload(_ value: JSONValue) -> Temporal_Api_Common_V1_Payload {
        var payload = Temporal_Api_Common_V1_Payload()
        payload.metadata = ["encoding": Data(encoding.utf8)]
        var bytes: [UInt8] = []
        value.write(to: &bytes, format: .compact)
        payload.data = Data(bytes)
        return payload
    }

    /// A workflow or activity argument list: Temporal passes arguments as Payloads, one per argument,
    /// and the original's workflows take exactly one JSON object.
    public static func payloads(_ values: [JSONValue]) -> Temporal_Api_Common_V1_Payloads {
        var payloads = Temporal_Api_Common_V1_Payloads()
        payloads.payloads = values.map(payload)
        return payloads
    }

    /// The payload's JSON value; refuses another encoding rather than guess at its bytes.
    public static func value(of payload: Temporal_Api_Common_V1_Payload) throws(TemporalClientError) -> JSONValue {
        let encoding = payload.metadata["encoding"].map { String(decoding: $0, as: UTF8.self) }
        guard encoding == Self.encoding else {
            throw .invalidPayload("encoding \(encoding.map { "\"\($0)\"" } ?? "missing"), expected \"\(Self.encoding)\"")
        }
        do {
            return try JSONValue.parse(Array(payload.data))
        } catch {
            throw .invalidPayload("\(Self.encoding) data is not JSON: \(error)")
        }
    }
}
