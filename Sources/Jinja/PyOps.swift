import Foundation
import Python

/// Python's operators: truthiness, equality, ordering, arithmetic and `in`.
enum PyOps {
    /// A number as Python sees it: bool is an int.
    enum Number {
        case int(Int)
        case double(Double)

        init?(_ value: Value) {
            switch value {
            case let .bool(b): self = .int(b ? 1 : 0)
            case let .int(i): self = .int(i)
            case let .double(d): self = .double(d)
            default: return nil
            }
        }

        var double: Double {
            switch self {
            case let .int(i): Double(i)
            case let .double(d): d
            }
        }

        var value: Value {
            switch self {
            case let .int(i): .int(i)
            case let .double(d): .double(d)
            }
        }
    }

    static func overflow() -> RenderFailure {
        RenderFailure.python("OverflowError", "integer result does not fit in 64 bits (Python integers are unbounded)")
    }

    /// StrictUndefined raises whenever an operator touches it.
    static func checkDefined(_ values: Value...) throws(RenderFailure) {
        for value in values { if case let .undefined(u) = value { throw .undefined(u) } }
    }

    static func truthy(_ value: Value) throws(RenderFailure) -> Bool {
        switch value {
        case let .undefined(u):
            if u.lenient { return false }
            throw .undefined(u)
        case .none: return false
        case let .bool(b): return b
        case let .int(i): return i != 0
        case let .double(d): return d != 0
        case let .string(s): return !s.isEmpty
        case let .list(items), let .tuple(items): return !items.isEmpty
        case let .dict(dict): return dict.count > 0
        case .function: return true
        }
    }

    // MARK: - comparison

