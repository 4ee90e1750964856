#!/usr/bin/env python3
"""Builds the Jinja parity fixtures for Tests/JinjaTests from real Jinja2.

1. Collects every distinct template string (a YAML string value containing "{{" or "{%")
   from lm-eval 0.4.9's task tree.
2. Infers a plausible synthetic document for each from how the template uses its variables
   (attribute/key access -> dict, indexing/iteration/join -> list, str methods -> str,
   arithmetic/range -> int), in a few variants (rich text, letter answers, None/missing
   values for `is none` / `is defined` tests).
3. Renders with jinja2 configured as lm-eval does and writes one JSON line per case:
   {"template", "doc", "output"} or {"template", "doc", "error": "undefined"|"runtime"|"syntax"}.

It also renders a hand-written list of semantics cases (Python repr, numbers, slicing,
Unicode, regex...) into semantics-cases.jsonl, so the unit expectations come from Jinja2.

Usage: scripts/jinja-parity/generate.py [--tasks DIR] [--out DIR] [--survey]
Needs: python3 with jinja2 3.1.x and PyYAML.
"""
import argparse
import collections
import json
import os
import re
import sys

import jinja2
import yaml
from jinja2 import nodes

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def lmeval_environment():
    def regex_replace(string, pattern, repl, count=0):
        return re.sub(pattern, repl, string, count=count)

    env = jinja2.Environment(
        loader=jinja2.BaseLoader, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
    )
    env.filters["regex_replace"] = regex_replace
    return env


ENV = lmeval_environment()


def render(template, doc):
    """Output string, or the error kind the Swift port must raise."""
    try:
        return {"output": ENV.from_string(template).render(**doc)}
    except jinja2.UndefinedError:
        return {"error": "undefined"}
    except jinja2.TemplateSyntaxError:
        return {"error": "syntax"}
    except Exception:  # noqa: BLE001 - any Python exception is a runtime error for the port
        return {"error": "runtime"}


# ---------------------------------------------------------------- collecting templates


class TaskLoader(yaml.SafeLoader):
    pass


TaskLoader.add_multi_constructor("!", lambda loader, suffix, node: "<tag>")


def collect_templates(tasks_dir):
    templates = {}
    for directory, _, files in sorted(os.walk(tasks_dir)):
        for name in sorted(files):
            if not name.endswith(".yaml"):
                continue
            with open(os.path.join(directory, name), encoding="utf-8") as handle:
                try:
                    config = yaml.load(handle, Loader=TaskLoader)
                except yaml.YAMLError:
                    continue
            stack = [config]
            while stack:
                value = stack.pop()
                if isinstance(value, dict):
                    stack.extend(value.values())
                elif isinstance(value, list):
                    stack.extend(value)
                elif isinstance(value, str) and ("{{" in value or "{%" in value):
                    templates.setdefault(value, None)
    return list(templates)


# ---------------------------------------------------------------- inferring documents

STR_METHODS = {
    "strip", "lstrip", "rstrip", "split", "rsplit", "replace", "lower", "upper", "capitalize",
    "title", "startswith", "endswith", "find", "format", "zfill", "isdigit", "splitlines",
}
DICT_METHODS = {"items", "keys", "values", "get"}


class Shape:
    """What the template does with one value of the document."""

    def __init__(self):
        self.kind = None  # "dict" | "list" | "str" | "int"
        self.children = collections.OrderedDict()  # dict keys
        self.element = None  # list element shape

    def want(self, kind):
        order = {None: 0, "str": 1, "int": 2, "list": 3, "dict": 4}
        if order[kind] > order[self.kind]:
            self.kind = kind

    def child(self, key):
        self.want("dict")
        return self.children.setdefault(key, Shape())

    def elem(self):
        self.want("list")
        if self.element is None:
            self.element = Shape()
        return self.element


