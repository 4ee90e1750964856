import JSON
import Python
import Testing

private func ints(_ value: JSONValue?) -> [Int] {
    value?.arrayValue?.compactMap { $0.intValue } ?? []
}

@Suite("PythonRandom matches CPython's random.Random")
struct PythonRandomTests {
    static let fixture: JSONValue = (try? TestSupport.loadJSON("random/cpython-random.json")) ?? .null

    static var seedCases: [JSONValue] { fixture["cases"]?.arrayValue ?? [] }
    static var sampleCases: [JSONValue] { fixture["samples"]?.arrayValue ?? [] }

    @Test func fixtureIsPresent() {
        #expect(Self.seedCases.count >= 10)
        #expect(Self.sampleCases.count >= 50)
    }

    @Test(arguments: seedCases)
    func scalarDraws(_ expected: JSONValue) throws {
        let seed = try #require(expected["seed"]?.intValue)
        var rng = PythonRandom(seed: seed)
        for value in expected["random"]?.arrayValue ?? [] {
            #expect(rng.random() == value.doubleValue, "seed \(seed) random()")
        }
        for pair in expected["getrandbits"]?.arrayValue ?? [] {
            let k = try #require(pair.arrayValue?[0].intValue)
            let v = try #require(pair.arrayValue?[1].intValue)
            #expect(rng.getrandbits(k) == UInt64(v), "seed \(seed) getrandbits(\(k))")
        }
        for pair in expected["randrange"]?.arrayValue ?? [] {
            let n = try #require(pair.arrayValue?[0].intValue)
            #expect(rng.randrange(n) == pair.arrayValue?[1].intValue, "seed \(seed) randrange(\(n))")
        }
        for quad in expected["randrange_step"]?.arrayValue ?? [] {
            let v = ints(quad)
            try #require(v.count == 4)
            #expect(rng.randrange(v[0], v[1], step: v[2]) == v[3], "seed \(seed) randrange\(v)")
        }
        for (n, value) in zip([1, 2, 9, 57], expected["choice"]?.arrayValue ?? []) {
            #expect(rng.choice(Array(0..<n)) == value.intValue, "seed \(seed) choice")
        }
        var list = Array(0..<20)
        rng.shuffle(&list)
        #expect(list == ints(expected["shuffle20"]), "seed \(seed) shuffle")
    }

    @Test(arguments: sampleCases)
    func sampleBothBranches(_ expected: JSONValue) throws {
        let seed = try #require(expected["seed"]?.intValue)
        let n = try #require(expected["n"]?.intValue)
        let k = try #require(expected["k"]?.intValue)
        var rng = PythonRandom(seed: seed)
        for draw in expected["draws"]?.arrayValue ?? [] {
            #expect(rng.sample(Array(0..<n), count: k) == ints(draw), "seed \(seed) n \(n) k \(k)")
        }
    }

    @Test func lmevalSeed1234DrawsDocumentAfterDocument() throws {
        let draws = try #require(Self.fixture["lmeval_seed1234_n7473_k6"]?.arrayValue)
        #expect(draws.count == 50)
        var rng = PythonRandom(seed: 1234)
        for draw in draws {
            #expect(rng.sampleIndices(populationSize: 7473, count: 6) == ints(draw))
        }
    }

    @Test func sampleRejectsOversizedCount() {
        var rng = PythonRandom(seed: 1)
        #expect(rng.sample([1, 2, 3], count: 4) == nil)
        #expect(rng.sample([1, 2, 3], count: -1) == nil)
        #expect(rng.randrange(0) == nil)
    }
}
