import LMEval

/// The original's per-prompt timeout: `int(ttft(ctxlen) + tpot × max_tokens + queue)` where `ttft`
/// is numpy's degree-2 least-squares fit (`polyfit`) through the configured
/// `(prompt_lenght, sla_time)` points; 60 s when the service has no timeouts configured.
public struct PromptTimeout: Sendable, Equatable {
    /// The timeout when nothing is configured.
    public static let defaultSeconds = 60

    /// `ttft` coefficients, highest power first; nil for the constant default.
    public let coefficients: [Double]?
    public let tpot: Double
    public let queue: Double

    /// The model for `timeouts`, or the constant default for nil.
    public init(_ timeouts: ServiceTimeouts?) {
        if let timeouts {
            coefficients = Self.polyfit(x: timeouts.promptLength, y: timeouts.slaTime, degree: 2)
            tpot = timeouts.tpot
            queue = timeouts.queue
        } else {
            coefficients = nil
            tpot = 0
            queue = 0
        }
    }

    /// The configuration's entry for `service`, else its `default` entry, else the constant.
    public init(service: String, timeouts: [String: ServiceTimeouts]) {
        self.init(timeouts[service] ?? timeouts["default"])
    }

    /// `ttft` at `promptTokens` (numpy `poly1d` evaluation).
    public func ttft(_ promptTokens: Int) -> Double {
        guard let coefficients else { return 0 }
        var y = 0.0
        for c in coefficients { y = y * Double(promptTokens) + c }
        return y
    }

    /// Whole seconds for a prompt of `ctxlen` estimated tokens generating up to `maxTokens`.
    public func seconds(ctxlen: Int?, maxTokens: Int) -> Int {
        guard coefficients != nil else { return Self.defaultSeconds }
        let total = ttft(ctxlen ?? 0) + tpot * Double(maxTokens) + queue
        guard total.isFinite, abs(total) < 9e18 else { return Self.defaultSeconds }
        return Int(total)  // Python int(): truncation toward zero
    }

    /// numpy's `polyfit(x, y, deg)`: columns of the Vandermonde matrix scaled to unit norm, then the
    /// minimum-norm least-squares solution with singular values below `len(x) × ε × σmax` dropped
    /// (so one or two points give numpy's answer too), then unscaled.
    static func polyfit(x: [Double], y: [Double], degree: Int) -> [Double] {
        let n = min(x.count, y.count), k = degree + 1
        guard n > 0 else { return [Double](repeating: 0, count: k) }
        // Column j holds x^(degree - j), as numpy's vander.
        var a = [[Double]](repeating: [Double](repeating: 0, count: k), count: n)
        for i in 0..<n {
            var power = 1.0
            for j in stride(from: degree, through: 0, by: -1) {
                a[i][j] = power
                power *= x[i]
            }
        }
        var scale = [Double](repeating: 0, count: k)
        for j in 0..<k {
            var sum = 0.0
            for i in 0..<n { sum += a[i][j] * a[i][j] }
            scale[j] = sum > 0 ? sum.squareRoot() : 1
            for i in 0..<n { a[i][j] /= scale[j] }
        }
        let (u, sigma, v) = jacobiSVD(a, columns: k)
        let sigmaMax = sigma.max() ?? 0
        let cutoff = Double(n) * Double.ulpOfOne * sigmaMax
        var solution = [Double](repeating: 0, count: k)
        for j in 0..<k where sigma[j] > cutoff && sigma[j] > 0 {
            var projection = 0.0
            for i in 0..<n { projection += u[i][j] * y[i] }
            let weight = projection / (sigma[j] * sigma[j])
            for r in 0..<k { solution[r] += v[r][j] * weight }
        }
        return (0..<k).map { solution[$0] / scale[$0] }
    }

    /// One-sided Jacobi SVD: returns A·V (columns = σⱼ·uⱼ), the singular values and V.
    private static func jacobiSVD(_ matrix: [[Double]], columns k: Int) -> (u: [[Double]], sigma: [Double], v: [[Double]]) {
        var u = matrix
        let n = u.count
        var v = (0..<k).map { r in (0..<k).map { $0 == r ? 1.0 : 0.0 } }
        for _ in 0..<60 {
            var rotated = false
            for p in 0..<k {
                for q in (p + 1)..<max(p + 1, k) {
                    var alpha = 0.0, beta = 0.0, gamma = 0.0
                    for i in 0..<n {
                        alpha += u[i][p] * u[i][p]
                        beta += u[i][q] * u[i][q]
                        gamma += u[i][p] * u[i][q]
                    }
                    guard abs(gamma) > 1e-15 * (alpha * beta).squareRoot(), gamma != 0 else { continue }
                    rotated = true
                    let zeta = (beta - alpha) / (2 * gamma)
                    let t = (zeta >= 0 ? 1.0 : -1.0) / (abs(zeta) + (1 + zeta * zeta).squareRoot())
                    let c = 1 / (1 + t * t).squareRoot(), s = c * t
                    for i in 0..<n {
                        let up = u[i][p], uq = u[i][q]
                        u[i][p] = c * up - s * uq
                        u[i][q] = s * up + c * uq
                    }
                    for r in 0..<k {
                        let vp = v[r][p], vq = v[r][q]
                        v[r][p] = c * vp - s * vq
                        v[r][q] = s * vp + c * vq
                    }
                }
            }
            if !rotated { break }
        }
        let sigma = (0..<k).map { j in (0..<n).reduce(0.0) { $0 + u[$1][j] * u[$1][j] }.squareRoot() }
        return (u, sigma, v)
    }
}

/// The original's `estimate_ctxlen` (no tokenizer for generation tasks): words split on single
/// spaces, divided by 0.75; chat adds 2 per message.
public enum ContextLength {
    public static func estimate(_ prompt: Prompt) -> Int {
        switch prompt {
        case let .text(text): return words(text)
        case let .messages(messages): return messages.reduce(0) { $0 + words($1.content) + 2 }
        }
    }

    /// `int(len(text.split(" ")) / 0.75)`: Python's split on " " keeps empty pieces, so pieces = spaces + 1.
    static func words(_ text: String) -> Int {
        var pieces = 1
        for byte in text.utf8 where byte == 0x20 { pieces += 1 }
        return Int(Double(pieces) / 0.75)
    }
}
