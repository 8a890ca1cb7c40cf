#!/usr/bin/env python3
"""BEIR SciFact retrieval quality and latency, all through a running arrwDB's HTTP API.

Usage: scripts/eval-scifact.py BASE_URL [--index-type TYPE] [--library ID] [--alphas 0.3,0.5,0.7]
  e.g. scripts/eval-scifact.py http://127.0.0.1:8000 --index-type brute_force

Adds the 5,183 SciFact documents (text = title + " " + abstract, id = the corpus id, embedded by
the server's own model) to a new library, or reuses --library, then asks the 300 test claims
through /search (dense), /search/hybrid with alpha 0 (BM25) and /search/hybrid with each fusion,
and prints nDCG@10 against the test qrels (BEIR's definition: linear gain, the ideal ranking
over every judged-relevant document) and each mode's client-side latency p50/p99 (one client,
sequential requests). The server must accept chunks of 10,127 characters
(MAX_TEXT_LENGTH_PER_CHUNK=20000). Needs ../shared/datasets/scifact next to the repository.
"""
import argparse, json, math, os, statistics, time, urllib.error, urllib.request

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "datasets", "scifact")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--index-type", default=None)
    parser.add_argument("--library", default=None)
    parser.add_argument("--alphas", default="0.5")
    args = parser.parse_args()

    def call(method, path, body=None):
        request = urllib.request.Request(args.base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=600) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raise SystemExit("%s %s answered %d: %s" % (method, path, error.code, error.read()[:500]))

    corpus = [json.loads(line) for line in open(os.path.join(DATA, "corpus.jsonl"))]
    queries = {q["_id"]: q["text"] for q in map(json.loads, open(os.path.join(DATA, "queries.jsonl")))}
    qrels = {}
    for line in list(open(os.path.join(DATA, "qrels", "test.tsv")))[1:]:
        query_id, doc_id, grade = line.split()
        if int(grade) > 0:
            qrels.setdefault(query_id, {})[doc_id] = int(grade)

    library = args.library
    if library is None:
        body = {"name": "scifact-%d" % time.time()}
        if args.index_type:
            body["index_type"] = args.index_type
        library = call("POST", "/v1/libraries", body)["id"]
        docs = [{"id": d["_id"], "title": d["title"], "text": (d["title"] + " " + d["text"]).strip()} for d in corpus]
        start = time.time()
        stored = 0
        for i in range(0, len(docs), 100):
            stored += call("POST", "/v1/libraries/%s/documents/batch" % library, {"documents": docs[i:i + 100]})["successful"]
        elapsed = time.time() - start
        print("library %s: %d documents in %.1f s (%.0f documents/s, embedded by the server)" % (library, stored, elapsed, stored / elapsed))

    def ndcg10(query_id, ranked):
        relevant = qrels[query_id]
        dcg = sum(relevant.get(doc, 0) / math.log2(rank + 2) for rank, doc in enumerate(ranked[:10]))
        ideal = sum(grade / math.log2(rank + 2) for rank, grade in enumerate(sorted(relevant.values(), reverse=True)[:10]))
        return dcg / ideal

    def run(label, path, extra):
        scores, latencies = [], []
        for query_id in sorted(qrels, key=int):
            body = dict(extra, query=queries[query_id], k=10)
            start = time.perf_counter()
            answer = call("POST", "/v1/libraries/%s%s" % (library, path), body)
            latencies.append((time.perf_counter() - start) * 1000)
            ranked = []
            for result in answer["results"]:
                if result["document_id"] not in ranked:
                    ranked.append(result["document_id"])
            scores.append(ndcg10(query_id, ranked))
        latencies.sort()
        p99 = latencies[min(len(latencies) - 1, math.ceil(0.99 * len(latencies)) - 1)]
        row = (label, statistics.mean(scores), statistics.median(latencies), p99)
        print("| %s | %.4f | %.1f | %.1f |" % row, flush=True)
        return row

    print("| retriever | nDCG@10 | p50 ms | p99 ms |\n| --- | --- | --- | --- |")
    run("dense (`/search`)", "/search", {})
    run("BM25 (`/search/hybrid`, alpha 0)", "/search/hybrid", {"alpha": 0})
    run("hybrid (defaults)", "/search/hybrid", {})
    for fusion in ("rrf", "weighted", "dbsf"):
        for alpha in (float(a) for a in args.alphas.split(",")):
            run("hybrid fusion %s, alpha %g" % (fusion, alpha), "/search/hybrid", {"fusion": fusion, "alpha": alpha})


if __name__ == "__main__":
    main()
