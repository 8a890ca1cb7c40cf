"""Schemathesis hooks for arrwDB: an `application/x-ndjson` body (the document stream upload and
a batch_import job's body) is described as a string of lines, so it is sent as that string."""
import json

import schemathesis


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    if isinstance(value, list):
        return "".join(json.dumps(item) + "\n" for item in value).encode()
    return (json.dumps(value) + "\n").encode()


# CPython 3.11 before 3.11.9 can fail `ast.parse` deep in Hypothesis's own stack ("AST
# constructor recursion depth mismatch", gh-106905); more headroom keeps it from happening.
import sys

sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))
