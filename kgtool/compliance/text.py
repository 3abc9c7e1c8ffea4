"""Human-readable text for `kgtool check`: one block per finding, evidence with sources and counts."""

from __future__ import annotations

from typing import Any

from kgtool.output.names import QUALIFIER_WORDS, compact
from kgtool.quality.text import format_quality
from kgtool.quality.validate import QualityReport


def _source_keys(sources: list[dict[str, Any]]) -> str:
    return ", ".join(s["key"] or compact(s["iri"]) for s in sources)


def _dates(item: dict[str, Any]) -> str:
    if item.get("date") is None:
        return "undated"
    if item.get("end_date"):
        return f"{item['date']}..{item['end_date']}"
    return item["date"]


def _count(claim: dict[str, Any]) -> str:
    if claim["people"] is None:
        number = f'"{claim["text"]}"' if claim["text"] else "no number"
    else:
        number = f"{QUALIFIER_WORDS.get(claim['qualifier'], '')}{claim['people']}"
    return f"{number} [{_source_keys(claim['sources'])}]"


def format_finding(finding: dict[str, Any]) -> list[str]:
    """Return the lines that describe one finding."""
    basis = finding["basis"]
    lines = [
        f"{finding['state']} ({finding['state_label']}): {finding['obligation']['label']}",
        f"  instrument    {finding['instrument']['label']}, {finding['provision']['label']}",
    ]
    since = f"  bound since   {finding['bound_since']}"
    if basis.get("means"):
        since += f" ({basis['means']} of {basis['date']}) [{_source_keys(basis['sources'])}]"
    else:
        since += f" (entry into force of the law) [{_source_keys(basis['sources'])}]"
    lines.append(since)
    ended = basis.get("ended_by")
    if finding.get("bound_until"):
        until = f"  bound until   {finding['bound_until']}"
        if ended:
            until += f" ({ended['means']} notified {ended['date']}) [{_source_keys(ended['sources'])}]"
        else:
            until += " (the provision ceased to apply)"
        lines.append(until)
    void = basis.get("without_effect")
    if void:
        lines.append(
            f"  {void['means']:<13} notified {void['date']}: ends nothing, the instrument has no denunciation "
            f"clause [{_source_keys(void['sources'])}]"
        )
    for dispute in basis["disputed"]:
        lines.append(
            f"  disputed      {compact(dispute['property'])} = {dispute['value']} "
            f"[{_source_keys(dispute['sources'])}] ({dispute['disagreement'] or 'claim'})"
        )
    first = finding["first_breach"]
    if first:
        lines.append(f"  first breach  {_dates(first)}  {first['label']}")
    lines.append(f"  evidence      {len(finding['evidence'])} item(s)")
    for item in finding["evidence"]:
        marker = "breach" if item["role"] == "breach" else "risk  "
        lines.append(f"    {marker} {_dates(item):<22} {item['label']} [{_source_keys(item['sources'])}]")
        if item.get("symbol"):
            paragraph = f", para. {item['paragraph']}" if item.get("paragraph") else ""
            lines.append(f"           {'':<22} {item['symbol']}{paragraph}")
        if item.get("counts"):
            lines.append(f"           {'':<22} counts: " + "; ".join(_count(c) for c in item["counts"]))
    if finding["contested_by"]:
        lines.append("  contested by")
        for position in finding["contested_by"]:
            sources = _source_keys(position["sources"])
            lines.append(f"    {position['date'] or 'undated'}  {position['label']} [{sources}]")
    return lines


def format_check(findings: list[dict[str, Any]], report: QualityReport) -> str:
    """Return the whole text output of `kgtool check`."""
    lines: list[str] = []
    if not report.holds:
        lines.append(f"Data quality failed: {len(report.violations)} violation(s); no findings computed.")
        lines.extend(format_quality(report))
        return "\n".join(lines) + "\n"
    lines.append(
        f"{len(findings)} unmet obligation(s) found; data quality holds "
        f"({len(report.warnings)} warning(s), see `kgtool validate`)."
    )
    for finding in findings:
        lines.append("")
        lines.extend(format_finding(finding))
    return "\n".join(lines) + "\n"
