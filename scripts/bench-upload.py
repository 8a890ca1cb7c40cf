#!/usr/bin/env python3
"""A large NDJSON upload, watched by a searching client (issue 14's read-your-writes check).

Streams N documents of D-dimensional vectors to POST /v1/libraries/{id}/documents/stream with
`Accept: application/x-ndjson`, so each batch is acknowledged with result lines as soon as it is
durable. Every PLANT-th document carries a planted vector (another row moved by a little noise,
so it is nobody's duplicate but lies where the data lies). A second client searches every
100 ms, with k=1, for each planted vector acknowledged since its last turn: every such search must
answer the planted document itself (read-your-writes), unless the builder had already moved it
into the HNSW graph and the graph's search missed it: a miss is asked again with `ef_search`
2000 and k=10, and counted as lost only if that misses too. It also searches for one older planted
vector at random with k=10 (by then it is usually in the graph, so that measures the index's
recall, reported apart). It prints the upload rate, the searches' latency (p50, p99, max), any
planted vector not found, and how long the background builder takes to index everything after
the last acknowledgement.

With --kill-after M it starts the server itself (--binary, on a fresh --data-dir), kills it with
SIGKILL once M documents are acknowledged, starts it again on the same directory, and checks
that every acknowledged document is there (by listing them all), that every acknowledged planted
vector is found at once (exactly, from the fresh tail, while the builder re-indexes), and that
the builder empties the tail.

    scripts/bench-upload.py --url http://127.0.0.1:8000 [--n 1000000]
    scripts/bench-upload.py --binary .build/release/arrwdb --kill-after 300000 [--n 1000000]

Needs numpy. The vectors are glove-50 rows (../shared/datasets/glove-50) cycled with a little
noise when D is 50, else Gaussian; the NDJSON body is written to a temporary file first (not
timed).
"""
import argparse, http.client, json, os, random, signal, socket, subprocess, sys, tempfile, threading, time, urllib.parse
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
GLOVE = os.path.join(HERE, "..", "..", "shared", "datasets", "glove-50", "base.fvecs")


def vectors(n, dim, seed):
    rng = np.random.default_rng(seed)
    if dim == 50 and os.path.exists(GLOVE):
        raw = np.fromfile(GLOVE, dtype=np.int32)
        base = raw.reshape(-1, 51)[:, 1:].view(np.float32)
        rows = base[np.arange(n) % len(base)].copy()
        cycled = np.arange(n) >= len(base)
        rows[cycled] += rng.normal(0, 0.05, (int(cycled.sum()), dim)).astype(np.float32)
        return rows
    return rng.normal(0, 1, (n, dim)).astype(np.float32)


def write_body(path, n, dim, plant, seed):
    rows = vectors(n, dim, seed)
    rng = np.random.default_rng(seed + 1)
    planted = {}
    with open(path, "w") as f:
        for start in range(0, n, 10000):
            lines = []
            for i in range(start, min(start + 10000, n)):
                vector = rows[i]
                if i % plant == 0:
                    other = rows[int(rng.integers(n))]
                    vector = (other + rng.normal(0, 0.02, dim) * float(np.linalg.norm(other) or 1)).astype(np.float32)
                    planted[f"v{i}"] = vector.tolist()
                lines.append(json.dumps({"id": f"v{i}", "chunks": [{"text": "", "embedding": np.round(vector, 5).tolist()}]}))
            f.write("\n".join(lines) + "\n")
    return planted


