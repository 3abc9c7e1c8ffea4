/* kgtool serve: load a bundled query, send it to the endpoint, show the result. Inlined; talks only to this server. */
(function () {
  "use strict";
  var library = JSON.parse(document.getElementById("library-data").textContent);
  var byName = {};
  library.forEach(function (q) { byName[q.name] = q; });
  var form = document.getElementById("query-form");
  var text = document.getElementById("query");
  var select = document.getElementById("library");
  var question = document.getElementById("question");
  var status = document.getElementById("status");
  var table = document.getElementById("results");
  var graph = document.getElementById("graph");
  var PREFIXES = [
    ["https://w3id.org/kgtool/id/", "kgr:"],
    ["https://w3id.org/kgtool/ontology#", "kgo:"],
    ["http://www.w3.org/2001/XMLSchema#", "xsd:"],
    ["http://www.w3.org/2000/01/rdf-schema#", "rdfs:"],
    ["http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf:"],
    ["http://www.w3.org/2004/02/skos/core#", "skos:"],
    ["http://www.w3.org/ns/prov#", "prov:"],
    ["http://purl.org/dc/terms/", "dcterms:"],
    ["http://data.europa.eu/eli/ontology#", "eli:"]
  ];

  function compact(iri) {
    for (var i = 0; i < PREFIXES.length; i++) {
      if (iri.indexOf(PREFIXES[i][0]) === 0) { return PREFIXES[i][1] + iri.slice(PREFIXES[i][0].length); }
    }
    return iri;
  }

  function load(name) {
    var q = byName[name];
    if (!q) { return; }
    text.value = q.text;
    select.value = name;
    question.textContent = q.question || q.title || "";
    text.focus();
  }

  function say(message, isError) {
    status.textContent = message;
    status.className = isError ? "error" : "";
  }

  function cell(term) {
    var td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      td.textContent = compact(term.value);
      td.title = term.value;
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      td.textContent = term.value;
      var note = term["xml:lang"] ? "@" + term["xml:lang"] : (term.datatype ? compact(term.datatype) : "");
      if (note && note !== "xsd:string") {
        var span = document.createElement("span");
        span.className = "type";
        span.textContent = note;
        td.appendChild(span);
      }
    }
    return td;
  }

  function showTable(data) {
    var vars = data.head.vars || [];
    var rows = data.results.bindings || [];
    var head = table.tHead;
    var body = table.tBodies[0];
    head.textContent = "";
    body.textContent = "";
    var tr = document.createElement("tr");
    vars.forEach(function (v) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = v;
      tr.appendChild(th);
    });
    head.appendChild(tr);
    rows.forEach(function (row) {
      var line = document.createElement("tr");
      vars.forEach(function (v) { line.appendChild(cell(row[v])); });
      body.appendChild(line);
    });
    table.hidden = false;
    return rows.length;
  }

  function run() {
    var started = performance.now();
    table.hidden = true;
    graph.hidden = true;
    say("Running…", false);
    var body = new URLSearchParams();
    body.set("query", text.value);
    fetch(form.getAttribute("action"), {
      method: "POST",
      headers: { "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
      body: body
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok) {
        return response.text().then(function (message) { say("Error " + response.status + ": " + message, true); });
      }
      var seconds = ((performance.now() - started) / 1000).toFixed(2);
      if (type.indexOf("json") >= 0) {
        return response.json().then(function (data) {
          if (typeof data.boolean === "boolean") {
            say("ASK: " + data.boolean + " (" + seconds + " s)", false);
          } else {
            var n = showTable(data);
            say(n + " row" + (n === 1 ? "" : "s") + " (" + seconds + " s)", false);
          }
        });
      }
      return response.text().then(function (turtle) {
        graph.textContent = turtle;
        graph.hidden = false;
        say("Graph (Turtle, " + seconds + " s)", false);
      });
    }).catch(function (error) { say("The server did not answer: " + error, true); });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  text.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); run(); }
  });
  document.getElementById("load").addEventListener("click", function () { load(select.value); });
  select.addEventListener("change", function () { load(select.value); });
  Array.prototype.forEach.call(document.querySelectorAll("button[data-query]"), function (button) {
    button.addEventListener("click", function () { load(button.getAttribute("data-query")); });
  });
})();
