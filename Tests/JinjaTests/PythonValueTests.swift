import Jinja
import JSON
import Python
import Testing

@Suite struct TemplateOutputTests {
    @Test func outputUsesStrOfValues() throws {
        let doc: JSONObject = ["v": ["x", 1.0, ["k": nil]]]
        #expect(try render("{{ v }}", doc) == PythonValue.str(doc["v"] ?? nil))
    }
}
