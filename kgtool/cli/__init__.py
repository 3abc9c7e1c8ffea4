"""The `kgtool` command: a thin face over kgtool's services."""

from kgtool.cli.main import main

__all__ = ["main"]
