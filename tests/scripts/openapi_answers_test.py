#!/usr/bin/env python3
"""Real answers against the OpenAPI document (docs/api.md, "The OpenAPI document").

Reads the answers the e2e tests recorded while ctest ran them (VERGEGRID_RECORD_ANSWERS=<folder>,
tests/support/answer_recorder.hpp: their HTTP client appends one JSON line per answer to a file
of its process), takes the document from the recorded answer of GET /api/v1/openapi.json, then
matches every recorded answer to its route (path template and method) and checks:

  * its status is documented for that operation (an undocumented status fails);
  * a JSON body validates against the response schema of that status (JSON Schema 2020-12,
    the document's $refs resolved), and a documented JSON answer came as JSON;
  * a request the server accepted (2xx) had a body valid against the operation's requestBody.

Prints the coverage (routes with a validated success answer / all routes) and fails below
--min-coverage. The tests that record are this check's ctest fixture (tests/e2e/CMakeLists.txt),
so their answers are recorded once, by the run that tests them, and not by a second run here.

Usage: openapi_answers_test.py --min-coverage PERCENT RECORDS_FOLDER
"""
import argparse
import collections
import glob
import json
import os
import sys

import jsonschema

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def read_records(path):
    records = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                records.append(json.loads(line))
    return records


def pointer(*parts):
    return "#/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


class Validators:
    """A validator per schema location: the whole document is the root schema, with a "$ref" to
    the location, so every "#/components/..." reference resolves in it (with Debian 12's
    jsonschema 4.10 as with later ones; the document's other members are no schema keywords)."""

    def __init__(self, document):
        self.document = document
        self.cache = {}

    def for_pointer(self, ref):
        if ref not in self.cache:
            root = dict(self.document)
            root["$ref"] = ref
            self.cache[ref] = jsonschema.validators.Draft202012Validator(root)
        return self.cache[ref]

    def errors(self, ref, instance):
        found = sorted(self.for_pointer(ref).iter_errors(instance), key=lambda e: list(e.path))
        words = []
        for error in found[:3]:
            # "not valid under any of the given schemas" names no field: say why the closest
            # alternative refused it.
            while error.context:
                error = jsonschema.exceptions.best_match(error.context)
            words.append("at /" + "/".join(str(p) for p in error.absolute_path) + ": " +
                         error.message[:300])
        return words


class Routes:
    """The document's path templates, matched the router's way: a literal beats a parameter."""

    def __init__(self, document):
        self.templates = []
        for template, item in document["paths"].items():
            segments = template.strip("/").split("/")
            self.templates.append((template, segments, item))

    def match(self, method, path):
        parts = path.split("?", 1)[0].strip("/").split("/")
        best = None
        for template, segments, item in self.templates:
            if len(segments) != len(parts) or method.lower() not in item:
                continue
            literal = []
            ok = True
            for seg, part in zip(segments, parts):
                is_param = seg.startswith("{") and seg.endswith("}")
                if not is_param and seg != part:
                    ok = False
                    break
                literal.append(0 if is_param else 1)
            if ok and (best is None or literal > best[0]):
                best = (literal, template)
        return best[1] if best else None


