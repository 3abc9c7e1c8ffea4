"""Human-readable text of the data-quality report: one line per result."""

from __future__ import annotations

from kgtool.output.names import compact
from kgtool.quality.validate import QualityReport


def format_quality(report: QualityReport) -> list[str]:
    """Return one line per data-quality result: severity, node, property, message, value."""
    lines = []
    for result in report.results:
        where = compact(result.focus)
        if result.path:
            where += f" {compact(result.path)}"
        value = f" (value: {compact(result.value)})" if result.value and result.value != result.focus else ""
        lines.append(f"[{result.severity}] {where}: {result.message}{value}")
    return lines
