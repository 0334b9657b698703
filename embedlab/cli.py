"""``python -m embedlab``: the same backend as the app, for scripts.

Each module in :mod:`embedlab.commands` adds its sub-commands through ``register(subparsers)``;
a command's handler returns the JSON-able result or raises an ``EmbedLabError``. Errors print one
line on stderr; out-of-vocabulary words exit with code 2, other input problems with code 1.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys

from embedlab import commands
from embedlab.errors import EmbedLabError, OutOfVocabularyError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m embedlab", description="EmbedLab: see and play with embeddings.")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"embedlab.commands.{info.name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result = args.handler(args)
    except OutOfVocabularyError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except EmbedLabError as exc:
        print(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, file=sys.stderr)
        return 1
    if result is None:
        return 0
    if getattr(args, "json", False):
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(args.formatter(result) if hasattr(args, "formatter") else json.dumps(result, ensure_ascii=False, indent=2))
    return 0
