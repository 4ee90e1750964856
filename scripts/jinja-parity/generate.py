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
    # Whitespace control, comments, raw, odd data.
    ("a  {%+ if true %} b {% endif +%}  c", {}),
    ("<{{- x -}}>\n<{{ x }}>\n  {#- only a comment -#}\n  end", {"x": " v "}),
    ("{% for i in [1, 2] -%}\n  {{ i }}\n{%- endfor %}|", {}),
    ("a { b } c { {{ '{{' }} }}", {}),
    ("{{ {'a': {'b': 1}} }}|{{ {'a': {'b': 1}}['a']['b']}}", {}),
    ("{{ x\n + 1 }}", {"x": 1}),
    ("{# {{ not_evaluated }} #}ok{#\nmulti\nline\n#}", {}),
    ("\n\n{{ x }}\n\n", {"x": "keep trailing"}),
    # Precedence.
    ("{{ -2 ** 2 }} {{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 10 - 2 - 3 }} {{ 2 * 3 ~ 4 }} {{ not 'a' in 'abc' }} {{ not 1 == 2 }}", {}),
    ("{{ 1 + 2 ~ 3 }}", {}),
    ("{{ 10 // 3 * 3 + 10 % 3 }} {{ 2 ** 0.5 }} {{ 1e300 * 1e10 }} {{ 1 / 3 }} {{ -7 / 2 }} {{ 3 - 1.5 }}", {}),
    ("{{ 1 if '' else 2 }} {{ '' or none }} {{ 'x' ~ [1] }} {{ ('a' if false)|default('d') }}[{{ 'a' if false }}]", {}),
    ("{{ [1, 2, 3][1:][0] }} {{ l.0 }} {{ l[-0] }} {{ 'ab' * -1 }}|{{ [none] == [none] }} {{ [1, 2] == (1, 2) }} {{ {'a': 1} == {'a': 1.0} }} {{ 1 != '1' }}", {"l": [7, 8]}),
    # Number printing.
    ("{% for v in x %}{{ v }} {% endfor %}", {"x": [1e22, 1.7976931348623157e308, 5e-324, 123456789012345680.0, 0.000123, 0.0001, 1e-4, 12345678901234567, -1.5, 3.0]}),
    ("{{ 0.1|round(1) }} {{ 3.0|int }} {{ 2.675|round(2) }} {{ -0.5|round }} {{ 0.125|round(2) }} {{ 1234.5|round(-2) }} {{ 1234|round(-2) }} {{ 2.5|round(0, 'ceil') }}", {}),
    # Repr of strings.
    ("{{ x }}", {"x": ["\u0300", "\ufeff", "\U0001f600", "\u00ad", "\x85", "\u2028", "\u3000", "a'b\"c", "'"]}),
    # Loops.
    ("{% for x in xs %}{{ loop.previtem|default('-') }}{{ x }}{{ loop.nextitem|default('-') }}{{ loop.revindex0 }}{{ loop.cycle('a', 'b', 'c') }} {% endfor %}", {"xs": [1, 2, 3, 4]}),
    ("{% for a, b in d.items() if b %}{{ a }}{% endfor %}|{% for a, b in ['ab', 'cd'] %}{{ b }}{% endfor %}", {"d": {"x": 0, "y": 1, "z": 2}}),
    ("{% for row in rows %}{% set outer = loop %}{% for c in row %}{{ outer.index }}.{{ loop.index }}={{ c }} {% endfor %}{% endfor %}", {"rows": [["a", "b"], ["c"]]}),
    ("{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{% if true %}{% set y = x %}{% endif %}{{ y }}{% endfor %}{{ x }}", {}),
    ("{% for i in range(2, -2, -1) %}{{ i }},{% endfor %} {{ range(3)|length }} {{ range(0)|list }}", {}),
    ("{% for c in s %}[{{ c }}]{% endfor %}", {"s": "a🙂é"}),
    ("{% for k in d %}{{ k }}{% endfor %}", {"d": {"b": 1, "a": 2}}),
    ("{% set x = [1, 2] %}{{ x + [3] }} {% set t = (1,) %}{{ t + (2,) }}", {}),
    # Filters.
    ("{{ x|map('trim')|join(',') }}|{{ x|map('upper')|list }}|{{ ['1', 'x']|map('int')|list }}|{{ ['a']|map('replace', 'a', 'b')|list }}", {"x": [" a ", "b "]}),
    ("{{ users|selectattr('active')|map(attribute='name')|join(',') }} {{ users|map(attribute='name', default='?')|list }} {{ users|map(attribute='tags.0', default='-')|list }} {{ users|rejectattr('active')|list|length }}", {"users": [{"name": "ann", "active": True, "tags": ["t1"]}, {"active": False}]}),
    ("{{ [1, 2, 3]|select('odd')|list }} {{ [1, 2, 3]|select('>', 1)|list }} {{ [1, 2, 3]|reject('in', [2])|list }} {{ ['b', 'A', 'a']|sort }} {{ ['b', 'A', 'a']|sort(case_sensitive=true) }} {{ [3, 1, 2]|sort(reverse=true) }}", {}),
    ("{{ ['a', 'A', 'b']|unique|list }} {{ ['b', 'A', 'c']|max }} {{ ['a', 'B']|max }} {{ [0.1, 0.2]|sum }} {{ [[1, 2], [3]]|sum(start=[]) }} {{ []|max is undefined }}", {}),
    ("{{ x|string|length }} {{ 12345|string|list }} {{ 'abc'|center(9) }}| {{ 'Hello World-x'|wordcount }} {{ d|first }} {{ 'abc'|last }} {{ [1, 2]|join }}", {"x": 123, "d": {"k": 1}}),
    ("{{ 3|float }} {{ '3'|float + 1 }} {{ 1|default(2) }} {{ ''|default('x', true) }} {{ -3|abs }} {{ -3.5|abs }} {{ none|int }} {{ true|int }} {{ 'nan'|int }} {{ ' -3 '|int }} {{ '٣'|int }} {{ '1e3'|int }} {{ ' nan '|float }} {{ '1_000.5'|float }}", {}),
    ("{{ 'inf'|int }}", {}),
    ("{{ '%s and %d%%'|format('a', 3) }} {{ '%(k)s'|format(k='v') }} {{ '%05.1f|%-4d|%x|%r'|format(3.14159, 7, 255, 'q') }} {{ 'n=%s' % 5 }} {{ '%s-%s' % (1, 2) }}", {}),
    ("{{ 'a' is odd }}", {}),
    ("{{ '<a href=\"x\">&</a>'|e }} {{ 'x'|safe }} {{ 'ß'|upper }} {{ 'İ'|lower|length }} {{ 'ǅ'|lower }} {{ \"they're bill's\"|title }} {{ \"they're 3rd\".title() }}", {}),
    # Tests.
    ("{{ x is divisibleby(3) }} {{ x is eq 3 }} {{ 'a' is in 'abc' }} {{ 'abc' is lower }} {{ n is sameas none }} {{ 1 is integer }} {{ 1.0 is float }} {{ true is boolean }} {{ 'x'.upper is callable }} {{ x is not defined }} {{ y is defined and y }}", {"x": 3, "n": None, "y": 0}),
    # String methods.
    ("{{ 'a,b,,c'.split(',') }} {{ ''.split() }} {{ ''.split(',') }} {{ 'a b c'.split(none, 1) }} {{ '  a  b  '.rsplit(none, 1) }} {{ 'aXbXc'.rsplit('X', 1) }} {{ ' a b '.split(maxsplit=1) }}", {}),
    ("{{ 'abc'.strip('ac') }} {{ 'xxhixx'.lstrip('x') }} {{ 'hello'.replace('', '-') }} {{ 'aaa'.count('aa') }} {{ 'abc'.count('') }} {{ 'abc'.find('c', 1) }} {{ 'abcabc'.rfind('b') }} {{ 'abc'.index('b', -2) }}", {}),
    ("{{ 'abc'.startswith('b', 1) }} {{ 'abc'.endswith('b', 0, 2) }} {{ 'Hello'.swapcase() }} {{ 'a\nb\r\nc'.splitlines() }} {{ 'a\nb'.splitlines(true) }} {{ 'a-b-c'.partition('-') }} {{ 'abc'.rpartition('x') }}", {}),
    ("{{ '٣'.isdigit() }} {{ '²'.isdigit() }} {{ '²'.isdecimal() }} {{ '½'.isnumeric() }} {{ 'ABC'.isupper() }} {{ 'AbC'.islower() }} {{ '123'.isupper() }} {{ '5'.zfill(3) }} {{ '+5'.zfill(4) }} {{ 'ab'.ljust(5, '.') }} {{ 'ab'.rjust(5) }}|{{ 'abc'.center(6) }}|{{ 'www.x.com'.removeprefix('www.') }}", {}),
    ("{{ [1, 2, 3].index(2) }} {{ (1, 2).count(2) }} {{ d.get('a') }} {{ d.get('z', 0) }} {{ d['keys'] }} {{ 'abc'['upper']() }} {{ d.a }}", {"d": {"a": 1, "keys": 5}}),
    ("{{ e.strip() }}|{{ e.split() }}|{{ e|trim }}|{{ e|length }}", {"e": "\u3000x\u2003y\u00a0"}),
    # str.format.
    ("{{ '{:>10}|{:*^9}|{:,.2f}|{:.1%}|{:e}|{:g}|{!r}|{0[1]}'.format('r', 'c', 1234567.891, 0.256, 12345.678, 0.00001234, 'a', ['x', 'y']) }}", {}),
    ("{{ '{0[1]}|{:.3}'.format(['x', 'y'], 3.14159) }}", {}),
    ("{{ '{0[1]}|{1:.3}|{2:.3}|{3:5}|{3:<5}|{4:05.1f}|{5:x}|{5:#x}|{6:b}|{7:+d}|{8:,}'.format(['x', 'y'], 3.14159, 'abcdef', 42, -2.5, 255, 5, 3, 1234567) }}", {}),
    ("{{ '{a}-{b}'.format(a=1, b=[2]) }} {{ '{} {}'.format(true, none) }} {{ '{:d}'.format(true) }} {{ '{:.2f}'.format(2) }}", {}),
    # Regex.
    ("{{ s|regex_replace('(?i)HELLO', 'bye') }}|{{ s|regex_replace('\\d+', '#') }}|{{ s|regex_replace('^\\s+|\\s+$', '') }}|{{ s|regex_replace('o', '0', 1) }}|{{ s|regex_replace('(l+)', '[\\g<0>]') }}", {"s": "  Hello world 42  "}),
    ("{{ s|regex_replace('{x}', 'y') }}|{{ s|regex_replace('x\\Z', 'END') }}|{{ s|regex_replace('[[]', '(') }}|{{ s|regex_replace(' ', '\\n') }}|{{ s|regex_replace('a{2}', 'A') }}|{{ s|regex_replace('(?P<w>\\w+)=(?P=w)', 'same') }}", {"s": "{x} [aa] k=k x"}),
    ("{{ s|regex_replace('.', '*') }}|{{ s|regex_replace('$', '!') }}|{{ s|regex_replace('\\b', '|') }}", {"s": "a\nb\r\n"}),
    ("{{ s|regex_replace('\\w+', 'W') }}|{{ s|regex_replace('\\s', '_') }}", {"s": "naïve café ün"}),
    ("{{ s|regex_replace('(a)|(b)', '[\\1\\2]') }}", {"s": "ab"}),
    ("{{ 5|regex_replace('5', '6') }}", {}),
    ("{{ 'a'|regex_replace('a', '\\q') }}", {}),
    ("{{ 'a'|regex_replace('a', '\\2') }}", {}),
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
    ("{{ 'a'.split('') }}", {}),
    ("{{ ''.join([1]) }}", {}),
    ("{{ '{}'.format() }}", {}),
    ("{{ [1, 2] < [1, 'a'] }}", {}),
    ("{{ x.y.z }}", {"x": {}}),
    ("{{ x | }}", {"x": 1}),
    ("{% for %}{% endfor %}", {}),
    ("{% if true %}{% else %}{% else %}{% endif %}", {}),
    ("{{ x }", {"x": 1}),
    ("{% set %}", {}),
    ("{% for x in 5 %}{% endfor %}", {}),
    ("{{ range(1, 2, 0) }}", {}),
    ("{{ [1][1:2:0] }}", {}),
    ("{{ 'abc'[x:] }}", {"x": "1"}),
    ("{{ {[1]: 2} }}", {}),
    ("{{ {'a': 1}[[1]] }}", {}),
    ("{{ undefined_thing|default('x') }}", {}),
    ("{{ x|int }}", {}),
    ("{{ none + 1 }}", {}),
    ("{{ 'a' * 'b' }}", {}),
    ("{{ -'a' }}", {}),
    ("{% for a, b in [[1, 2, 3]] %}{% endfor %}", {}),
    ("{{ none.x }}", {}),
    ("{{ n.y is defined }}", {"n": None}),
    ("{{ 5['a'] }}", {}),
    ("{{ 'abc'[1.5] }}", {}),
    ("{{ 'abc'[5] }}", {}),
    ("{{ 7 % 0 }}", {}),
    ("{{ 'abc'.nosuch }}", {}),
    ("{{ missing() }}", {}),
    ("{{ 'x'() }}", {}),
    ("{{ [missing] }}", {}),
    ("{{ missing is none }} {{ missing is string }}", {}),
    ("{% if x %}{% elif %}{% endif %}", {"x": 1}),
    ("{% raw %}never closed", {}),
    ("{# never closed", {}),
    ("{{ 'unterminated }}", {}),
    ("{{ 1 }}{% endif %}", {}),
    ("{{ x is nosuchtest }}", {"x": 1}),
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
