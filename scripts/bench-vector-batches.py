#!/usr/bin/env python3
"""The server's side of a vector ingest, then searches while the builder still indexes.

    scripts/bench-vector-batches.py BASE_URL [--dataset ../shared/datasets/glove-50] [--n 100000]
                                    [--batch 1000] [--float32-text]

Reads the first N rows of DATASET/base.fvecs, encodes every `POST .../documents/batch` body
(the shape `../shared/bench/server_peers.py` sends) before the clock starts, so the time is the
server's and the loopback's alone, and posts them one after another on one connection. Numbers
are written as Python's `json` writes a float32 widened to double (17 digits), or with
`--float32-text` as its shortest float32 text (as orjson writes numpy arrays). Then it runs the
dataset's queries (k 10) right after the last acknowledgement, while the background builder
still holds a fresh tail, and again once `pending_index_vectors` is 0. Needs numpy.
"""
import argparse
import http.client
import json
import os
import time
import urllib.parse

import numpy as np


def read_fvecs(path, n=None):
    raw = np.fromfile(path, dtype=np.int32)
    rows = raw.reshape(-1, raw[0] + 1)[:, 1:].view(np.float32)
    return rows if n is None else rows[:n]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--dataset", default=os.path.join(here, "..", "..", "shared", "datasets", "glove-50"))
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--float32-text", action="store_true")
    args = parser.parse_args()

    base = read_fvecs(os.path.join(args.dataset, "base.fvecs"), args.n)
    queries = read_fvecs(os.path.join(args.dataset, "query.fvecs"), 1000)
    address = urllib.parse.urlsplit(args.url)
    connection = http.client.HTTPConnection(address.hostname, address.port)

    def call(method, path, body=None):
        connection.request(method, path, body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        data = response.read()
        if response.status >= 300:
            raise SystemExit(f"{method} {path}: {response.status} {data[:300]!r}")
        return json.loads(data or b"null")

    def numbers(row):
        return "[" + ",".join(map(str, row) if args.float32_text else map(repr, row.tolist())) + "]"

    library = call("POST", "/v1/libraries", json.dumps({
        "name": f"batches-{time.time_ns()}", "index_type": "hnsw", "metric": "cosine", "dimension": int(base.shape[1])}))["id"]
    bodies = []
    for start in range(0, len(base), args.batch):
        documents = [f'{{"title": "row {i}", "metadata": {{"row": {i}}}, "chunks": [{{"text": "row {i}", '
                     f'"metadata": {{"row": {i}}}, "embedding": {numbers(base[i])}}}]}}'
                     for i in range(start, min(start + args.batch, len(base)))]
        bodies.append(('{"documents": [' + ", ".join(documents) + "]}").encode())
    began = time.perf_counter()
    for body in bodies:
        call("POST", f"/v1/libraries/{library}/documents/batch", body)
    elapsed = time.perf_counter() - began
    print(f"ingest: {len(base)} vectors in {elapsed:.2f} s = {len(base) / elapsed:,.0f} vec/s, "
          f"{elapsed / len(bodies) * 1000:.1f} ms per request of {args.batch}")

    searches = [json.dumps({"query_vector": q.tolist(), "k": 10}).encode() for q in queries]

    def search_phase(label):
        pending = call("GET", f"/v1/libraries/{library}/statistics")["pending_index_vectors"]
        began = time.perf_counter()
        for body in searches:
            call("POST", f"/v1/libraries/{library}/search", body)
        elapsed = time.perf_counter() - began
        print(f"search {label}: {len(searches) / elapsed:,.0f} QPS one client ({pending} vectors pending at the start)")

    search_phase("right after ingest")
    while call("GET", f"/v1/libraries/{library}/statistics")["pending_index_vectors"] > 0:
        time.sleep(0.5)
    search_phase("with the index complete")


if __name__ == "__main__":
    main()