class Inference:
    def __init__(self, template_ast):
        self.roots = collections.OrderedDict()
        self.locals = set()
        self.none_tested = set()
        self.defined_tested = set()
        for node in template_ast.find_all((nodes.Assign, nodes.AssignBlock, nodes.For)):
            targets = [node.target, *node.target.find_all(nodes.Name)]
            self.locals.update(t.name for t in targets if isinstance(t, nodes.Name))
        self.visit(template_ast)

    def shape(self, node):
        if isinstance(node, nodes.Name):
            if node.name in self.locals or node.name in ("loop", "range"):
                return None
            return self.roots.setdefault(node.name, Shape())
        if isinstance(node, nodes.Getattr):
            parent = self.shape(node.node)
            return parent.child(node.attr) if parent else None
        if isinstance(node, nodes.Getitem):
            if not isinstance(node.arg, (nodes.Const, nodes.Slice)):
                index = self.shape(node.arg)
                if index is not None and isinstance(node.node, (nodes.List, nodes.Tuple)):
                    index.want("int")
            parent = self.shape(node.node)
            if parent is None:
                return None
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                return parent.child(node.arg.value)
            if isinstance(node.arg, nodes.Slice):
                for bound in (node.arg.start, node.arg.stop, node.arg.step):
                    shape = self.shape(bound) if bound is not None else None
                    if shape is not None:
                        shape.want("int")
                if parent.kind is None:
                    parent.want("str")
                return None
            return parent.elem()
        return None

    def visit(self, node):
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            self.shape(node)
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):
            method = node.node.attr
            receiver = self.shape(node.node.node)
            if receiver is not None:
                if method in STR_METHODS:
                    receiver.want("str")
                elif method in DICT_METHODS:
                    receiver.want("dict")
                elif method in ("index", "count"):
                    receiver.want("list")
                    receiver.elem().want("str")
            if method == "join":
                for arg in node.args:
                    shape = self.shape(arg)
                    if shape is not None:
                        shape.elem().want("str")
            for child in node.args + [kw.value for kw in node.kwargs]:
                self.visit(child)
            self.visit(node.node.node)
            return
        if isinstance(node, nodes.Filter):
            shape = self.shape(node.node) if node.node is not None else None
            if shape is not None:
                if node.name in ("join", "list", "map", "first", "last"):
                    shape.elem()
                elif node.name in ("length", "count"):
                    if shape.kind is None:
                        shape.want("list")
                        shape.elem().want("str")
                elif node.name == "int":
                    shape.want("str")
        if isinstance(node, nodes.For):
            shape = self.shape(node.iter)
            if shape is not None:
                shape.elem()
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name == "range":
            for arg in node.args:
                shape = self.shape(arg)
                if shape is not None:
                    shape.want("int")
        if isinstance(node, nodes.Test) and isinstance(node.node, nodes.Name):
            if node.name == "none":
                self.none_tested.add(node.node.name)
            elif node.name in ("defined", "undefined"):
                self.defined_tested.add(node.node.name)
        if isinstance(node, nodes.Compare):
            operands = [node.expr] + [op.expr for op in node.ops]
            if any(isinstance(o, nodes.Const) and o.value is None for o in operands):
                for o in operands:
                    if isinstance(o, nodes.Name):
                        self.none_tested.add(o.name)
            if any(isinstance(o, nodes.Const) and isinstance(o.value, int) for o in operands):
                for o in operands:
                    shape = self.shape(o)
                    if shape is not None and shape.kind is None:
                        shape.want("int")
        if isinstance(node, (nodes.Add, nodes.Sub, nodes.Mul, nodes.Div, nodes.FloorDiv, nodes.Mod)):
            texty = any(isinstance(o, nodes.Const) and isinstance(o.value, str) for o in (node.left, node.right))
            numeric = any(
                (isinstance(o, nodes.Const) and isinstance(o.value, int))
                or (isinstance(o, nodes.Filter) and o.name in ("length", "count", "int"))
                for o in (node.left, node.right)
            )
            for operand in (node.left, node.right):
                shape = self.shape(operand)
                if shape is not None and shape.kind is None:
                    shape.want("int" if numeric or not (texty or isinstance(node, nodes.Add)) else "str")
        for child in node.iter_child_nodes():
            self.visit(child)


