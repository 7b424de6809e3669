"""Streams a Labelbox dataset export's rows with the official labelbox SDK, as its docs show.

Usage: labelbox_stream.py GRAPHQL_ENDPOINT API_KEY DATASET_ID
Prints one JSON object: rows, seconds of the stream phase (get_buffered_stream, after the
export finished), the first row's delay, whole-run seconds and peak RSS in bytes.
"""
import json
import resource
import sys
import time

import labelbox as lb

endpoint, key, dataset_id = sys.argv[1:4]
started = time.perf_counter()
client = lb.Client(api_key=key, endpoint=endpoint)
task = client.get_dataset(dataset_id).export()
task.wait_till_done()
stream_started = time.perf_counter()
first_row = None
rows = 0
for _ in task.get_buffered_stream():
    if rows == 0:
        first_row = time.perf_counter() - stream_started
    rows += 1
ended = time.perf_counter()
print(json.dumps({
    "rows": rows,
    "seconds": ended - stream_started,
    "first_row_seconds": first_row,
    "total_seconds": ended - started,
    "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
}))
