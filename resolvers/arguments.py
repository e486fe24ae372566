"""Argument checks shared by resolvers: refuse out-of-range input before any backend call.

The same bounds are checked earlier, at validation, for values written in the query
(:mod:`schema.argument_bounds`); the messages come from here so both read the same.
"""

from __future__ import annotations

from errors import BadUserInput


def range_problem(name: str, number: int, low: int, high: int | None) -> str | None:
    """Why ``number`` is out of ``[low, high]`` (``high`` None: no upper bound), or None."""
    if high is not None and not low <= number <= high:
        return f"{name} must be between {low} and {high} (got {number})"
    if high is None and number < low:
        below = "negative" if low == 0 else f"below {low}"
        return f"{name} must not be {below} (got {number})"
    return None


def length_problem(name: str, count: int, maximum: int, noun: str) -> str | None:
    if count > maximum:
        return f"{name} may name at most {maximum} {noun} (got {count})"
    return None


def page_size(name: str, value: int | None, *, default: int, maximum: int) -> int:
    size = default if value is None else value
    if problem := range_problem(name, size, 1, maximum):
        raise BadUserInput(problem)
    return size


def non_negative(name: str, value: int | None) -> int:
    number = 0 if value is None else value
    if problem := range_problem(name, number, 0, None):
        raise BadUserInput(problem)
    return number


def at_most(name: str, count: int, maximum: int, noun: str) -> None:
    if problem := length_problem(name, count, maximum, noun):
        raise BadUserInput(problem)