class Server:
    def __init__(self, binary, data_dir):
        self.binary, self.data_dir = binary, data_dir
        self.port = free_port()
        self.process = None

    def start(self):
        env = dict(os.environ, LOG_LEVEL="warning", RATE_LIMIT_ENABLED="false")
        log = open(os.path.join(self.data_dir + "-logs"), "ab")
        started = time.time()
        self.process = subprocess.Popen([self.binary, "serve", "--port", str(self.port), "--data-dir", self.data_dir],
                                        env=env, stdout=log, stderr=log)
        while True:
            try:
                call(f"http://127.0.0.1:{self.port}", "GET", "/health")
                return time.time() - started
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit(f"the server exited with {self.process.returncode}; see {self.data_dir}-logs")
                time.sleep(0.05)

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(60)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(url, method, path, body=None):
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    connection.request(method, path, body=None if body is None else json.dumps(body),
                       headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    if response.status >= 300:
        raise RuntimeError(f"{method} {path}: {response.status} {data[:300]}")
    return json.loads(data or b"null")


class Watcher(threading.Thread):
    """Searches every 100 ms for the planted vectors acknowledged since its last turn."""

    def __init__(self, url, library, planted):
        super().__init__(daemon=True)
        self.parts = urllib.parse.urlsplit(url)
        self.path = f"/v1/libraries/{library}/search"
        self.planted = planted
        self.lock = threading.Lock()
        self.fresh, self.acked = [], []
        self.latencies, self.misses, self.errors, self.delays = [], [], 0, []
        self.rechecks, self.recheck_misses, self.graph_misses = 0, [], []
        self.stopping = threading.Event()

    def acknowledged(self, document_id, at):
        if document_id in self.planted:
            with self.lock:
                self.fresh.append((document_id, at))

    def run(self):
        connection = http.client.HTTPConnection(self.parts.hostname, self.parts.port, timeout=30)
        while not self.stopping.is_set():
            turn = time.time()
            with self.lock:
                fresh, self.fresh = self.fresh, []
                self.acked += fresh
                older = random.choice(self.acked) if self.acked else None
            checks = [(document_id, at, True) for document_id, at in fresh]
            if older and older not in fresh:
                checks.append((older[0], older[1], False))
            for document_id, at, just_acknowledged in checks:
                body = json.dumps({"query_vector": self.planted[document_id], "k": 1 if just_acknowledged else 10})
                started = time.time()
                try:
                    connection.request("POST", self.path, body=body, headers={"Content-Type": "application/json"})
                    response = connection.getresponse()
                    answer = json.loads(response.read())
                except (OSError, http.client.HTTPException, ValueError):
                    self.errors += 1
                    connection.close()
                    connection = http.client.HTTPConnection(self.parts.hostname, self.parts.port, timeout=30)
                    continue
                self.latencies.append(time.time() - started)
                if just_acknowledged:
                    self.delays.append(started - at)
                found = [r.get("document_id") for r in answer.get("results", [])]
                if not just_acknowledged:
                    self.rechecks += 1
                    if document_id not in found:
                        self.recheck_misses.append((document_id, found[:1]))
                elif found[:1] != [document_id]:
                    wider = json.dumps({"query_vector": self.planted[document_id], "k": 10, "ef_search": 2000})
                    connection.request("POST", self.path, body=wider, headers={"Content-Type": "application/json"})
                    again = [r.get("document_id") for r in json.loads(connection.getresponse().read()).get("results", [])]
                    (self.graph_misses if document_id in again else self.misses).append((document_id, found[:1]))
            self.stopping.wait(max(0, 0.1 - (time.time() - turn)))

    def report(self, label):
        lat = sorted(self.latencies)
        pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000 if lat else float("nan")
        print(f"[{label}] {len(lat)} searches: p50 {pct(0.5):.2f} ms, p99 {pct(0.99):.2f} ms, max {pct(1.0):.2f} ms; "
              f"just-acknowledged planted vectors lost: {len(self.misses)} of {len(self.delays)} "
              f"(missed by the graph at its ef_search, found at 2000: {len(self.graph_misses)}); "
              f"older ones not in the top 10 (the index's recall): {len(self.recheck_misses)} of {self.rechecks}; "
              f"request errors: {self.errors}; ack-to-search delay max {max(self.delays, default=0) * 1000:.0f} ms", flush=True)
        for miss in self.misses[:5]:
            print(f"  missed {miss[0]}: top hit {miss[1]}")


def upload(url, library, body_path, watcher, stop_after=None):
    """Streams the body (chunked) and reads the result lines as they come; returns the
    acknowledged document ids and the time of the last acknowledgement."""
    parts = urllib.parse.urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port))
    sock.sendall((f"POST /v1/libraries/{library}/documents/stream HTTP/1.1\r\nHost: {parts.hostname}\r\n"
                  "Content-Type: application/x-ndjson\r\nAccept: application/x-ndjson\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n").encode())

    def send():
        try:
            with open(body_path, "rb") as f:
                while chunk := f.read(256 * 1024):
                    sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    acked, failed, last_ack = [], 0, None
    reader = sock.makefile("rb")
    try:
        status = reader.readline()
        if b" 200 " not in status:
            raise SystemExit(f"upload answered {status!r}")
        while reader.readline() not in (b"\r\n", b""):
            pass
        pending = b""
        while True:
            size_line = reader.readline()
            if not size_line:
                break
            size = int(size_line.strip() or b"0", 16)
            if size == 0:
                break
            pending += reader.read(size)
            reader.readline()
            *lines, pending = pending.split(b"\n")
            now = time.time()
            for line in lines:
                if not line:
                    continue
                result = json.loads(line)
                if "summary" in result or "error" in result:
                    continue
                if result.get("error") is None and result.get("document_id"):
                    acked.append(result["document_id"])
                    watcher.acknowledged(result["document_id"], now)
                    last_ack = now
                else:
                    failed += 1
            if stop_after and len(acked) >= stop_after:
                return acked, failed, last_ack
    except (OSError, ValueError):
        pass
    return acked, failed, last_ack


