"""Argument checks shared by resolvers: refuse out-of-range input before any backend call."""

from __future__ import annotations

from errors import BadUserInput


def page_size(name: str, value: int | None, *, default: int, maximum: int) -> int:
    size = default if value is None else value
    if not 1 <= size <= maximum:
        raise BadUserInput(f"{name} must be between 1 and {maximum} (got {size})")
    return size


def non_negative(name: str, value: int | None) -> int:
    number = 0 if value is None else value
    if number < 0:
        raise BadUserInput(f"{name} must not be negative (got {number})")
    return number