RICH = [
    "  The quick brown fox jumps over the lazy dog.  ",
    "Ünïcödé text — naïve café, 東京 and émoji 🙂",
    "Line one\nLine two [SEP] tail #### 42",
    "B",
]


def build(shape, variant, salt):
    kind = shape.kind or "str"
    if kind == "dict":
        return {key: build(child, variant, salt + i) for i, (key, child) in enumerate(shape.children.items())}
    if kind == "list":
        element = shape.element or Shape()
        return [build(element, variant, salt + i) for i in range(5)]
    if kind == "int":
        return [2, 1][variant % 2] + salt % 2
    if variant == 0:
        return RICH[salt % len(RICH)]
    return "ABCD"[salt % 4]


def documents(template):
    """A few plausible documents for one template."""
    try:
        inference = Inference(ENV.parse(template))
    except jinja2.TemplateSyntaxError:
        return [{}]
    docs = []
    for variant in (0, 1):
        docs.append({name: build(shape, variant, i) for i, (name, shape) in enumerate(inference.roots.items())})
    for name in sorted(inference.none_tested):
        doc = dict(docs[0])
        doc[name] = None
        docs.append(doc)
    for name in sorted(inference.defined_tested):
        doc = dict(docs[0])
        doc.pop(name, None)
        docs.append(doc)
    return docs


# ---------------------------------------------------------------- survey


def survey(templates):
    counts = collections.Counter()
    for template in templates:
        try:
            ast = ENV.parse(template)
        except jinja2.TemplateSyntaxError:
            counts["parse error"] += 1
            continue
        seen = set()
        for node in ast.find_all(nodes.Node):
            if isinstance(node, nodes.Filter):
                seen.add("filter " + node.name)
            elif isinstance(node, nodes.Test):
                seen.add("test " + node.name)
            elif isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):
                seen.add("method ." + node.node.attr + "()")
            elif isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name):
                seen.add("function " + node.node.name + "()")
            elif isinstance(node, (nodes.If, nodes.For, nodes.Assign, nodes.AssignBlock, nodes.Macro)):
                seen.add("block " + type(node).__name__)
            elif isinstance(node, nodes.BinExpr):
                seen.add("operator " + node.operator)
            elif isinstance(node, nodes.Compare):
                seen.update("compare " + op.op for op in node.ops)
            elif isinstance(node, (nodes.CondExpr, nodes.Slice, nodes.Getattr, nodes.Getitem, nodes.List,
                                   nodes.Dict, nodes.Tuple, nodes.Not, nodes.Neg, nodes.Concat)):
                seen.add("expression " + type(node).__name__)
        counts.update(seen)
    print(f"{len(templates)} distinct templates; templates using each construct:")
    for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        print(f"{count:6d}  {name}")


# ---------------------------------------------------------------- semantics cases

