#!/usr/bin/env python3
"""Writes floats.json beside this script: CPython's repr() and json.dumps() of the floats around
Python's notation switches (1e-4, 1e16; Swift's description switches at 2**53) and of mixed
int/float lists as the HF datasets loader types them. Run: python3 generate.py"""
import json
import math
import pathlib
import struct

values = [0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 1e22, 1e23, -1e22,
          0.1, 0.5, 1.0, 1.5, 100.0, 123456789.0, 0.30000000000000004,
          1e-4, 0.00011, 9.999999999999999e-05, 1e-5, 1.5e-5, -1e-4, -1e-5, 0.001,
          1e15, 1.5e15, 9.007199254740991e15, 2.0 ** 53, 2.0 ** 53 + 2, 9.5e15, -9.5e15, 9.999999999999998e15,
          1e16, 1.0000000000000002e16, 2e16, 5.5e16, 9.9e16, 1e17, 1.2345678901234567e16, 123456789012345.6]
values += [float(k) * 10.0 ** 15 for k in range(1, 100)]
values += [math.ldexp(1.0, e) for e in range(50, 58)]
values += [float("nan"), float("inf"), float("-inf")]

def bits(d):
    return struct.unpack("<Q", struct.pack("<d", d))[0]

cases = [{"bits": str(bits(d)), "repr": repr(d), "json": json.dumps(d)} for d in values]
lists = [[1, 2.0], [1.0, 2], [0, -0.0, 9.5e15], [1, 2.5, 1e16, 1e-5, 3], [[1, 2.0], {"a": 9.5e15, "b": 1}]]
lists = [{"value": json.dumps(v), "repr": repr(v), "json": json.dumps(v)} for v in lists]
out = pathlib.Path(__file__).resolve().parent / "floats.json"
out.write_text(json.dumps({"floats": cases, "lists": lists}, indent=1) + "\n")