    static func equal(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case let (.string(x), .string(y)): return PyText.equal(x, y)
        case let (.list(x), .list(y)), let (.tuple(x), .tuple(y)):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case let (.dict(x), .dict(y)):
            guard x.count == y.count else { return false }
            for (key, value) in x.pairs {
                guard let other = y[key], equal(value, other) else { return false }
            }
            return true
        default:
            if let x = Number(a), let y = Number(b) {
                if case let .int(i) = x, case let .int(j) = y { return i == j }
                return x.double == y.double
            }
            return false
        }
    }

    static func compare(_ op: CompareOp, _ a: Value, _ b: Value) throws(RenderFailure) -> Bool {
        if op == .eq || op == .ne, case let .undefined(u) = a, u.lenient {
            return (op == .eq) == b.isUndefined
        }
        try checkDefined(a, b)
        switch op {
        case .eq: return equal(a, b)
        case .ne: return !equal(a, b)
        case .in: return try contains(b, a)
        case .notIn: return try !contains(b, a)
        case .lt, .le, .gt, .ge: return try order(op, a, b)
        }
    }

    private static func order(_ op: CompareOp, _ a: Value, _ b: Value) throws(RenderFailure) -> Bool {
        func result(_ less: Bool, _ equal: Bool) -> Bool {
            switch op {
            case .lt: less
            case .le: less || equal
            case .gt: !less && !equal
            default: !less
            }
        }
        if let x = Number(a), let y = Number(b) {
            if case let .int(i) = x, case let .int(j) = y { return result(i < j, i == j) }
            return result(x.double < y.double, x.double == y.double)
        }
        switch (a, b) {
        case let (.string(x), .string(y)):
            return result(PyText.less(x, y), PyText.equal(x, y))
        case let (.list(x), .list(y)), let (.tuple(x), .tuple(y)):
            for (p, q) in zip(x, y) where !equal(p, q) {
                return try order(op, p, q)
            }
            return result(x.count < y.count, x.count == y.count)
        default:
            throw .typeError("'\(op.rawValue)' not supported between instances of '\(a.typeName)' and '\(b.typeName)'")
        }
    }

    /// Python `item in container`.
    static func contains(_ container: Value, _ item: Value) throws(RenderFailure) -> Bool {
        try checkDefined(container)
        switch container {
        case let .string(s):
            guard case let .string(sub) = item else {
                throw .typeError("'in <string>' requires string as left operand, not \(item.typeName)")
            }
            return PyText.contains(s, sub)
        case let .list(items), let .tuple(items):
            try checkDefined(item)
            return items.contains { equal($0, item) }
        case let .dict(dict):
            try checkDefined(item)
            guard PyDict.isHashable(item) else { throw .typeError("unhashable type: '\(item.typeName)'") }
            return dict[item] != nil
        default:
            throw .typeError("argument of type '\(container.typeName)' is not iterable")
        }
    }

    // MARK: - arithmetic

    static func negate(_ value: Value) throws(RenderFailure) -> Value {
        try checkDefined(value)
        switch Number(value) {
        case let .int(i)?:
            guard i != Int.min else { throw overflow() }
            return .int(-i)
        case let .double(d)?: return .double(-d)
        case nil: throw .typeError("bad operand type for unary -: '\(value.typeName)'")
        }
    }

    static func plus(_ value: Value) throws(RenderFailure) -> Value {
        try checkDefined(value)
        guard let n = Number(value) else { throw .typeError("bad operand type for unary +: '\(value.typeName)'") }
        return n.value
    }

    static func binary(_ op: BinaryOp, _ a: Value, _ b: Value) throws(RenderFailure) -> Value {
        try checkDefined(a, b)
        if let x = Number(a), let y = Number(b) { return try arithmetic(op, x, y) }
        switch (op, a, b) {
        case let (.add, .string(x), .string(y)): return .string(x + y)
        case let (.add, .list(x), .list(y)): return .list(x + y)
        case let (.add, .tuple(x), .tuple(y)): return .tuple(x + y)
        case (.mul, _, _):
            if let result = repeatSequence(a, b) ?? repeatSequence(b, a) { return result }
        case let (.mod, .string(format), _):
            return .string(try PyPrintf.format(format, b))
        default: break
        }
        throw .typeError("unsupported operand type(s) for \(op.rawValue): '\(a.typeName)' and '\(b.typeName)'")
    }

    private static func repeatSequence(_ sequence: Value, _ times: Value) -> Value? {
        guard case let .int(n)? = Number(times) else { return nil }
        let count = max(0, n)
        switch sequence {
        case let .string(s): return .string(String(repeating: s, count: count))
        case let .list(items): return .list(Array([[Value]](repeating: items, count: count).joined()))
        case let .tuple(items): return .tuple(Array([[Value]](repeating: items, count: count).joined()))
        default: return nil
        }
    }

    private static func arithmetic(_ op: BinaryOp, _ x: Number, _ y: Number) throws(RenderFailure) -> Value {
        if case let .int(i) = x, case let .int(j) = y { return try integer(op, i, j) }
        let a = x.double
        let b = y.double
        switch op {
        case .add: return .double(a + b)
        case .sub: return .double(a - b)
        case .mul: return .double(a * b)
        case .div:
            guard b != 0 else { throw .python("ZeroDivisionError", "float division by zero") }
            return .double(a / b)
        case .floorDiv, .mod:
            guard b != 0 else {
                throw .python("ZeroDivisionError", op == .mod ? "float modulo" : "float floor division by zero")
            }
            let (div, mod) = floatDivmod(a, b)
            return .double(op == .mod ? mod : div)
        case .pow:
            if a == 0, b < 0 { throw .python("ZeroDivisionError", "0.0 cannot be raised to a negative power") }
            if a < 0, b.rounded() != b {
                throw .unsupported("a negative number to a fractional power is a complex number in Python")
            }
            return .double(Foundation.pow(a, b))
        }
    }

    private static func integer(_ op: BinaryOp, _ i: Int, _ j: Int) throws(RenderFailure) -> Value {
        func checked(_ result: (partialValue: Int, overflow: Bool)) throws(RenderFailure) -> Value {
            guard !result.overflow else { throw overflow() }
            return .int(result.partialValue)
        }
        switch op {
        case .add: return try checked(i.addingReportingOverflow(j))
        case .sub: return try checked(i.subtractingReportingOverflow(j))
        case .mul: return try checked(i.multipliedReportingOverflow(by: j))
        case .div:
            guard j != 0 else { throw .python("ZeroDivisionError", "division by zero") }
            return .double(Double(i) / Double(j))
        case .floorDiv, .mod:
            guard j != 0 else { throw .python("ZeroDivisionError", "integer division or modulo by zero") }
            guard !(i == Int.min && j == -1) else { throw overflow() }
            var q = i / j
            var r = i % j
            if r != 0, (r < 0) != (j < 0) {
                q -= 1
                r += j
            }
            return .int(op == .mod ? r : q)
        case .pow:
            if j < 0 {
                guard i != 0 else { throw .python("ZeroDivisionError", "0.0 cannot be raised to a negative power") }
                return .double(Foundation.pow(Double(i), Double(j)))
            }
            var result = 1
            var base = i
            var exponent = j
            while exponent > 0 {
                if exponent & 1 == 1 {
                    let (p, o) = result.multipliedReportingOverflow(by: base)
                    guard !o else { throw overflow() }
                    result = p
                }
                exponent >>= 1
                if exponent > 0 {
                    let (p, o) = base.multipliedReportingOverflow(by: base)
                    guard !o else { throw overflow() }
                    base = p
                }
            }
            return .int(result)
        }
    }

    /// CPython's `float_divmod`: floor division and a modulo with the divisor's sign.
    static func floatDivmod(_ vx: Double, _ wx: Double) -> (Double, Double) {
        var mod = fmod(vx, wx)
        var div = (vx - mod) / wx
        if mod != 0 {
            if (wx < 0) != (mod < 0) {
                mod += wx
                div -= 1
            }
        } else {
            mod = copysign(0, wx)
        }
        var floordiv: Double
        if div != 0 {
            floordiv = floor(div)
            if div - floordiv > 0.5 { floordiv += 1 }
        } else {
            floordiv = copysign(0, vx / wx)
        }
        return (floordiv, mod)
    }
}

extension PyOps {
    /// Python `int(x)` for a float: truncation; infinities overflow, NaN is a ValueError.
    static func truncate(_ d: Double) throws(RenderFailure) -> Int? {
        if d.isNaN { return nil }
        if d.isInfinite { throw .python("OverflowError", "cannot convert float infinity to integer") }
        guard d > -9.3e18, d < 9.3e18, let i = Int(exactly: d.rounded(.towardZero)) else { throw PyOps.overflow() }
        return i
    }
}
