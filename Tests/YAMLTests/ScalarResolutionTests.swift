import Testing
import YAML

/// Expected values are what `yaml.load(text, Loader=yaml.CLoader)` gives with PyYAML 6.0.3.
@Suite struct ScalarResolutionTests {
    static let nulls: [(String, YAMLValue)] = [
        ("~", .null), ("null", .null), ("Null", .null), ("NULL", .null), ("", .null),
        ("nULL", .string("nULL")), ("none", .string("none")), ("~x", .string("~x")),
    ]

    static let bools: [(String, YAMLValue)] = [
        ("yes", .bool(true)), ("Yes", .bool(true)), ("YES", .bool(true)),
        ("no", .bool(false)), ("No", .bool(false)), ("NO", .bool(false)),
        ("true", .bool(true)), ("True", .bool(true)), ("TRUE", .bool(true)),
        ("false", .bool(false)), ("False", .bool(false)), ("FALSE", .bool(false)),
        ("on", .bool(true)), ("On", .bool(true)), ("ON", .bool(true)),
        ("off", .bool(false)), ("Off", .bool(false)), ("OFF", .bool(false)),
        ("yEs", .string("yEs")), ("y", .string("y")), ("n", .string("n")), ("tRUE", .string("tRUE")),
    ]

    static let ints: [(String, YAMLValue)] = [
        ("0", .int(0)), ("-0", .int(0)), ("+12", .int(12)), ("1_000", .int(1000)), ("12_", .int(12)),
        ("0b1010", .int(10)), ("-0b11", .int(-3)), ("0x1F", .int(31)), ("0x_1f", .int(31)), ("-0xff", .int(-255)),
        ("017", .int(15)), ("0_17", .int(15)), ("08", .string("08")), ("0o17", .string("0o17")),
        ("1:20", .int(80)), ("-1:20", .int(-80)), ("190:20:30", .int(685_230)), ("12:30:00", .int(45000)),
        ("1:60", .string("1:60")), ("0:10", .string("0:10")),
        ("9223372036854775807", .int(Int.max)), ("-9223372036854775808", .int(Int.min)),
    ]

    static let floats: [(String, YAMLValue)] = [
        ("1.5", .double(1.5)), ("1.", .double(1.0)), ("-1.5", .double(-1.5)), ("+1.5", .double(1.5)),
        (".5", .double(0.5)), ("-.5", .string("-.5")), ("1.5e+3", .double(1500.0)), ("1.5E-3", .double(0.0015)),
        ("1.5e3", .string("1.5e3")), ("1e3", .string("1e3")), ("1e+3", .string("1e+3")),
        (".inf", .double(.infinity)), ("-.Inf", .double(-.infinity)), ("+.INF", .double(.infinity)),
        (".nan", .double(.nan)), (".NaN", .double(.nan)), ("-.nan", .string("-.nan")),
        ("1_000.5", .double(1000.5)), ("09.5", .double(9.5)), ("1:20.5", .double(80.5)), ("-1:30.0", .double(-90.0)),
        (".5e+1", .double(5.0)), ("1.e+1", .double(10.0)), ("._5", .string("._5")), ("1.0.0", .string("1.0.0")),
        ("0.1", .double(0.1)), ("1.7976931348623157e+308", .double(.greatestFiniteMagnitude)),
    ]

    static let strings: [(String, YAMLValue)] = [
        ("abc", .string("abc")), ("1 2", .string("1 2")), ("<<x", .string("<<x")), ("==", .string("==")),
        ("'1'", .string("1")), ("\"true\"", .string("true")), ("'~'", .string("~")), ("\"\"", .string("")),
        ("'1.5'", .string("1.5")), ("\"\\x00a\"", .string("\u{0}a")),
        // Timestamps deliberately stay strings (PyYAML builds datetime objects).
        ("2001-12-14", .string("2001-12-14")), ("2001-12-14t21:59:43.10-05:00", .string("2001-12-14t21:59:43.10-05:00")),
    ]

    @Test(arguments: nulls + bools)
    func nullsAndBooleans(text: String, expected: YAMLValue) throws {
        #expect(try YAMLLoader.load(text) == expected)
    }

    @Test(arguments: ints)
    func integers(text: String, expected: YAMLValue) throws {
        #expect(try YAMLLoader.load(text) == expected)
    }

    @Test(arguments: floats)
    func floatsNeedADot(text: String, expected: YAMLValue) throws {
        let loaded = try YAMLLoader.load(text)
        #expect(sameValue(loaded, expected), "\(text) gave \(loaded)")
    }

    @Test(arguments: strings)
    func quotedAndOtherScalarsAreStrings(text: String, expected: YAMLValue) throws {
        #expect(try YAMLLoader.load(text) == expected)
    }

    @Test func negativeZeroKeepsItsSign() throws {
        let loaded = try YAMLLoader.load("-0.0")
        guard case .double(let number) = loaded else {
            Issue.record("expected a float, got \(loaded)")
            return
        }
        #expect(number == 0 && number.sign == .minus)
    }

    static let explicitTags: [(String, YAMLValue)] = [
        ("!!str 12", .string("12")), ("!!str yes", .string("yes")), ("!!str", .string("")),
        ("!!int 0o17", .int(15)), ("!!int '42'", .int(42)), ("!!int 0x1f", .int(31)),
        ("!!float 1e3", .double(1000.0)), ("!!float '2'", .double(2.0)), ("!!float -.inf", .double(-.infinity)),
        ("!!bool ON", .bool(true)), ("!!bool 'no'", .bool(false)),
        ("!!null foo", .null), ("!!null", .null),
        // PyYAML's CParser resolves the non-specific tag `!` implicitly, even when quoted.
        ("! 123", .int(123)), ("! '123'", .int(123)), ("! abc", .string("abc")),
    ]

    @Test(arguments: explicitTags)
    func standardTagsAreHonoured(text: String, expected: YAMLValue) throws {
        let loaded = try YAMLLoader.load(text)
        #expect(sameValue(loaded, expected), "\(text) gave \(loaded)")
    }

    @Test(arguments: ["!!bool Y", "!!int 12abc", "!!int 0b_", "!!float 0x10", "!!float abc", "0b_", "!!int 99999999999999999999"])
    func invalidStandardScalarsAreErrors(text: String) {
        #expect(throws: YAMLError.self) { try YAMLLoader.load(text) }
    }
}