def resolve(document, node):
    while isinstance(node, dict) and "$ref" in node:
        target = document
        for part in node["$ref"][2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def response_pointer(document, template, method, status):
    """The response object's JSON pointer (following a components.responses $ref)."""
    node = document["paths"][template][method]["responses"][status]
    if "$ref" in node:
        return node["$ref"], resolve(document, node)
    return pointer("paths", template, method, "responses", status), node


def is_json(content_type):
    base = content_type.split(";", 1)[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


def check_answer(document, validators, template, record, problems, succeeded):
    method = record["method"].lower()
    status = str(record["status"])
    where = f'{record["method"]} {record["path"]} -> {status}'
    operation = document["paths"][template][method]
    if status not in operation["responses"]:
        problems.append(f"{where}: status {status} is not documented for "
                        f"{record['method']} {template}")
        return
    base, response = response_pointer(document, template, method, status)
    content = response.get("content", {})
    body = record["body"]
    json_types = [t for t in content if is_json(t)]
    if json_types and body:
        if not is_json(record["content_type"]):
            problems.append(f"{where}: documented as JSON, came as {record['content_type']}")
            return
        try:
            instance = json.loads(body)
        except ValueError:
            problems.append(f"{where}: the body is not JSON")
            return
        if "schema" in content[json_types[0]]:
            ref = base + "/" + "/".join(
                ["content", json_types[0].replace("~", "~0").replace("/", "~1"), "schema"])
            for error in validators.errors(ref, instance):
                problems.append(f"{where}: answer {error}")
                return
    elif body and not content and status.startswith("2"):
        problems.append(f"{where}: a body ({record['content_type']}) the document does not "
                        "describe")
        return
    if status.startswith("2"):
        if not check_request(document, validators, template, record, problems):
            return
        succeeded.add((record["method"], template))


def check_request(document, validators, template, record, problems):
    method = record["method"].lower()
    operation = document["paths"][template][method]
    request_body = resolve(document, operation.get("requestBody", {}))
    content = request_body.get("content", {})
    if not record.get("request_body") or "application/json" not in content:
        return True
    try:
        instance = json.loads(record["request_body"])
    except ValueError:
        return True  # not a JSON request (an upload): nothing to check
    ref = pointer("paths", template, method, "requestBody")
    if "$ref" in operation["requestBody"]:
        ref = operation["requestBody"]["$ref"]
    ref += "/content/application~1json/schema"
    errors = validators.errors(ref, instance)
    for error in errors[:1]:
        problems.append(f'{record["method"]} {record["path"]} (accepted, {record["status"]}): '
                        f"request {error}")
    return not errors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--min-coverage", type=float, required=True)
    parser.add_argument("records_folder")
    args = parser.parse_args()

    files = sorted(glob.glob(os.path.join(args.records_folder, "*.jsonl")))
    records = [r for f in files for r in read_records(f)]
    print(f"{len(records)} answers in {len(files)} files of {args.records_folder}")
    documents = [r for r in records
                 if r["path"] == "/api/v1/openapi.json" and r["status"] == 200]
    if not documents:
        print("FAIL: no GET /api/v1/openapi.json answer was recorded (did the e2e tests run?)")
        return 1
    return check(json.loads(documents[0]["body"]), records, args.min_coverage)


def check(document, records, min_coverage):
    jsonschema.validators.Draft202012Validator.check_schema({"$defs": document["components"]
                                                             ["schemas"]})
    validators = Validators(document)
    routes = Routes(document)
    problems = []
    succeeded = set()
    seen = set()
    unmatched = collections.Counter()
    for record in records:
        template = routes.match(record["method"], record["path"])
        if template is None:
            unmatched[f'{record["method"]} {record["path"].split("?")[0]} -> {record["status"]}'] += 1
            continue
        seen.add((record["method"], template))
        check_answer(document, validators, template, record, problems, succeeded)

    every = {(m.upper(), t) for t, item in document["paths"].items() for m in item
             if m in METHODS}
    for line in sorted(unmatched):
        # Paths that are no route (the console's files, 404/405 probes) are not the document's.
        if not line.startswith(("GET /api/", "POST /api/", "PUT /api/", "PATCH /api/",
                                "DELETE /api/")) or line.endswith(("404", "405")):
            continue
        problems.append(f"{line}: answered, but matches no documented route")
    coverage = 100.0 * len(succeeded) / len(every)
    print(f"{len(records)} answers recorded; {len(seen)}/{len(every)} routes answered, "
          f"{len(succeeded)}/{len(every)} routes with a validated success answer "
          f"({coverage:.1f} %, threshold {min_coverage:.0f} %)")
    never = sorted(every - succeeded, key=lambda k: (k[1], k[0]))
    if never:
        print("routes without a validated success answer:")
        for method, template in never:
            print(f"  {method} {template}")
    distinct = list(dict.fromkeys(problems))
    for problem in distinct[:200]:
        print("FAIL: " + problem)
    if len(distinct) > 200:
        print(f"... and {len(distinct) - 200} more")
    if distinct:
        print(f"{len(distinct)} answers do not match the document")
        return 1
    if coverage < min_coverage:
        print(f"FAIL: coverage {coverage:.1f} % is below {min_coverage:.0f} %")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