SEMANTICS = [
    # (template, doc)
    ("{{ x }}", {"x": [1, 2.0, "a", None, True, {"k": "v"}]}),
    ("{{ x }}", {"x": ["it's", 'say "hi"', "both ' and \"", "back\\slash", "tab\tnl\n", "\x00\x7f", "é🙂\u200b"]}),
    ("{{ x }}", {"x": {"a": [1, (2)], "b": {}}}),
    ("{{ (1, 2) }} {{ (1,) }} {{ () }} {{ 1, 'a' }}", {}),
    ("{% for v in x %}{{ v }}|{% endfor %}", {"x": [0.1, 1.0, 1e-05, 1e16, 123456789.125, -0.0, 1.5e300, 2.5e-7, 100.0]}),
    ("{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % -3 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 6 / 3 }} {{ 2 ** 10 }} {{ 2 ** -1 }} {{ 2 ** 3 ** 2 }}", {}),
    ("{{ 7.5 // 2 }} {{ -7.5 // 2 }} {{ 7.5 % -2 }} {{ -0.0 % 3 }} {{ 1 + 2.0 }} {{ true + 1 }} {{ 3 * 'ab' }} {{ [1] * 2 }} {{ 'a' ~ 1 ~ none }}", {}),
    ("{{ -2|abs }} {{ -x|abs }} {{ 1 - -1 }} {{ +3 }}", {"x": 4}),
    ("{{ 1 < 2 < 3 }} {{ 1 < 3 < 2 }} {{ 'a' < 'b' }} {{ [1, 2] < [1, 3] }} {{ 1 == 1.0 }} {{ 1 == true }} {{ '1' == 1 }}", {}),
    ("{{ 0 or 'x' }} {{ 'a' and 'b' }} {{ [] or {} }} {{ not '' }} {{ none and 1 }}", {}),
    ("{{ 'b' in 'abc' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 'z' not in 'abc' }}", {}),
    ("{{ 'yes' if x else 'no' }} {{ 'a' if x }}", {"x": 1}),
    ("{{ s[1:-1] }}|{{ s[::2] }}|{{ s[::-1] }}|{{ s[-2] }}|{{ s[10:] }}|{{ s[-100:2] }}", {"s": "héllo🙂x"}),
    ("{{ l[1:] }} {{ l[-1] }} {{ l[::-2] }} {{ l[5] is defined }}", {"l": [1, 2, 3, 4]}),
    ("{{ s|length }} {{ s[3] }} {{ s|list }}", {"s": "e\u0301a🙂"}),
    ("{{ doc.x }} {{ doc['x'] }} {{ doc.get('y') }} {{ doc.get('y', 'dflt') }} {{ doc.get('x') }}", {"doc": {"x": "X"}}),
    ("{{ d.keys()|list }} {{ d.values()|list }} {{ d.items()|list }}", {"d": {"a": 1, "b": [2]}}),
    ("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", {"d": {"a": 1, "b": "two"}}),
    ("{% for a, b in [[1, 2], [3, 4]] %}{{ a + b }},{% endfor %}", {}),
    ("{% for x in xs %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.first }}/{{ loop.last }}/{{ loop.length }} {% else %}empty{% endfor %}", {"xs": ["a", "b", "c"]}),
    ("{% for x in xs %}{{ x }}{% else %}empty{% endfor %}", {"xs": []}),
    ("{% for x in xs if x > 1 %}{{ x }}:{{ loop.length }} {% endfor %}", {"xs": [1, 2, 3]}),
    ("{% for c in 'abc' %}{{ loop.cycle('x', 'y') }}{{ c }}{% endfor %}", {}),
    ("{% set a = 1 %}{% for i in range(3) %}{% set a = a + i %}{{ a }}{% endfor %} {{ a }}", {}),
    ("{% set a, b = 1, 'two' %}{{ a }} {{ b }}{% if true %}{% set c = 3 %}{% endif %} {{ c }}", {}),
    ("{% set block %}inner {{ 1 + 1 }}{% endset %}[{{ block }}]", {}),
    ("{{ range(3)|list }} {{ range(1, 10, 3)|list }} {{ range(5, 0, -2)|list }}", {}),
    ("  {%- if true -%}  \n  x  \n  {%- endif -%}  \n{{- ' y ' -}}\n  {# c #}\n {#- c -#} z\n", {}),
    ("{% raw %}{{ not rendered }}{% endraw %} {%- raw -%}  {{ x }}  {%- endraw %}", {}),
    ("a\r\nb\rc{{ 'd\r\ne' }}", {}),
    ("{% if x == 1 %}one{% elif x == 2 %}two{% else %}other{% endif %}", {"x": 2}),
    ("{{ x is defined }} {{ y is defined }} {{ y is undefined }} {{ n is none }} {{ x is not none }} {{ y|default('d') }} {{ n|default('d') }} {{ n|default('d', true) }}", {"x": 1, "n": None}),
    ("{{ x is string }} {{ x is number }} {{ 3 is odd }} {{ 4 is even }} {{ 9 is divisibleby 3 }} {{ x is sameas x }} {{ [] is iterable }} {{ {} is mapping }}", {"x": "s"}),
    ("{{ '  a b  '|trim }}|{{ 'xxaxx'|trim('x') }}|{{ ['a', 1, none]|join(', ') }}|{{ 'abc'|join('-') }}|{{ 'Hello'|lower }}{{ 'Hello'|upper }}", {}),
    ("{{ 'aaa'|replace('a', 'b', 2) }} {{ 'abc'|length }} {{ [1, 2]|count }} {{ [1, 2]|first }} {{ 'xyz'|last }} {{ 12|string + 'a' }}", {}),
    ("{{ '42'|int + 1 }} {{ '3.9'|int }} {{ 'x'|int }} {{ 'x'|int(7) }} {{ 4.7|int }} {{ '0x1A'|int(0, 16) }} {{ ' 12 '|int }} {{ '1_000'|int }}", {}),
    ("{{ '2.5'|float }} {{ 'x'|float }} {{ 3|float }} {{ '1e3'|float }}", {}),
    ("{{ 'ab'|list }} {{ {'a': 1}|list }} {{ docs|map(attribute='t')|list }} {{ ['a', 'B']|map('upper')|join }} {{ ['1', '2']|map('int')|sum }}", {"docs": [{"t": 1}, {"t": 2}]}),
    ("{{ 'hello world'|capitalize }} {{ 'hELLO wORLD-x (y) [z] they\\'re'|title }} {{ 2.5|round }} {{ 3.14159|round(2) }} {{ 2.5|round(0, 'floor') }} {{ 7|round }}", {}),
    ("{{ s|regex_replace('\\\\s+', ' ') }}|{{ s|regex_replace('(\\\\w+) (\\\\w+)', '\\\\2 \\\\1') }}|{{ s|regex_replace('(?P<first>a)', '<\\\\g<first>>') }}", {"s": "alpha  beta\tgamma"}),
    ("{{ s|regex_replace('x*', '-') }} {{ s|regex_replace('^', '>') }} {{ s|regex_replace('[.]$', '!') }}", {"s": "abxd."}),
    ("{{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip() }}|{{ s.strip(' x') }}|{{ s.split() }}|{{ s.split(' ') }}|{{ s.split(' ', 1) }}|{{ s.rsplit(' ', 1) }}", {"s": " x a  b\u00a0c\n "}),
    ("{{ s.replace('a', 'o') }} {{ s.replace('a', 'o', 1) }} {{ s.upper() }} {{ s.lower() }} {{ s.capitalize() }} {{ s.title() }} {{ s.startswith('Ba') }} {{ s.endswith(('x', 'na')) }}", {"s": "BaNaNa ßtraße"}),
    ("{{ s.index('n') }} {{ s.find('z') }} {{ s.count('a') }} {{ '-'.join(['a', 'b']) }} {{ s.split('a') }} {{ s.splitlines() }}", {"s": "banana\nx"}),
    ("{{ '{} and {}'.format(1, 'b') }} {{ '{0}{1}{0}'.format('a', 'b') }} {{ '{name}!'.format(name='n') }} {{ '{{x}}'.format() }} {{ '{:>5}|{:.2f}|{:03d}'.format('a', 3.14159, 7) }}", {}),
    ("{{ '12'.isdigit() }} {{ '1a'.isdigit() }} {{ '7'.zfill(3) }} {{ '-7'.zfill(4) }} {{ 'abc'.isalpha() }} {{ '  '.isspace() }} {{ 'ab'.center(6, '*') }}", {}),
    ("{{ ['a', 'b'].index('b') }} {{ [1, 1, 2].count(1) }} {{ ['x'] + ['y'] }} {{ [1, [2, 3]]|length }}", {}),
    ("{{ 'ABCD'[x] }} {{ 'ABCD'.index(y) }} {{ choices[x] }}", {"x": 2, "y": "D", "choices": ["w", "x", "y", "z"]}),
    ("{{ 1.0 }} {{ 10 / 4 }} {{ 1e3 }} {{ 0.1 + 0.2 }} {{ 1_000 }} {{ 2 * 0.5 }}", {}),
    ("{{ 'a' 'b' }} {{ \"q\\\"uote\" }} {{ 'tab\\tnl\\n' }} {{ 'u\\u00e9' }} {{ 'keep\\d' }}", {}),
    ("{{ {'a': 1, 'b': 2}['b'] }} {{ {1: 'one'}[1] }} {{ dict(a=1) }}", {}),
    ("{{ x.y.z }}", {"x": {"y": {"z": 5}}}),
    ("{{ x['y'][0] }} {{ x.y.0 }}", {"x": {"y": ["first"]}}),
    ("{{ 'Ω'.lower() }} {{ 'ǆemal'.capitalize() }} {{ 'ΣΑΣ'.lower() }} {{ 'ﬁ'.upper() }}", {}),
    ("{{ x|wordcount }} {{ x|reverse }} {{ [3, 1, 2]|sort }} {{ [3, 1, 2]|max }} {{ [3, 1, 2]|min }} {{ [1, 2]|sum }}", {"x": "one two, three"}),
    ("{{ [1, 0, 2]|select|list }} {{ [1, 2, 3]|reject('odd')|list }} {{ {'b': 1, 'a': 2}|items|list }}", {}),
    # Errors.
    ("{{ missing }}", {}),
    ("{{ doc.missing }}", {"doc": {}}),
    ("{{ doc.missing is defined }} {{ doc['missing'] is defined }}", {"doc": {}}),
    ("{{ l[10] }}", {"l": [1]}),
    ("{% for x in missing %}{% endfor %}", {}),
    ("{% if missing %}{% endif %}", {}),
    ("{{ missing + 1 }}", {}),
    ("{{ missing == 1 }}", {}),
    ("{{ missing.attr is defined }}", {}),
    ("{{ 'abc'.index('z') }}", {}),
    ("{{ [1].index(2) }}", {}),
    ("{{ 1 / 0 }}", {}),
    ("{{ 1 // 0 }}", {}),
    ("{{ 'a' + 1 }}", {}),
    ("{{ 'a' < 1 }}", {}),
    ("{{ 1 in 'abc' }}", {}),
    ("{{ 'x'.nosuchmethod() }}", {}),
    ("{{ 5|length }}", {}),
    ("{{ [1]|first }}{{ []|first }}", {}),
    ("{{ 'a'|regex_replace('(', 'x') }}", {}),
    ("{{ 1 + }}", {}),
    ("{% if x %}unterminated", {"x": 1}),
    ("{% endfor %}", {}),
    ("{{ x|nosuchfilter }}", {"x": 1}),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", default=os.environ.get("TESTBENCH_LMEVAL_TASKS")
                        or os.path.join(REPO, ".cache/lm-eval-0.4.9/lm_eval/tasks"))
    parser.add_argument("--out", default=os.path.join(REPO, "Tests/JinjaTests/Fixtures"))
    parser.add_argument("--survey", action="store_true", help="print construct counts and exit")
    args = parser.parse_args()
    if jinja2.__version__ != "3.1.6":
        print(f"warning: jinja2 {jinja2.__version__}, fixtures were made with 3.1.6", file=sys.stderr)

    templates = collect_templates(args.tasks)
    if not templates:
        sys.exit(f"no templates found under {args.tasks} (run scripts/fetch-lmeval-tasks.sh)")
    if args.survey:
        survey(templates)
        return

    os.makedirs(args.out, exist_ok=True)
    outcomes = collections.Counter()
    with open(os.path.join(args.out, "lmeval-templates.jsonl"), "w", encoding="utf-8") as out:
        for template in sorted(templates):
            seen = set()
            for doc in documents(template):
                result = render(template, doc)
                key = json.dumps([doc, result], sort_keys=True)
                if key in seen:
                    continue
                seen.add(key)
                outcomes[next(iter(result))] += 1
                out.write(json.dumps({"template": template, "doc": doc, **result}, ensure_ascii=False) + "\n")
    with open(os.path.join(args.out, "semantics-cases.jsonl"), "w", encoding="utf-8") as out:
        for template, doc in SEMANTICS:
            out.write(json.dumps({"template": template, "doc": doc, **render(template, doc)}, ensure_ascii=False) + "\n")
    print(f"{len(templates)} templates, cases: {dict(outcomes)}; {len(SEMANTICS)} semantics cases")


if __name__ == "__main__":
    main()
