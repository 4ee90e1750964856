import JSON

/// Reads a `.json` file the way Hugging Face's json loader does. The file is loaded whole when it
/// holds one JSON document (an array of objects, or an object whose `field` — or, without one, whose
/// only key `data` — is an array of objects); otherwise it is streamed as JSON Lines.
public struct JSONFileReader: RowReader {
    private enum Mode {
        case array([JSONValue], index: Int)
        case lines(JSONLinesReader)
    }

    private var mode: Mode
    public let displayName: String

    /// `field`: the key holding the rows (HF's `field` argument), nil to detect.
    public init(path: String, field: String? = nil, displayName: String? = nil) throws(DatasetError) {
        let name = displayName ?? path
        self.displayName = name
        let file = try ChunkedFile(path: path)
        var bytes = try file.readAll()
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let firstByte = bytes.first { !(0x20 == $0 || 0x09 == $0 || 0x0A == $0 || 0x0D == $0) }
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes)
        } catch {
            if firstByte == UInt8(ascii: "{"), field == nil {
                // Not one document: JSON Lines in a .json file, which HF accepts too.
                self.mode = .lines(try JSONLinesReader(path: path, displayName: name))
                return
            }
            throw DatasetError(.malformedFile(file: name, reason: error.description))
        }
        let elements: [JSONValue]
        switch document {
        case let .array(array) where field == nil:
            elements = array
        case let .object(object):
            if let field {
                guard let value = object[field] else {
                    throw DatasetError(.malformedFile(file: name, reason: "no key '\(field)' (dataset_kwargs.field) in the top-level object"))
                }
                guard case let .array(array) = value else {
                    throw DatasetError(.malformedFile(file: name, reason: "key '\(field)' holds \(value.typeName), expected an array of objects"))
                }
                elements = array
            } else if object.count == 1, case let .array(array)? = object["data"] {
                elements = array
            } else {
                elements = [document]
            }
        default:
            throw DatasetError(.malformedFile(file: name, reason: "expected an array of objects\(field.map { " or an object with key '\($0)'" } ?? ""), found \(document.typeName)"))
        }
        self.mode = .array(elements, index: 0)
    }

    public mutating func next() throws(DatasetError) -> JSONObject? {
        switch mode {
        case var .lines(reader):
            let row = try reader.next()
            mode = .lines(reader)
            return row
        case let .array(elements, index):
            guard index < elements.count else { return nil }
            mode = .array(elements, index: index + 1)
            guard case let .object(object) = elements[index] else {
                throw DatasetError(.malformedFile(file: displayName, reason: "element \(index) of the array is \(elements[index].typeName), expected an object"))
            }
            return object
        }
    }
}
