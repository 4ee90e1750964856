import JSON
import LMEval
import Python
import Testing
@testable import Testbench
import WorkflowDefinitions

/// The Sampler's input rules, document selection, timeouts and ids (no database).
@Suite struct SamplerInputTests {
    static let example: JSONValue = try! JSONValue.parse(
        #"{"framework": "lmeh","tasks": "mmlu_high_school_macroeconomics", "requester_args": {"address": "SUPPLIER_ADDRESS", "service": "SERVICE_CODE"}, "blacklist": [11, 12], "qty": 15}"#)

    @Test func theOriginalsExampleInputParsesWithItsDefaults() throws {
        let request = try SamplerRequest.parse(Self.example)
        #expect(request.framework == "lmeh")
        #expect(request.tasks == "mmlu_high_school_macroeconomics")
        #expect(request.requesterArgs == SamplerRequest.RequesterArgs(address: "SUPPLIER_ADDRESS", service: "SERVICE_CODE"))
        #expect(request.requesterArgs.json == ["address": "SUPPLIER_ADDRESS", "service": "SERVICE_CODE", "method": "POST",
                                               "path": "/v1/chat/completions", "headers": ["Content-Type": "application/json"]])
        #expect(request.blacklist == [11, 12])
        #expect(request.qty == 15)
        #expect(request.docIDs == nil)
        #expect(request.model == "pocket_network")
        #expect(request.bootstrapIters == 100_000)
        #expect(request.ignoredKeys.isEmpty)
        #expect(try request.promptForm() == PromptForm(applyChatTemplate: true, fewshotAsMultiturn: true))
    }

    static func input(_ changes: [(String, JSONValue)], requester: [(String, JSONValue)] = []) -> JSONValue {
        guard case var .object(object) = example else { return .null }
        for (key, value) in changes { object[key] = value }
        if case var .object(args)? = object["requester_args"] {
            for (key, value) in requester { args[key] = value }
            object["requester_args"] = .object(args)
        }
        return .object(object)
    }

    struct BadInput: CustomStringConvertible, Sendable {
        var name: String
        var input: JSONValue
        var message: String
        var type = "BadParams"
        var description: String { name }
    }

    static let badInputs: [BadInput] = [
        BadInput(name: "both qty and doc_ids", input: input([("doc_ids", [1, 2])]), message: "Expected qty or doc_ids but not both."),
        BadInput(name: "neither qty nor doc_ids", input: input([("qty", .null)]), message: "Expected qty or doc_ids but not both."),
        BadInput(name: "qty 0 and empty doc_ids", input: input([("qty", 0), ("doc_ids", [])]), message: "Expected qty or doc_ids but not both."),
        BadInput(name: "multiturn without chat template", input: input([("apply_chat_template", false)]),
                 message: "When `fewshot_as_multiturn` is selected, `apply_chat_template` must be set"),
        BadInput(name: "multiturn over completions", input: input([("fewshot_as_multiturn", true)], requester: [("path", "/v1/completions")]),
                 message: "When `fewshot_as_multiturn` is selected"),
        BadInput(name: "chat template over completions", input: input([("apply_chat_template", true)], requester: [("path", "/v1/completions")]),
                 message: "apply_chat_template needs requester_args.path /v1/chat/completions"),
        BadInput(name: "chat path without chat template", input: input([("apply_chat_template", false), ("fewshot_as_multiturn", false)]),
                 message: "apply_chat_template cannot be false"),
        BadInput(name: "unsupported path", input: input([], requester: [("path", "/v1/embeddings")]), message: "Unsupported path for LLM API",
                 type: "UnsupportedPath"),
        BadInput(name: "missing requester_args", input: input([("requester_args", .null)]), message: "requester_args"),
        BadInput(name: "missing address", input: input([("requester_args", ["service": "x"])]), message: "requester_args.address"),
        BadInput(name: "a header that is not a string", input: input([], requester: [("headers", ["X-Retries": 3])]),
                 message: "'X-Retries' is not a string"),
        BadInput(name: "negative num_fewshot", input: input([("num_fewshot", -1)]), message: "num_fewshot"),
        BadInput(name: "qty not an integer", input: input([("qty", "15")]), message: "qty"),
        BadInput(name: "blacklist not integers", input: input([("blacklist", ["a"])]), message: "blacklist"),
        BadInput(name: "gen_kwargs not key=value", input: input([("gen_kwargs", "temperature")]), message: "gen_kwargs"),
    ]

    @Test(arguments: badInputs)
    func badInputIsANonRetryableErrorNamingTheProblem(_ bad: BadInput) {
        let error = #expect(throws: ApplicationError.self) {
            let request = try SamplerRequest.parse(bad.input)
            _ = try request.promptForm()
            _ = try request.genKwargsOverride()
        }
        #expect(error?.message.contains(bad.message) == true, "\(error?.message ?? "")")
        #expect(error?.type == bad.type)
        #expect(error?.nonRetryable == true)
    }

    @Test func completionsDefaultToATextPromptAndUnknownKeysAreListed() throws {
        let request = try SamplerRequest.parse(Self.input([("doc_as_chat_template", true), ("extra", 1)], requester: [("path", "/v1/completions")]))
        #expect(try request.promptForm() == PromptForm(applyChatTemplate: false, fewshotAsMultiturn: false))
        #expect(request.ignoredKeys == ["doc_as_chat_template", "extra"])
    }

    @Test func qtyBelowZeroDropsTheBlacklistAndSeedFallsBackToRandomSeed() throws {
        let all = try SamplerRequest.parse(Self.input([("qty", -1), ("random_seed", 99)]))
        #expect(all.blacklist.isEmpty)
        #expect(all.seed == 99)
        let both = try SamplerRequest.parse(Self.input([("seed", 5), ("random_seed", 99)]))
        #expect(both.seed == 5)
        let ids = try SamplerRequest.parse(Self.input([("qty", .null), ("doc_ids", [4, 2])]))
        #expect(ids.docIDs == [4, 2])
        #expect(ids.qty == nil)
    }

    @Test func genKwargsStringsAreParsedAsLMEvalDoes() throws {
        let parsed = try SamplerRequest.parseArgsString("temperature=0.5,do_sample=True,max_gen_toks=64,until=x=y,name=abc")
        #expect(parsed == ["temperature": 0.5, "do_sample": true, "max_gen_toks": 64, "until": "x=y", "name": "abc"])
        #expect(parsed.keys == ["temperature", "do_sample", "max_gen_toks", "until", "name"])
        #expect(try SamplerRequest.parse(Self.input([("gen_kwargs", "  ")])).genKwargsOverride() == nil)
        #expect(try SamplerRequest.parse(Self.input([("gen_kwargs", ["max_gen_toks": 8])])).genKwargsOverride() == ["max_gen_toks": 8])
    }
}

