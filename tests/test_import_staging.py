"""How `kgtool import` stages on a disk store: counts, blank nodes, and what a killed import leaves behind."""

from __future__ import annotations

import json

import pyoxigraph as ox
from conftest import PREFIXES, run
from test_import_export import INCIDENT_HEADER, SOURCE, snapshot, write

from kgtool.data.importer import STAGING_PREFIX
from kgtool.data.loading import open_disk_store
from kgtool.store import IMPORT_GRAPH_PREFIX

BLANK = PREFIXES + 'ex:thing rdfs:seeAlso _:note .\n_:note rdfs:label "a note"@en .\n'


def test_file_counts_are_what_each_file_added_and_add_up(tmp_path):
    store = tmp_path / "store"
    incidents = write(tmp_path, "a.csv", INCIDENT_HEADER + f"st-1,2024-01-01,,CHN,PRK,4,,a,{SOURCE}\n")
    again = write(tmp_path, "b.csv", INCIDENT_HEADER + f"st-2,2024-01-02,,CHN,PRK,,,b,{SOURCE}\n")
    result = run("import", str(incidents), str(again), "--store", str(store))
    assert result.exit_code == 0, result.stderr
    (record,) = json.loads(run("imports", "--store", str(store), "--format", "json").stdout)
    counts = [f["triples"] for f in record["files"]]
    # Both rows cite the same new source (and publisher): their 8 triples count once, under the first file.
    assert counts == [20, 7]
    assert sum(counts) == record["triples"]
    exported = run("export", "--store", str(store), "--graph", record["graph"], "--format", "nt").stdout
    assert exported.count("\n") == record["triples"]


def test_blank_nodes_of_two_files_stay_apart(tmp_path):
    store = tmp_path / "store"
    files = [write(tmp_path, "one.ttl", BLANK), write(tmp_path, "two.ttl", BLANK.replace("a note", "another"))]
    assert run("import", *map(str, files), "--store", str(store), "--empty").exit_code == 0
    (record,) = json.loads(run("imports", "--store", str(store), "--format", "json").stdout)
    with open_disk_store(store) as opened:
        quads = opened.quads(record["graph"])
    notes = {q.object for q in quads if q.predicate.value.endswith("#seeAlso")}
    assert len(notes) == 2
    assert all(isinstance(n, ox.BlankNode) for n in notes)


def test_what_a_killed_import_staged_is_dropped_when_the_store_is_opened(tmp_path):
    store = tmp_path / "store"
    kept = write(tmp_path, "kept.csv", INCIDENT_HEADER + f"st-1,2024-01-01,,CHN,PRK,4,,a,{SOURCE}\n")
    assert run("import", str(kept), "--store", str(store)).exit_code == 0
    before = snapshot(store)
    triple = ox.Triple(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"), ox.Literal("o"))
    with open_disk_store(store) as opened:
        # What an import killed between staging and its commit leaves: an unrecorded graph, a staging graph.
        opened.bulk_add([triple], IMPORT_GRAPH_PREFIX + "20260101T000000000000Z-killed")
        opened.bulk_add([triple], STAGING_PREFIX + "0123:derived")
        opened.flush()
    assert snapshot(store) == before
    with open_disk_store(store) as opened:
        assert not [g for g in opened.graphs() if "killed" in g or g.startswith(STAGING_PREFIX)]
    assert len(json.loads(run("imports", "--store", str(store), "--format", "json").stdout)) == 1
