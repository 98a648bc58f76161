"""Subcommands of the coverage engine: coverage, recommend, roads."""

from __future__ import annotations

import argparse

__all__ = ["add_commands"]


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the engine subcommands on ``sub``."""
