#!/usr/bin/env python3
"""What the keyword index costs on the write path and in memory, through a running arrwDB.

Usage: scripts/bench-keyword-ingest.py BASE_URL [ROUNDS] [--embed N]
  e.g. scripts/bench-keyword-ingest.py http://127.0.0.1:8000 3
       scripts/bench-keyword-ingest.py http://127.0.0.1:8000 2 --embed 250

Adds the 5,183 SciFact documents (text = title + " " + abstract) with their precomputed MiniLM
vectors (../shared/datasets/scifact-minilm/base.fvecs, so no embedding time hides the cost)
through POST .../documents/batch, 100 per request, one client, into a library with
text_analyzer "english" and one with "none" (no keyword index), alternating, ROUNDS (3) times
each. Prints documents/s per round, the medians, their ratio, and the keyword index's bytes and
terms per chunk from /statistics. With --embed N the server embeds the texts itself (its default
path): each run adds N documents of its own (no run reuses another's texts, so the embedding
cache never answers), N · 2 · ROUNDS of them in all. The server must accept 10,127-character chunks
(MAX_TEXT_LENGTH_PER_CHUNK=20000). Needs ../shared/datasets next to the repository.
"""
import json, os, statistics, struct, sys, time, urllib.request

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "datasets")


def main():
    arguments = sys.argv[1:]
    embed = None
    if "--embed" in arguments:
        position = arguments.index("--embed")
        embed = int(arguments[position + 1])
        del arguments[position:position + 2]
    base = arguments[0]
    rounds = int(arguments[1]) if len(arguments) > 1 else 3

    def call(method, path, body=None):
        request = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=600) as response:
            return json.loads(response.read() or b"null")

    corpus = [json.loads(line) for line in open(os.path.join(DATA, "scifact", "corpus.jsonl"))]
    raw = open(os.path.join(DATA, "scifact-minilm", "base.fvecs"), "rb").read()
    dimension = struct.unpack_from("<i", raw, 0)[0]
    row = 4 * (dimension + 1)
    vectors = [list(struct.unpack_from("<%df" % dimension, raw, i * row + 4)) for i in range(len(raw) // row)]
    assert len(vectors) == len(corpus)
    def requests(first, last):
        bodies = []
        for start in range(first, last, 100):
            documents = []
            for i, d in enumerate(corpus[start:min(start + 100, last)]):
                chunk = {"text": (d["title"] + " " + d["text"]).strip()}
                if embed is None:
                    chunk["embedding"] = vectors[start + i]
                documents.append({"id": d["_id"], "title": d["title"], "chunks": [chunk]})
            bodies.append(json.dumps({"documents": documents}).encode())
        return bodies

    runs = 0

    rates = {"english": [], "none": []}
    memory = None
    for round_number in range(rounds):
        for analyzer in ("english", "none"):
            library = call("POST", "/v1/libraries", {"name": "kw-%s-%d-%d" % (analyzer, round_number, time.time()), "text_analyzer": analyzer})["id"]
            first = runs * embed if embed else 0
            last = first + embed if embed else len(corpus)
            runs += 1
            bodies = requests(first, last)
            began = time.perf_counter()
            for body in bodies:
                request = urllib.request.Request(base + "/v1/libraries/%s/documents/batch" % library, method="POST", data=body,
                                                 headers={"Content-Type": "application/json"})
                with urllib.request.urlopen(request, timeout=600) as response:
                    assert json.loads(response.read())["failed"] == 0
            rate = (last - first) / (time.perf_counter() - began)
            rates[analyzer].append(rate)
            print("round %d, text_analyzer %s: %.0f documents/s" % (round_number + 1, analyzer, rate), flush=True)
            if analyzer == "english":
                memory = call("GET", "/v1/libraries/%s/statistics" % library)
            call("DELETE", "/v1/libraries/%s" % library)
    with_index, without = statistics.median(rates["english"]), statistics.median(rates["none"])
    print("median: %.0f documents/s with the keyword index, %.0f without: %.1f %% slower" % (with_index, without, 100 * (1 - with_index / without)))
    keyword = memory["keyword_index"]
    print("keyword index: %d bytes for %d chunks (%.0f bytes per chunk), %d terms; the vector index holds %.0f bytes per chunk"
          % (keyword["memory_bytes"], memory["chunk_count"], keyword["memory_bytes"] / memory["chunk_count"], keyword["terms"],
             memory["index_memory_bytes"] / memory["chunk_count"]))


if __name__ == "__main__":
    main()