@Suite struct DocumentSelectionTests {
    static func select(_ size: Int, firstID: Int = 0, qty: Int? = nil, docIDs: [Int]? = nil, blacklist: [Int] = [], seed: Int = 1) throws(ApplicationError) -> [Int] {
        try DocumentSelection.select(firstID: firstID, splitSize: size, qty: qty, docIDs: docIDs, blacklist: blacklist, seed: seed, table: "t", split: "test")
    }

    @Test("a split starting at __id 100: the same draw as at 0, shifted; inputs and output are __ids", arguments: [0, 1, 7, 42])
    func idsAreTableIDs(seed: Int) throws {
        let atZero = try Self.select(20, qty: 5, blacklist: [3, 4], seed: seed)
        let shifted = try Self.select(20, firstID: 100, qty: 5, blacklist: [103, 104], seed: seed)
        #expect(shifted == atZero.map { $0 + 100 })
        #expect(try Self.select(20, firstID: 100, docIDs: [119, 100]) == [100, 119])
        #expect(try Self.select(3, firstID: 100, qty: -1) == [100, 101, 102])
        let error = #expect(throws: ApplicationError.self) { try Self.select(20, firstID: 100, docIDs: [0, 100]) }
        #expect(error?.message.contains("[0] are outside split 'test' of 't', whose __id range is [100-119]") == true, "\(error?.message ?? "")")
        let blacklist = #expect(throws: ApplicationError.self) { try Self.select(20, firstID: 100, qty: 2, blacklist: [3]) }
        #expect(blacklist?.message.contains("not founded in the range: [100-119]") == true, "a position is not an __id")
    }

    @Test("blacklisted ids never appear; ids sorted, distinct, in range, as many as asked", arguments: 0..<200)
    func blacklistIsHonoured(seed: Int) throws {
        var rng = PythonRandom(seed: seed &+ 10_000)
        let size = 1 + rng.randbelow(300)
        let blacklist = (0..<rng.randbelow(size)).map { _ in rng.randbelow(size + 5) }
        let available = Set(0..<size).subtracting(blacklist).count
        guard available > 0, !blacklist.allSatisfy({ $0 >= size }) else { return }
        let qty = 1 + rng.randbelow(available)
        let ids = try Self.select(size, qty: qty, blacklist: blacklist, seed: seed)
        #expect(ids.count == qty)
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
        #expect(Set(ids).isDisjoint(with: blacklist))
        #expect(ids.allSatisfy { (0..<size).contains($0) })
        #expect(try Self.select(size, qty: qty, blacklist: blacklist, seed: seed) == ids, "same seed, same ids")
    }

    @Test func drawsAsPythonsRandomSampleOverTheCandidates() throws {
        // random.Random(7).sample(range(20), 5) == [10, 4, 12, 1, 2]
        #expect(try Self.select(20, qty: 5, seed: 7) == [1, 2, 4, 10, 12])
        // random.Random(42).sample([0,1,2,4,5,7,8,9,10,11], 6) == [1, 0, 5, 11, 8, 7]
        #expect(try Self.select(12, qty: 6, blacklist: [3, 6], seed: 42) == [0, 1, 5, 7, 8, 11])
    }

    @Test func qtyBelowZeroTakesEveryDocument() throws {
        #expect(try Self.select(7, qty: -1) == Array(0..<7))
    }