def wait_indexed(url, library):
    started = time.time()
    while True:
        statistics = call(url, "GET", f"/v1/libraries/{library}/statistics")
        if statistics["pending_index_vectors"] == 0:
            return time.time() - started, statistics
        time.sleep(0.2)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url")
    parser.add_argument("--binary")
    parser.add_argument("--data-dir")
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--dim", type=int, default=50)
    parser.add_argument("--plant", type=int, default=997)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--kill-after", type=int)
    parser.add_argument("--index-params", default="{}")
    args = parser.parse_args()

    body_path = os.path.join(tempfile.gettempdir(), f"arrwdb-upload-{args.n}-{args.dim}-{args.plant}-{args.seed}.ndjson")
    planted_path = body_path + ".planted.json"
    if not os.path.exists(planted_path):
        print(f"writing {body_path} ...", flush=True)
        planted = write_body(body_path, args.n, args.dim, args.plant, args.seed)
        json.dump(planted, open(planted_path, "w"))
    planted = json.load(open(planted_path))
    print(f"{args.n} documents ({os.path.getsize(body_path) / 1e6:.0f} MB), {len(planted)} planted vectors", flush=True)

    server = None
    if args.binary:
        data_dir = args.data_dir or tempfile.mkdtemp(prefix="arrwdb-upload-")
        server = Server(os.path.abspath(args.binary), data_dir)
        server.start()
        url = f"http://127.0.0.1:{server.port}"
    else:
        url = args.url or "http://127.0.0.1:8000"
    try:
        library = call(url, "POST", "/v1/libraries", {"name": f"upload-{int(time.time())}", "index_type": "hnsw",
                                                      "metric": "cosine", "dimension": args.dim,
                                                      "index_params": json.loads(args.index_params)})["id"]
        watcher = Watcher(url, library, planted)
        watcher.start()
        started = time.time()
        acked, failed, last_ack = upload(url, library, body_path, watcher, stop_after=args.kill_after)
        elapsed = (last_ack or time.time()) - started
        print(f"[upload] {len(acked)} acknowledged, {failed} failed in {elapsed:.1f} s = {len(acked) / elapsed:.0f} documents/s",
              flush=True)
        if args.kill_after:
            server.kill()
            watcher.stopping.set()
            watcher.join()
            watcher.report("during the upload")
            print(f"[crash] SIGKILL after {len(acked)} acknowledged documents", flush=True)
            recovery = server.start()
            statistics = call(url, "GET", f"/v1/libraries/{library}/statistics")
            print(f"[restart] answering after {recovery:.1f} s: {statistics['document_count']} documents, "
                  f"{statistics['pending_index_vectors']} vectors waiting for the index", flush=True)
            after = Watcher(url, library, planted)
            for document_id in acked:
                after.acknowledged(document_id, time.time())
            after.start()
            stored, cursor = set(), None
            while True:
                page = call(url, "GET", f"/v1/libraries/{library}/documents?limit=1000" + (f"&cursor={cursor}" if cursor else ""))
                stored.update(d["id"] for d in page["documents"])
                cursor = page.get("next_cursor")
                if not cursor:
                    break
            lost = [d for d in acked if d not in stored]
            print(f"[restart] {len(stored)} documents stored; acknowledged but lost: {len(lost)} {lost[:5]}", flush=True)
            seconds, statistics = wait_indexed(url, library)
            time.sleep(0.3)
            after.stopping.set()
            after.join()
            after.report("after the restart")
            print(f"[restart] the builder indexed the tail in {seconds:.1f} s", flush=True)
            ok = not lost and not after.misses and not watcher.misses
        else:
            seconds, statistics = wait_indexed(url, library)
            watcher.stopping.set()
            watcher.join()
            watcher.report("during the upload")
            print(f"[index] every vector indexed {seconds:.1f} s after the upload ended "
                  f"({len(acked) / (elapsed + seconds):.0f} documents/s including the index)", flush=True)
            ok = not watcher.misses and len(acked) == args.n
        print("PASS" if ok else "FAIL", flush=True)
        sys.exit(0 if ok else 1)
    finally:
        if server:
            server.stop()


if __name__ == "__main__":
    main()
