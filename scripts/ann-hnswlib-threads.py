#!/usr/bin/env python3
"""hnswlib built on several threads, as an external index of ../shared/bench/ann_peers.py.

ann_peers.py builds its own peers on one thread. This script follows its external contract
(`CMD --base B --query Q --metric M --k K --out DIR`, see ann_external_example.py there) with
hnswlib's multi-threaded `add_items` (`--threads`, default 2) and the harness's HNSW settings
(M 16, ef_construction 200, the same ef sweep, queries one at a time on one thread), so
`arrwdb ann-bench --threads N` can be set beside it in one run:

    ANN/bin/python ../shared/bench/ann_peers.py run --dataset ../shared/datasets/glove-50 \\
        --metric angular --peers hnswlib \\
        --external 'hnswlib-2t=ANN/bin/python scripts/ann-hnswlib-threads.py --threads 2' \\
        --external 'arrwdb-hnsw-2t=.build/release/arrwdb ann-bench --index hnsw --threads 2' --out /tmp/ann-threads

Needs numpy and hnswlib (the harness's venv).
"""
import argparse, json, os, tempfile, time
import numpy as np
import hnswlib

M, EF_CONSTRUCTION = 16, 200
EF_SWEEP = (10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 400)


def read_fvecs(path):
    raw = np.fromfile(path, dtype=np.int32)
    return np.ascontiguousarray(raw.reshape(-1, int(raw[0]) + 1)[:, 1:]).view(np.float32)


def write_ivecs(path, ids):
    out = np.empty((ids.shape[0], ids.shape[1] + 1), dtype=np.int32)
    out[:, 0] = ids.shape[1]
    out[:, 1:] = ids
    out.tofile(path)


def main():
    parser = argparse.ArgumentParser()
    for name in ("--base", "--query", "--metric", "--out"):
        parser.add_argument(name, required=True)
    parser.add_argument("--k", type=int, required=True)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    base, queries = read_fvecs(args.base), read_fvecs(args.query)
    index = hnswlib.Index(space="ip" if args.metric == "angular" else "l2", dim=base.shape[1])
    started = time.perf_counter()
    index.init_index(max_elements=len(base), ef_construction=EF_CONSTRUCTION, M=M, random_seed=100)
    index.add_items(base, np.arange(len(base)), num_threads=args.threads)
    build_s = time.perf_counter() - started
    index.set_num_threads(1)
    points = []
    for ef in EF_SWEEP:
        index.set_ef(ef)
        ids = np.empty((len(queries), args.k), dtype=np.int32)
        best = float("inf")
        for _ in range(2):
            started = time.perf_counter()
            for i, query in enumerate(queries):
                ids[i] = index.knn_query(query, k=args.k, num_threads=1)[0][0]
            best = min(best, time.perf_counter() - started)
        write_ivecs(os.path.join(args.out, f"ef={ef}.ivecs"), ids)
        points.append({"param": f"ef={ef}", "search_s": best, "ids": f"ef={ef}.ivecs"})
    with tempfile.TemporaryDirectory() as folder:
        index.save_index(os.path.join(folder, "index"))
        index_bytes = os.path.getsize(os.path.join(folder, "index"))
    with open(os.path.join(args.out, "result.json"), "w") as f:
        json.dump({"build_s": build_s, "index_bytes": index_bytes, "points": points}, f)


if __name__ == "__main__":
    main()
