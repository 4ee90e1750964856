import Python
import Testing

/// Expected values printed by CPython 3 (`int(s)`, `float(s)`, `round(x, n)`).
@Suite struct PyNumbersTests {
    @Test(arguments: [
        (" 42 ", PyNumbers.Parsed.value(42)), ("+5", .value(5)), ("-0", .value(0)), ("1_000", .value(1000)),
        ("1__0", .invalid), ("\u{661}\u{662}", .value(12)), ("0x1f", .invalid), ("4.0", .invalid), ("", .invalid),
        ("99999999999999999999", .overflow),
    ])
    func intOfString(text: String, expected: PyNumbers.Parsed<Int>) {
        #expect(PyNumbers.parseInt(text, base: 10) == expected)
    }

    @Test(arguments: [
        (" 1.5 ", 1.5 as Double?), ("1_000.5", 1000.5), ("inf", .infinity), ("-Infinity", -.infinity), ("1e3", 1000),
        (".5", 0.5), ("5.", 5), ("1__0.0", nil), ("abc", nil), ("\u{661}.5", 1.5),
    ])
    func floatOfString(text: String, expected: Double?) {
        #expect(PyNumbers.parseFloat(text) == expected)
    }

    @Test func floatOfNaN() {
        #expect(PyNumbers.parseFloat("nan")?.isNaN == true)
    }

    @Test func roundsHalfToEvenOnTheExactBinaryValue() {
        #expect(PyNumbers.round(2.675, digits: 2) == 2.67)
        #expect(PyNumbers.round(0.5, digits: 0) == 0)
        #expect(PyNumbers.round(1.5, digits: 0) == 2)
        #expect(PyNumbers.round(-2.5, digits: 0) == -2)
        #expect(PyNumbers.round(1234.5, digits: -1) == 1230)
        #expect(PyNumbers.round(1250, digits: -2) == 1200)
        #expect(PyNumbers.round(1350, digits: -2) == 1400)
    }
}
