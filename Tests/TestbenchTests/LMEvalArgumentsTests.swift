import JSON
import Testbench
import Testing

/// lm-eval 0.4.9's command-line values read with lm-eval's meaning.
@Suite struct LMEvalArgumentsTests {
    @Test(arguments: [
        "base_url=http://h:1/v1/completions,model=m,num_concurrent=8,max_retries=5,timeout=30",
        #"{"base_url": "http://h:1/v1/completions", "model": "m", "num_concurrent": 8, "max_retries": 5, "timeout": 30}"#,
        "base_url=http://h:1/v1/completions,pretrained=m,num_concurrent=8,max_retries=5,timeout=30.0,tokenized_requests=False,tokenizer_backend=None",
    ])
    func modelArgs(_ text: String) throws {
        let args = try LMEvalArguments.modelArgs(text)
        var expected = LMEvalArguments.ModelArgs(baseURL: "http://h:1/v1/completions", model: "m")
        expected.numConcurrent = 8
        expected.maxRetries = 5
        expected.timeout = 30
        #expect(args == expected)
    }

    @Test func modelArgsDefaultsAreLMEvals() throws {
        let args = try LMEvalArguments.modelArgs("base_url=http://h:1")
        #expect(args.model == nil)
        #expect(args.numConcurrent == 1)
        #expect(args.maxRetries == 3)
        #expect(args.timeout == 300)
    }

    @Test(arguments: [
        ("model=m", "base_url"), ("base_url=http://h,max_length=10", "max_length"), ("base_url=http://h,tokenized_requests=True", "tokenized_requests"),
        ("base_url=http://h,timeout=0", "timeout"), ("base_url=http://h,max_retries=x", "max_retries"), ("{\"base_url\": 1", "invalid JSON"),
        ("[1]", "JSON object"), ("base_url", "key=value"),
    ])
    func badModelArgsAreNamed(_ text: String, _ named: String) {
        #expect { try LMEvalArguments.modelArgs(text) } throws: { ($0 as? ReferenceRunError)?.message.contains(named) == true }
    }

    @Test func genKwargsConvertValuesAsLMEval() throws {
        let kwargs = try LMEvalArguments.genKwargs("max_gen_toks=7,temperature=0.5,do_sample=false,until=x=y")
        #expect(kwargs["max_gen_toks"] == .int(7))
        #expect(kwargs["temperature"] == .double(0.5))
        #expect(kwargs["do_sample"] == .bool(false))
        #expect(kwargs["until"] == .string("x=y"))
        #expect(try LMEvalArguments.genKwargs(#"{"until": ["\n"]}"#)["until"] == .array([.string("\n")]))
    }

    @Test(arguments: [("42", 42), ("0,1234,1234,5", 5), ("0,None,1", 1234), ("none,1,2,3", 3), (" 1 , 2 , 3 , 4 ", 4)])
    func fewshotSeed(_ text: String, _ seed: Int) throws {
        #expect(try LMEvalArguments.fewshotSeed(text) == seed)
    }

    @Test(arguments: ["None", "1,2,3,none", "1,2", "1,2,3,4,5", "x"])
    func badSeedsAreRefused(_ text: String) {
        #expect(throws: ReferenceRunError.self) { try LMEvalArguments.fewshotSeed(text) }
    }

    @Test(arguments: [(0.5, 10, 5), (0.25, 10, 3), (0.01, 250, 3), (1.0, 10, 1), (3.7, 10, 3), (20, 10, 20)] as [(Double, Int, Int)])
    func limit(_ value: Double, _ total: Int, _ kept: Int) throws {
        let limit = try #require(DocumentLimit(lmEval: value))
        #expect(limit.documents(of: total) == kept)
    }

    @Test(arguments: [0, -1, Double.nan, Double.infinity])
    func badLimits(_ value: Double) {
        #expect(DocumentLimit(lmEval: value) == nil)
    }
}
