"""Placeholder until score cases are written."""


def cases(case):
    return []
