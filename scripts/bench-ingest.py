#!/usr/bin/env python3
"""Times inserting the first 1,000 SciFact documents through POST .../documents/batch.

Usage: scripts/bench-ingest.py BASE_URL PER_REQUEST [title|text]
  e.g. scripts/bench-ingest.py http://127.0.0.1:8000 1000 text
Needs ../shared/datasets/scifact (next to the repository) and a running server.
"""
import json, os, sys, time, urllib.request
base, per_request = sys.argv[1], int(sys.argv[2])
def call(method, path, body=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"null")
corpus = [json.loads(l) for l in open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "datasets", "scifact", "corpus.jsonl"))][:1000]
field = sys.argv[3] if len(sys.argv) > 3 else "text"
docs = [{"id": "sf-%s" % d["_id"], "title": d["title"], "text": d[field][:10000]} for d in corpus]
lib = call("POST", "/v1/libraries", {"name": "ingest-%d-%d" % (per_request, time.time())})["id"]
start = time.time()
ok = 0
for i in range(0, len(docs), per_request):
    ok += call("POST", "/v1/libraries/%s/documents/batch" % lib, {"documents": docs[i:i + per_request]})["successful"]
elapsed = time.time() - start
stats = call("GET", "/v1/libraries/%s/statistics" % lib)
print("%d documents in %.2f s = %.0f documents/s (%d per request); chunks %d" % (ok, elapsed, ok / elapsed, per_request, stats["chunk_count"]))
