"""Helpers shared by Switchyard's tests (importable as ``tests.support``)."""
