"""Generated hostile RDF files in every format: `kgtool import` refuses each with one located line, stores nothing.

Each case also goes through `kgtool check FILE` (the in-memory path), which must refuse it the same way.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import run, store_digest

pytestmark = pytest.mark.fuzz

S, P = "https://example.org/fuzz/s", "https://example.org/fuzz/p"

VALID = {
    "ttl": '@prefix ex: <https://example.org/fuzz/> .\nex:s ex:p "one" , "two" .\nex:s ex:p ex:o .\n',
    "nt": f'<{S}> <{P}> "one" .\n<{S}> <{P}> "two" .\n<{S}> <{P}> <{S}2> .\n',
    "nq": f'<{S}> <{P}> "one" <https://example.org/g> .\n<{S}> <{P}> "two" <https://example.org/g> .\n',
    "trig": '@prefix ex: <https://example.org/fuzz/> .\nex:g { ex:s ex:p "one" , "two" . }\n',
    "jsonld": json.dumps({"@id": S, P: [{"@value": "one"}, {"@value": "two"}]}, indent=1) + "\n",
    "rdf": (
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:ex="https://example.org/fuzz/">\n'
        f'  <rdf:Description rdf:about="{S}">\n    <ex:p>one</ex:p>\n    <ex:p>two</ex:p>\n'
        "  </rdf:Description>\n</rdf:RDF>\n"
    ),
}


def _deep(suffix: str, depth: int) -> str:
    if suffix in ("ttl", "trig"):
        body = "ex:s ex:p " + "( " * depth + "1" + " )" * depth + " ."
        return "@prefix ex: <https://example.org/fuzz/> .\n" + (f"ex:g {{ {body} }}\n" if suffix == "trig" else body)
    if suffix == "jsonld":
        return '{"@id": "' + S + '", "' + P + '": ' + ('{"' + P + '": ' * depth) + '"x"' + "}" * depth + "}\n"
    return ""


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
    + ']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/fuzz/">\n'
    f'<rdf:Description rdf:about="{S}"><ex:p>&lol9;</ex:p></rdf:Description>\n</rdf:RDF>\n'
)
XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE r [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/fuzz/">\n'
    f'<rdf:Description rdf:about="{S}"><ex:p>&xxe;</ex:p></rdf:Description>\n</rdf:RDF>\n'
)


def _damaged(suffix: str) -> dict[str, bytes]:
    """Return the damaged versions of the valid document of a format, by name."""
    text = VALID[suffix]
    data = text.encode("utf-8")
    middle = len(data) // 2
    while data[middle - 1 : middle] in (b"\n", b" ", b"."):  # a cut at a statement's end would leave valid data
        middle += 3
    cases = {
        "truncated-middle": data[:middle],
        "truncated-end": data[: len(data) - 3],
        "invalid-utf8": data.replace(b"two", b"tw\xff\xfe"),
        "nul-byte": data.replace(b"two", b"t\x00o"),
        "control-char": data.replace(b"two", b"t\x1bo"),
        "binary": bytes(range(256)) * 8,
        "empty": b"",
        "bad-iri": data.replace(S.encode(), b"https://exa mple.org/<s>").replace(
            b"<https://example.org/fuzz/>", b"<https://exa mple.org/fuzz/>"
        ),
        "garbage-line": data + b"}}} )))) ]]] @@@ ::: \n",
    }
    if suffix in ("ttl", "trig", "jsonld"):
        cases["deep-200"] = _deep(suffix, 200).encode()
        cases["deep-20000"] = _deep(suffix, 20000).encode()
    if suffix in ("ttl", "trig"):
        cases["deep-blank-nodes"] = (
            "@prefix ex: <https://example.org/fuzz/> .\n"
            + ("ex:g { " if suffix == "trig" else "")
            + "ex:s ex:p "
            + "[ ex:p " * 5000
            + "1"
            + " ]" * 5000
            + " ."
            + (" }" if suffix == "trig" else "")
            + "\n"
        ).encode()
        cases["undeclared-prefix"] = data.replace(b"ex:s ex:p", b"ex:s nope:p", 1)
        cases["bad-language-tag"] = data.replace(b'"two"', b'"two"@en--US')
    if suffix == "jsonld":
        cases["remote-context"] = json.dumps({"@context": "http://127.0.0.1:9/context.jsonld", "@id": S}).encode()
        cases["bad-language-tag"] = json.dumps({"@id": S, P: {"@value": "x", "@language": "en--US"}}).encode()
        cases["not-an-object"] = b'"just a string"\n'
    if suffix == "rdf":
        cases["billion-laughs"] = BILLION_LAUGHS.encode()
        cases["xxe"] = XXE.encode()
        cases["unclosed-tags"] = data.replace(b"</rdf:Description>\n</rdf:RDF>\n", b"")
    if suffix in ("nt", "nq"):
        cases["missing-dot"] = data.rstrip(b" .\n") + b"\n"
        cases["literal-subject"] = b'"s" <' + P.encode() + b"> <" + S.encode() + b"> .\n"
    return cases


RDF_CASES = [(suffix, name) for suffix in sorted(VALID) for name in sorted(_damaged(suffix))]
#: Cases whose error names no line: the file gives no triples at all (JSON-LD drops what it cannot read).
WHOLE_FILE = {("jsonld", "bad-iri"), ("jsonld", "not-an-object")}


def test_the_valid_documents_import(tmp_path):
    store = tmp_path / "store"
    for suffix, text in VALID.items():
        path = tmp_path / f"valid.{suffix}"
        path.write_text(text, encoding="utf-8")
        result = run("import", str(path), "--store", str(store), "--empty")
        assert result.exit_code == 0, (suffix, result.stderr)


@pytest.mark.parametrize(("suffix", "name"), RDF_CASES)
def test_a_damaged_rdf_file_is_one_located_error_and_stores_nothing(module_store, tmp_path, suffix, name):
    path = tmp_path / f"{name}.{suffix}"
    path.write_bytes(_damaged(suffix)[name])
    before = store_digest(module_store)
    for command in (("import", str(path), "--store", str(module_store)), ("check", str(path))):
        result = run(*command)
        assert result.exit_code == 2, (command[0], result.exit_code, result.stdout[-300:], result.stderr)
        assert "Traceback" not in result.stderr
        assert result.stderr.count("\n") == 1, result.stderr
        pattern = (
            rf"kgtool: error: {re.escape(str(path))}:"
            + ("" if name == "empty" or (suffix, name) in WHOLE_FILE else r"\d+(:\d+)?:")
            + r" \S"
        )
        assert re.match(pattern, result.stderr), result.stderr
    assert store_digest(module_store) == before
