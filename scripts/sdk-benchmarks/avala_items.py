"""Lists an Avala dataset's items in pages of 1000 with the official avala SDK.

Usage: avala_items.py BASE_URL API_KEY OWNER/SLUG
Prints one JSON object: items, seconds of the listing, client CPU seconds, peak RSS in bytes.
"""
import json
import os
import resource
import sys
import time

os.environ.setdefault("AVALA_ALLOW_INSECURE_BASE_URL", "true")  # the simulator is plain HTTP on loopback
from avala import Client  # noqa: E402

base_url, key, dataset = sys.argv[1:4]
owner, slug = dataset.split("/", 1)
client = Client(api_key=key, base_url=base_url)
cpu_started = time.process_time()
started = time.perf_counter()
items = 0
cursor = None
while True:
    page = client.datasets.list_items(owner, slug, limit=1000, cursor=cursor)
    for _ in page:
        items += 1
    if not page.has_more:
        break
    cursor = page.next_cursor
ended = time.perf_counter()
print(json.dumps({
    "items": items,
    "seconds": ended - started,
    "cpu_seconds": time.process_time() - cpu_started,
    "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
}))
