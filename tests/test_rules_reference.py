"""pyshacl, the reference SHACL engine, runs the same rule files and finds exactly what kgtool finds.

A rule answers for a day (``$asOf``); pyshacl cannot pre-bind it, so both engines get the rule text with the
same day written in (kgtool.compliance.rules.bind_as_of).
"""

from __future__ import annotations

import pyshacl
import rdflib
from rdflib.namespace import RDF, SH

from kgtool.compliance.rules import bind_as_of, derive_bindings, evaluate_rules
from kgtool.data.loading import bundled_store
from kgtool.resources import rule_files, shape_file


def test_pyshacl_and_kgtool_agree_on_every_rule_result():
    store = bundled_store()
    data = rdflib.Graph()
    data.parse(data=store.union_ntriples(), format="nt")
    shapes = rdflib.Graph()
    for path in (shape_file("prefixes.ttl"), shape_file("binding.ttl"), *rule_files()):
        shapes.parse(data=bind_as_of(path.read_text(encoding="utf-8")), format="turtle")
    _conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, advanced=True, inference="none")
    reference = {
        (str(report.value(r, SH.focusNode)), str(report.value(r, SH.value)))
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }
    derive_bindings(store)
    ours = {(hit.binding, hit.value) for hit in evaluate_rules(store)}
    assert ours == reference
    assert len(ours) == 51
