import JSON
import Jinja
import Testing

@Suite struct MethodTests {
    @Test(arguments: [
        ("{{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip() }}|{{ s.strip(' x') }}", "x a  b|x a  b\n |  x a  b|a  b\n"),
        ("{{ s.split() }}|{{ s.split(' ') }}|{{ s.split(' ', 2) }}|{{ s.rsplit(None, 1) }}", "['x', 'a', 'b']|['', '', 'x', 'a', '', 'b\\n', '']|['', '', 'x a  b\\n ']|['  x a', 'b']"),
        ("{{ w.replace('a', 'o') }} {{ w.replace('a', 'o', 1) }} {{ w.upper() }} {{ w.lower() }} {{ w.capitalize() }} {{ w.title() }}", "BoNoNo BoNaNa BANANA banana Banana Banana"),
        ("{{ w.startswith('Ba') }} {{ w.endswith(('x', 'Na')) }} {{ w.index('N') }} {{ w.find('z') }} {{ w.count('a') }}", "True True 2 -1 3"),
        ("{{ '-'.join(['a', 'b']) }} {{ ', '.join(xs) }} {{ 'a b'.split()|length }}", "a-b p, q 2"),
        ("{{ '{} and {}'.format(1, 'b') }} {{ '{0}{1}{0}'.format('a', 'b') }} {{ '{name}!'.format(name='n') }} {{ '{:>4}|{:.2f}|{:03d}'.format('a', 3.14159, 7) }}", "1 and b aba n!    a|3.14|007"),
        ("{{ '12'.isdigit() }} {{ '1a'.isdigit() }} {{ '7'.zfill(3) }} {{ '-7'.zfill(4) }} {{ 'ab'.center(6, '*') }}", "True False 007 -007 **ab**"),
        ("{{ ''.isprintable() }} {{ 'a\tb'.isprintable() }} {{ 'x_1'.isidentifier() }} {{ '1x'.isidentifier() }}", "True False True False"),
        ("{{ '{:.3}|{:.1}|{:.3}'.format(1.0, 2.5, 1234.0) }}", "1.0|2e+00|1.23e+03"),
        ("{{ xs.index('q') }} {{ xs.count('p') }} {{ d.keys()|list }} {{ d.values()|list }} {{ d.items()|list }}", "1 1 ['k'] [1] [('k', 1)]"),
        ("{{ 'ΣΑΣ'.lower() }} {{ 'ß'.upper() }} {{ 'ǆemal'.capitalize() }}", "σας SS ǅemal"),
    ])
    func pythonMethods(source: String, expected: String) throws {
        let doc: JSONObject = ["s": "  x a  b\n ", "w": "BaNaNa", "xs": ["p", "q"], "d": ["k": 1]]
        #expect(try render(source, doc) == expected)
    }

    @Test(arguments: [
        "{{ 'abc'.index('z') }}",
        "{{ ['a'].index('b') }}",
        "{{ 'a'.split('') }}",
        "{{ ''.join([1]) }}",
        "{{ '{}'.format() }}",
        // Only digit strings are indexes: '-1' is a missing keyword, and a list takes no str key.
        "{{ '{-1}'.format('a') }}",
        "{{ '{-8.@].}'.format('a') }}",
        "{{ '{0[-1]}'.format(['x']) }}",
        "{{ '{99999999999999999999}'.format('a') }}",
    ])
    func pythonExceptionsAreRuntimeErrors(source: String) {
        #expect(errorKind(source) == .runtime)
    }

    @Test func formatKeysAreIndexesOnlyWhenAllDigits() throws {
        #expect(try render("{{ '{0[1]}|{1[-1]}'.format(['x', 'y'], {'-1': 'm'}) }}") == "y|m")
    }

    @Test func mutatingListMethodsAreUnsupported() {
        #expect(errorKind("{{ [1].append(2) }}") == .unsupported)
    }
}