    @Test func docIDsAreSortedAndDeduplicated() throws {
        #expect(try Self.select(10, docIDs: [9, 1, 9, 3]) == [1, 3, 9])
    }

    @Test(arguments: [
        (qty: Optional(11), docIDs: [Int]?.none, blacklist: [Int](), message: "Quantity of numbers to generate is greater than the range"),
        (qty: 9, docIDs: nil, blacklist: [0, 1], message: "Quantity of numbers to generate is greater than the range"),
        (qty: 3, docIDs: nil, blacklist: [10, 20], message: "were not founded in the range: [0-9]"),
        (qty: nil, docIDs: [2, 10], blacklist: [], message: "Doc_ids not in split range"),
        (qty: nil, docIDs: [-1], blacklist: [], message: "Doc_ids not in split range"),
        (qty: nil, docIDs: [2, 4], blacklist: [4], message: "in the blacklist"),
    ])
    func impossibleSelectionsAreErrors(qty: Int?, docIDs: [Int]?, blacklist: [Int], message: String) {
        let error = #expect(throws: ApplicationError.self) { try Self.select(10, qty: qty, docIDs: docIDs, blacklist: blacklist) }
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        #expect(error?.nonRetryable == true)
    }

    @Test func aBlacklistPartlyOutsideTheSplitIsFine() throws {
        let ids = try Self.select(10, qty: 9, blacklist: [3, 50])
        #expect(ids == [0, 1, 2, 4, 5, 6, 7, 8, 9])
    }
}

@Suite struct PromptTimeoutTests {
    static let tilt = ServiceTimeouts(promptLength: [0, 8192, 32768], slaTime: [0, 2, 10], tpot: 1.0, queue: 180)

    // Expected values from numpy: int(np.poly1d(np.polyfit(x, y, 2))(ctxlen) + tpot * max_tokens + queue).
    @Test(arguments: [
        (ServiceTimeouts(promptLength: [0, 8192, 32768], slaTime: [0, 2, 10], tpot: 1.0, queue: 180), 100, 32, 212),
        (ServiceTimeouts(promptLength: [0, 8192, 32768], slaTime: [0, 2, 10], tpot: 1.0, queue: 180), 20000, 8192, 8377),
        (ServiceTimeouts(promptLength: [0, 1000, 4000, 16000], slaTime: [1, 2, 5, 30], tpot: 0.336, queue: 30), 1234, 256, 118),
        (ServiceTimeouts(promptLength: [100, 2000], slaTime: [3, 7], tpot: 0.5, queue: 10), 500, 64, 45),
        (ServiceTimeouts(promptLength: [100], slaTime: [3], tpot: 0.5, queue: 10), 500, 64, 73),
    ])
    func matchesNumpy(timeouts: ServiceTimeouts, ctxlen: Int, maxTokens: Int, expected: Int) {
        #expect(PromptTimeout(timeouts).seconds(ctxlen: ctxlen, maxTokens: maxTokens) == expected)
    }

    @Test func coefficientsMatchNumpy() throws {
        let c = try #require(PromptTimeout(Self.tilt).coefficients)
        let numpy = [2.4835268656412867e-09, 0.0002237955729166667, -2.563950248511419e-16]
        for (got, want) in zip(c, numpy) { #expect(abs(got - want) <= 1e-12 * max(1, abs(want))) }
    }

    @Test func serviceThenDefaultThenSixtySeconds() {
        let special = ServiceTimeouts(promptLength: [0], slaTime: [5], tpot: 0, queue: 0)
        let config = ["default": Self.tilt, "A100": special]
        #expect(PromptTimeout(service: "A100", timeouts: config) == PromptTimeout(special))
        #expect(PromptTimeout(service: "other", timeouts: config) == PromptTimeout(Self.tilt))
        #expect(PromptTimeout(service: "other", timeouts: [:]).seconds(ctxlen: 10_000, maxTokens: 10_000) == 60)
    }

    @Test func contextLengthEstimateAsTheOriginal() {
        // int(len("a  b c".split(" ")) / 0.75) == int(4 / 0.75) == 5
        #expect(ContextLength.estimate(.text("a  b c")) == 5)
        #expect(ContextLength.estimate(.text("")) == 1)
        // Σ int(pieces / 0.75) + 2: "x y" → 2 + 2, "one two three" → 4 + 2
        #expect(ContextLength.estimate(.messages([ChatMessage(role: "system", content: "x y"), ChatMessage(role: "user", content: "one two three")])) == 10)
    }
}

@Suite struct SamplerIDTests {
    @Test func idsAreDerivedFromTheRunAndIndex() {
        let task = SamplerIDs.taskID(runID: "run-1")
        #expect(task == SamplerIDs.taskID(runID: "run-1"))
        #expect(task != SamplerIDs.taskID(runID: "run-2"))
        let instances = (0..<1000).map { SamplerIDs.instanceID(task: task, index: $0) }
        let prompts = (0..<1000).map { SamplerIDs.promptID(task: task, index: $0) }
        #expect(Set(instances + prompts + [task]).count == 2001)
        #expect(instances == instances.sorted(), "ids sort in index order")
        #expect(prompts == prompts.sorted())
    }
}
