import Foundation

/// CPython's `random.Random` (MT19937), bit for bit: same seeding from an int, same
/// `random()`, `getrandbits`, `_randbelow`, `randrange`, `choice`, `shuffle` and `sample`.
///
/// lm-eval draws its few-shot examples with `random.Random(1234).sample(docs, k)`, so the
/// exact draw sequence (including `sample`'s pool/set branch choice) decides which examples
/// a prompt contains.
public struct PythonRandom: Sendable {
    private static let n = 624
    private static let m = 397
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 625
    /// `gauss()` makes two values at a time and keeps the second (`gauss_next`).
    private var gaussNext: Double?

    /// Seeds like `random.Random(seed)` with an int: `init_by_array` over the 32-bit words of `abs(seed)`.
    public init(seed: Int) {
        var magnitude = seed.magnitude
        var key: [UInt32] = []
        repeat {
            key.append(UInt32(truncatingIfNeeded: magnitude))
            magnitude >>= 32
        } while magnitude != 0
        initByArray(key)
    }

    private mutating func initGenrand(_ seed: UInt32) {
        state[0] = seed
        for i in 1..<Self.n {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
        index = Self.n
    }

    private mutating func initByArray(_ key: [UInt32]) {
        initGenrand(19_650_218)
        var i = 1
        var j = 0
        for _ in 0..<max(Self.n, key.count) {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1
            j += 1
            if i >= Self.n {
                state[0] = state[Self.n - 1]
                i = 1
            }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<(Self.n - 1) {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= Self.n {
                state[0] = state[Self.n - 1]
                i = 1
            }
        }
        state[0] = 0x8000_0000
    }

    private mutating func twist() {
        let upper: UInt32 = 0x8000_0000
        let lower: UInt32 = 0x7FFF_FFFF
        for k in 0..<Self.n {
            let y = (state[k] & upper) | (state[(k + 1) % Self.n] & lower)
            var next = state[(k + Self.m) % Self.n] ^ (y >> 1)
            if y & 1 != 0 { next ^= 0x9908_B0DF }
            state[k] = next
        }
        index = 0
    }

    /// One tempered 32-bit output of the generator (CPython's `genrand_uint32`).
    public mutating func nextUInt32() -> UInt32 {
        if index >= Self.n { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// `random.random()`: a float in [0, 1) with 53 random bits.
    public mutating func random() -> Double {
        let a = Double(nextUInt32() >> 5)
        let b = Double(nextUInt32() >> 6)
        return (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `random.getrandbits(k)` for 0 ≤ k ≤ 64; CPython fills 32-bit words least significant first.
    public mutating func getrandbits(_ k: Int) -> UInt64 {
        precondition((0...64).contains(k), "getrandbits supports 0...64 bits")
        if k == 0 { return 0 }
        if k <= 32 { return UInt64(nextUInt32() >> (32 - k)) }
        var result: UInt64 = 0
        var remaining = k
        var shift: UInt64 = 0
        while remaining > 0 {
            var word = nextUInt32()
            if remaining < 32 { word >>= (32 - remaining) }
            result |= UInt64(word) << shift
            shift += 32
            remaining -= 32
        }
        return result
    }

    /// `Random._randbelow(n)` via getrandbits (rejection sampling on n.bit_length() bits).
    public mutating func randbelow(_ n: Int) -> Int {
        if n <= 0 { return 0 }
        let k = Int.bitWidth - n.leadingZeroBitCount
        var r = getrandbits(k)
        while r >= UInt64(n) { r = getrandbits(k) }
        return Int(r)
    }

    /// `random.randrange(stop)`; nil when the range is empty (CPython raises ValueError).
    public mutating func randrange(_ stop: Int) -> Int? {
        stop > 0 ? randbelow(stop) : nil
    }

    /// `random.randrange(start, stop, step)`; nil when the range is empty or step is 0.
    public mutating func randrange(_ start: Int, _ stop: Int, step: Int = 1) -> Int? {
        let width = stop - start
        if step == 1 { return width > 0 ? start + randbelow(width) : nil }
        if step == 0 { return nil }
        // Python's // floors where Swift's / truncates; they differ only when the quotient is
        // negative, and then both mean an empty range.
        let count = step > 0 ? (width + step - 1) / step : (width + step + 1) / step
        guard count > 0 else { return nil }
        return start + step * randbelow(count)
    }

    /// `random.gauss(mu, sigma)`: CPython's Box-Muller pair, the second value kept for the next call.
    public mutating func gauss(mu: Double = 0, sigma: Double = 1) -> Double {
        var z = gaussNext
        gaussNext = nil
        if z == nil {
            let x2pi = random() * (2 * Double.pi)
            let g2rad = (-2.0 * log(1.0 - random())).squareRoot()
            z = cos(x2pi) * g2rad
            gaussNext = sin(x2pi) * g2rad
        }
        return mu + (z ?? 0) * sigma
    }

    /// `random.choice(seq)`; nil for an empty collection (CPython raises IndexError).
    public mutating func choice<T>(_ elements: [T]) -> T? {
        elements.isEmpty ? nil : elements[randbelow(elements.count)]
    }

    /// `random.shuffle(x)` in place.
    public mutating func shuffle<T>(_ elements: inout [T]) {
        guard elements.count > 1 else { return }
        for i in stride(from: elements.count - 1, to: 0, by: -1) {
            let j = randbelow(i + 1)
            elements.swapAt(i, j)
        }
    }

    /// The indices `random.sample(range(n), k)` returns, using CPython's two strategies:
    /// a pool list when `n <= setsize`, otherwise re-drawing against a set of chosen indices.
    /// Nil when k is negative or larger than n (CPython raises ValueError).
    public mutating func sampleIndices(populationSize n: Int, count k: Int) -> [Int]? {
        guard k >= 0, k <= n else { return nil }
        var setsize = 21
        if k > 5 {
            setsize += Int(pow(4.0, (log(Double(k * 3)) / log(4.0)).rounded(.up)))
        }
        var result: [Int] = []
        result.reserveCapacity(k)
        if n <= setsize {
            var pool = Array(0..<n)
            for i in 0..<k {
                let j = randbelow(n - i)
                result.append(pool[j])
                pool[j] = pool[n - i - 1]
            }
        } else {
            var selected = Set<Int>()
            for _ in 0..<k {
                var j = randbelow(n)
                while selected.contains(j) { j = randbelow(n) }
                selected.insert(j)
                result.append(j)
            }
        }
        return result
    }

    /// `random.sample(population, k)`; nil when k is out of range.
    public mutating func sample<T>(_ population: [T], count k: Int) -> [T]? {
        sampleIndices(populationSize: population.count, count: k)?.map { population[$0] }
    }
}
