#!/usr/bin/env bash
# Runs a real, local Label Studio (open-source build) for ExportGateway's live conformance suite.
#
#   scripts/label-studio.sh start         install (cached) + start on a free loopback port with a fresh
#                                         data dir, get a personal access token, seed two projects, then
#                                         print the environment the live tests read
#   scripts/label-studio.sh env [DIR]     print that environment again
#   scripts/label-studio.sh stop [DIR]    stop the server and remove its data dir
#
# Use it as:
#   eval "$(scripts/label-studio.sh start)"
#   swift test --filter conformance
#   scripts/label-studio.sh stop
#
# `start` prints, on stdout only, `export NAME=value` lines (also written, mode 0600, to
# $LABEL_STUDIO_DATA_DIR/label-studio.env): LABEL_STUDIO_URL, LABEL_STUDIO_API_KEY (a personal access
# token, i.e. a JWT refresh token), EXPORT_GATEWAY_LIVE_DATASET (the id of the seeded bounding-box
# project), EXPORT_GATEWAY_LIVE_WRITES=1, LABEL_STUDIO_PID, LABEL_STUDIO_DATA_DIR and
# LABEL_STUDIO_TEXT_PROJECT (the id of the seeded text project). Progress and timings go to stderr and
# never contain the token or the password.
#
# `stop` and `env` find the server from LABEL_STUDIO_DATA_DIR (set by the eval above), else from the
# DIR argument, else from the last `start` recorded in $LS_CACHE/label-studio.current.
#
# Settings (environment, defaults in brackets):
#   LS_VERSION          label-studio version                                    [1.23.2]
#   LS_PYTHON           python that creates the virtualenv                      [python3]
#   LS_CACHE            cache folder                                            [${XDG_CACHE_HOME:-$HOME/.cache}/export-gateway]
#   LS_VENV             virtualenv, reused when it holds LS_VERSION             [$LS_CACHE/label-studio-venv]
#   LS_PORT             port; empty picks a free one. A busy port is refused (label-studio itself would
#                       silently move on to port+1)                            []
#   LS_HEALTH_TIMEOUT   seconds to wait for GET /health                         [300]
#   LS_SEED_TASKS       tasks in the bounding-box project                       [250]
#   LS_SEED_ANNOTATED   of them, how many get annotations                       [100]
#   LS_SEED_PREDICTED   of them, how many get a prediction                      [50]
#   LS_SEED_TEXT_TASKS  tasks in the text classification project                [60]
#   LS_SEED_TEXT_ANNOTATED / LS_SEED_TEXT_PREDICTED                             [30 / 20]
#   LS_KEEP_FAILED=1    keep the data dir (log, database) when `start` fails    [0]
set -euo pipefail

readonly LS_VERSION=${LS_VERSION:-1.23.2}
readonly LS_PYTHON=${LS_PYTHON:-python3}
readonly LS_CACHE=${LS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/export-gateway}
readonly LS_VENV=${LS_VENV:-$LS_CACHE/label-studio-venv}
readonly LS_PORT=${LS_PORT:-}
readonly LS_HEALTH_TIMEOUT=${LS_HEALTH_TIMEOUT:-300}
readonly LS_SEED_TASKS=${LS_SEED_TASKS:-250}
readonly LS_SEED_ANNOTATED=${LS_SEED_ANNOTATED:-100}
readonly LS_SEED_PREDICTED=${LS_SEED_PREDICTED:-50}
readonly LS_SEED_TEXT_TASKS=${LS_SEED_TEXT_TASKS:-60}
readonly LS_SEED_TEXT_ANNOTATED=${LS_SEED_TEXT_ANNOTATED:-30}
readonly LS_SEED_TEXT_PREDICTED=${LS_SEED_TEXT_PREDICTED:-20}
readonly LS_KEEP_FAILED=${LS_KEEP_FAILED:-0}

readonly CURRENT_FILE=$LS_CACHE/label-studio.current # data dir of the last `start`
readonly MARKER=.export-gateway-label-studio           # proves a folder is ours before `stop` deletes it
readonly ADMIN_EMAIL=export-gateway@example.com
readonly VENV_STAMP=.export-gateway-installed

log() { printf '[label-studio %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}
usage() {
    sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# ---------------------------------------------------------------- install

# True when $LS_VENV holds a finished install of $LS_VERSION.
venv_ready() {
    [ -f "$LS_VENV/$VENV_STAMP" ] && [ -x "$LS_VENV/bin/label-studio" ] && [ -x "$LS_VENV/bin/python" ] &&
        [ "$("$LS_VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("label-studio"))' 2>/dev/null)" = "$LS_VERSION" ]
}

install() {
    local t0=$SECONDS
    if venv_ready; then
        log "reusing $LS_VENV (label-studio $LS_VERSION)"
        return
    fi
    command -v "$LS_PYTHON" >/dev/null 2>&1 ||
        die "'$LS_PYTHON' is not on PATH. Install Python 3.10+ (Debian: apt-get install python3 python3-venv) or set LS_PYTHON."
    "$LS_PYTHON" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 10))' 2>/dev/null ||
        die "'$LS_PYTHON' ($("$LS_PYTHON" --version 2>&1)) cannot create a virtualenv with pip, or is older than 3.10. Debian: apt-get install python3-venv; or set LS_PYTHON to another python3."
    mkdir -p "$(dirname "$LS_VENV")"
    if [ -e "$LS_VENV" ]; then
        [ -f "$LS_VENV/pyvenv.cfg" ] || die "$LS_VENV exists and is not a virtualenv; move it away or set LS_VENV."
        log "$LS_VENV is unfinished or holds another label-studio version; recreating it"
        rm -rf -- "$LS_VENV"
    fi
    log "installing label-studio==$LS_VERSION into $LS_VENV (about 1 GB, 1-2 minutes)"
    local pip_log
    pip_log=$(mktemp "${TMPDIR:-/tmp}/label-studio-pip.XXXXXX")
    if ! { "$LS_PYTHON" -m venv "$LS_VENV" &&
        "$LS_VENV/bin/python" -m pip install --quiet --upgrade pip &&
        "$LS_VENV/bin/python" -m pip install --quiet "label-studio==$LS_VERSION"; } >"$pip_log" 2>&1; then
        tail -n 30 "$pip_log" >&2
        rm -f -- "$pip_log"
        rm -rf -- "$LS_VENV"
        die "installing label-studio==$LS_VERSION failed (pip's last lines above). Check that the package index is reachable (pip config list) and that there is 1 GB free under $(dirname "$LS_VENV"); then run start again."
    fi
    rm -f -- "$pip_log"
    local got
    got=$("$LS_VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("label-studio"))')
    [ "$got" = "$LS_VERSION" ] || die "pip installed label-studio $got, not $LS_VERSION"
    touch "$LS_VENV/$VENV_STAMP"
    log "installed in $((SECONDS - t0)) s"
}

# Serializes installs into one venv (two CI jobs on one machine) where flock exists.
install_locked() {
    mkdir -p "$LS_CACHE"
    if command -v flock >/dev/null 2>&1; then
        local fd
        exec {fd}>"$LS_CACHE/label-studio-venv.lock"
        flock "$fd"
        install
        exec {fd}>&-
    else
        install
    fi
}

# ---------------------------------------------------------------- helpers in the venv's Python (stdlib only)

py() { "$LS_VENV/bin/python" - "$@"; }

# Prints a port that is free on 127.0.0.1 and on localhost (label-studio checks the latter).
free_port() {
    py <<'EOF'
import socket
for _ in range(50):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    busy = False
    for family, addr in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        try:
            with socket.socket(family, socket.SOCK_STREAM) as c:
                c.settimeout(1)
                busy = busy or c.connect_ex((addr, port)) == 0
        except OSError:
            pass
    if not busy:
        print(port)
        raise SystemExit(0)
raise SystemExit("no free loopback port found in 50 tries")
EOF
}

# Exit 0 when something answers on the port (127.0.0.1 or localhost).
port_busy() {
    py "$1" <<'EOF'
import socket, sys
port = int(sys.argv[1])
for host in ("127.0.0.1", "localhost"):
    try:
        with socket.create_connection((host, port), timeout=1):
            sys.exit(0)
    except OSError:
        pass
sys.exit(1)
EOF
}

# Waits for GET /health == 200. Exit 0 healthy, 2 the process died, 3 timed out.
wait_healthy() {
    py "$1" "$2" "$3" <<'EOF'
import os, subprocess, sys, time, urllib.request
url, pid, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

def alive():
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a dead child not yet reaped by the shell still answers kill -0
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        out = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True).stdout
        return out.strip() != "" and not out.strip().startswith("Z")

deadline = time.monotonic() + timeout
while True:
    try:
        with opener.open(url + "/health", timeout=5) as r:
            if r.status == 200:
                sys.exit(0)
    except Exception:
        pass
    if not alive():
        sys.exit(2)
    if time.monotonic() >= deadline:
        sys.exit(3)
    time.sleep(1)
EOF
}

# Route A of label-studio.md 1.4: session login, personal access token, seed both projects, check them.
# Reads LS_* from the environment; prints three lines: the PAT, the bbox project id, the text project id.
seed() {
    py <<'EOF'
import http.cookiejar, json, os, re, sys, time, urllib.error, urllib.parse, urllib.request

URL = os.environ["LS_URL"]
t_start = time.monotonic()

def log(msg):
    print(f"[label-studio {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr)

def fail(msg):
    log("error: " + msg)
    sys.exit(1)

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

jar = http.cookiejar.CookieJar()
session = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect, urllib.request.HTTPCookieProcessor(jar))
plain = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect)

def call(method, path, body=None, headers=None, opener=plain, form=False):
    headers = dict(headers or {})
    data = None
    if body is not None:
        if form:
            data = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
    req = urllib.request.Request(URL + path, data=data, method=method, headers=headers)
    try:
        with opener.open(req, timeout=300) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()

def short(raw):
    return raw[:300].decode("utf-8", "replace")

# --- credential: log in like a browser (CSRF field + cookie), then mint a personal access token
st, raw = call("GET", "/user/login/", opener=session)
m = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', raw)
if st != 200 or not m:
    fail(f"GET /user/login/ answered HTTP {st} without a csrfmiddlewaretoken field; the server is not the expected Label Studio")
st, raw = call("POST", "/user/login/",
               {"csrfmiddlewaretoken": m.group(1).decode(), "email": os.environ["LS_ADMIN_EMAIL"],
                "password": os.environ["LS_ADMIN_PASSWORD"]},
               headers={"Referer": URL + "/user/login/"}, opener=session, form=True)
if st != 302:
    fail(f"POST /user/login/ answered HTTP {st}, not 302: the admin user was not created or the login form changed (see the server log)")
st, raw = call("GET", "/api/current-user/whoami", opener=session)
if st != 200:
    fail(f"the session login did not stick (whoami HTTP {st})")
st, raw = call("POST", "/api/token/", opener=session)
if st != 201:
    fail(f"POST /api/token/ answered HTTP {st}: {short(raw)}")
pat = json.loads(raw)["token"]

access = None
def refresh():
    global access
    st, raw = call("POST", "/api/token/refresh/", {"refresh": pat})
    if st != 200:
        fail(f"POST /api/token/refresh/ with the new personal access token answered HTTP {st}: {short(raw)}")
    access = json.loads(raw)["access"]

def api(method, path, body=None, retry=True):
    st, raw = call(method, path, body, headers={"Authorization": "Bearer " + access})
    if st == 401 and retry:  # the access token lives 300 s
        refresh()
        return api(method, path, body, retry=False)
    if st >= 400:
        fail(f"{method} {path} answered HTTP {st}: {short(raw)}")
    return json.loads(raw) if raw else None

refresh()
who = api("GET", "/api/current-user/whoami")
log(f"personal access token minted for user {who['id']} ({who['email']}) and exchanged for a Bearer access token")

# --- seed
def spread(i, count, total, offset=0):
    """True for `count` of the indices 0..total-1, evenly spread (shifted by offset)."""
    j = (i + offset) % total
    return (j * count) // total != ((j + 1) * count) // total

def ints(name):
    v = int(os.environ[name])
    if v < 0:
        fail(f"{name} must be >= 0")
    return v

def make_project(title, config, tasks):
    pid = api("POST", "/api/projects/", {"title": title, "label_config": config})["id"]
    counts = [0, 0, 0]
    for k in range(0, len(tasks), 1000):
        r = api("POST", f"/api/projects/{pid}/import", tasks[k:k + 1000])
        counts = [counts[0] + r["task_count"], counts[1] + r["annotation_count"], counts[2] + r["prediction_count"]]
    return pid, counts

def check(pid, title, n, n_ann, n_pred, n_ann_total):
    p = api("GET", f"/api/projects/{pid}/")
    got = (p["task_number"], p["num_tasks_with_annotations"], p["total_annotations_number"], p["total_predictions_number"])
    want = (n, n_ann, n_ann_total, n_pred)
    if got != want:
        fail(f'project {pid} "{title}": tasks/annotated tasks/annotations/predictions are {got}, expected {want}')
    log(f'project {pid} "{title}": {n} tasks, {n_ann} annotated ({n_ann_total} annotations), {n_pred} predicted')

def box(rid, i, k, label):
    return {"id": rid, "type": "rectanglelabels", "from_name": "label", "to_name": "image",
            "original_width": 640, "original_height": 480, "image_rotation": 0,
            "value": {"x": 5 + (i * 7 + k * 23) % 60, "y": 10 + (i * 3 + k * 17) % 50, "width": 12.5 + k,
                      "height": 20 + (i % 7), "rotation": 0, "rectanglelabels": [label]}}

# (a) image bounding boxes: the live dataset
n, n_ann, n_pred = ints("LS_SEED_TASKS"), ints("LS_SEED_ANNOTATED"), ints("LS_SEED_PREDICTED")
if n < 1 or n_ann > n or n_pred > n:
    fail("LS_SEED_TASKS must be >= 1 and LS_SEED_ANNOTATED, LS_SEED_PREDICTED at most LS_SEED_TASKS")
labels = ["Car", "Person"]
tasks, ann_total, n_annotated = [], 0, 0
for i in range(n):
    t = {"data": {"image": f"https://images.example.invalid/seed/img_{i:05d}.jpg", "seq": i}}
    if spread(i, n_ann, n):
        # imported annotations default to ground_truth=true; these are ordinary annotations
        anns = [{"ground_truth": False, "lead_time": 2.5 + i % 10,
                 "result": [box(f"a{i}_{k}", i, k, labels[(i + k) % 2]) for k in range(1 + i % 3)]}]
        if n_annotated % 10 == 3:  # a second annotator on every 10th annotated task
            anns.append({"ground_truth": False, "result": [box(f"b{i}", i, 5, labels[i % 2])]})
        t["annotations"] = anns
        ann_total += len(anns)
        n_annotated += 1
    if spread(i, n_pred, n, offset=n // 3):
        t["predictions"] = [{"model_version": "seed-v1", "score": round(0.5 + (i % 50) / 100, 2),
                             "result": [dict(box(f"p{i}", i, 0, labels[i % 2]), score=0.8)]}]
    tasks.append(t)
bbox_title = "ExportGateway live: image boxes"
bbox, _ = make_project(bbox_title, '<View><Image name="image" value="$image"/><RectangleLabels name="label" toName="image">'
                       '<Label value="Car"/><Label value="Person"/></RectangleLabels></View>', tasks)
check(bbox, bbox_title, n, n_ann, n_pred, ann_total)
st, raw = call("GET", f"/api/tasks/?project={bbox}&page_size=100&fields=all", headers={"Authorization": "Bearer " + access})
gts = {a["ground_truth"] for t in json.loads(raw)["tasks"] for a in t.get("annotations", [])} if st == 200 else None
if st != 200 or (n_ann and gts != {False}):
    fail(f"imported annotations should all have ground_truth false; GET /api/tasks/ answered HTTP {st}, ground_truth values {gts}")

# (b) text classification
n, n_ann, n_pred = ints("LS_SEED_TEXT_TASKS"), ints("LS_SEED_TEXT_ANNOTATED"), ints("LS_SEED_TEXT_PREDICTED")
if n < 1 or n_ann > n or n_pred > n:
    fail("LS_SEED_TEXT_TASKS must be >= 1 and LS_SEED_TEXT_ANNOTATED, LS_SEED_TEXT_PREDICTED at most LS_SEED_TEXT_TASKS")
choices = ["Positive", "Negative", "Neutral"]
words = ["great", "awful", "fine", "slow", "friendly", "broken", "ok", "excellent"]
tasks = []
for i in range(n):
    t = {"data": {"text": f"Review {i}: the service was {words[i % 8]} and the delivery {words[(i * 3 + 1) % 8]}.", "seq": i}}
    if spread(i, n_ann, n):
        t["annotations"] = [{"ground_truth": False, "result": [{"id": f"c{i}", "type": "choices", "from_name": "sentiment",
                                                               "to_name": "text", "value": {"choices": [choices[i % 3]]}}]}]
    if spread(i, n_pred, n, offset=n // 2):
        t["predictions"] = [{"model_version": "sentiment-v1", "score": 0.75, "result": [
            {"id": f"q{i}", "type": "choices", "from_name": "sentiment", "to_name": "text", "value": {"choices": [choices[(i + 1) % 3]]}}]}]
    tasks.append(t)
text_title = "ExportGateway live: text sentiment"
text, _ = make_project(text_title, '<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text" choice="single">'
                       '<Choice value="Positive"/><Choice value="Negative"/><Choice value="Neutral"/></Choices></View>', tasks)
check(text, text_title, n, n_ann, n_pred, n_ann)

# one completed snapshot, so that listing exports finds something before any test creates one
snap = api("POST", f"/api/projects/{bbox}/exports/", {"title": "seed snapshot"})
if snap.get("status") != "completed":
    fail(f"the seed snapshot of project {bbox} ended {snap.get('status')!r}, not 'completed'")
log(f"snapshot {snap['id']} of project {bbox}: completed")
log(f"token and seeding took {time.monotonic() - t_start:.1f} s")
print(pat)
print(bbox)
print(text)
EOF
}

# ---------------------------------------------------------------- the server's data dir

# The data dir for `stop`/`env`: argument, else $LABEL_STUDIO_DATA_DIR, else the last `start`.
resolve_data_dir() {
    local dir=${1:-${LABEL_STUDIO_DATA_DIR:-}}
    if [ -z "$dir" ] && [ -f "$CURRENT_FILE" ]; then
        dir=$(cat "$CURRENT_FILE")
    fi
    printf '%s' "$dir"
}

# True when $1 is a live label-studio process (not a zombie, not a recycled pid).
is_our_server() {
    local pid=$1 stat args
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    if [ -d /proc/self ]; then # Linux, also without procps; a zombie's cmdline is empty
        args=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
    else
        stat=$(ps -o stat= -p "$pid" 2>/dev/null) || return 1
        [[ $stat != Z* ]] || return 1
        args=$(ps -o args= -p "$pid" 2>/dev/null) || return 1
    fi
    [[ $args == *label-studio*start* ]]
}

stop_pid() {
    local pid=$1
    if ! is_our_server "$pid"; then
        log "no label-studio server is running as pid $pid"
        return
    fi
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
        is_our_server "$pid" || break
        sleep 0.2
    done
    if is_our_server "$pid"; then
        log "pid $pid ignored SIGTERM for 10 s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        for _ in $(seq 1 25); do
            is_our_server "$pid" || break
            sleep 0.2
        done
        is_our_server "$pid" && die "pid $pid survived SIGKILL; check it with: ps -o pid,stat,args -p $pid"
    fi
    log "stopped label-studio (pid $pid)"
}

remove_data_dir() {
    local dir=$1
    if [ -f "$dir/$MARKER" ]; then
        rm -rf -- "$dir"
        log "removed $dir"
    else
        log "not removing $dir: it has no $MARKER, so this script did not create it"
    fi
    if [ -f "$CURRENT_FILE" ] && [ "$(cat "$CURRENT_FILE")" = "$dir" ]; then
        rm -f -- "$CURRENT_FILE"
    fi
}

cmd_stop() {
    local dir
    dir=$(resolve_data_dir "${1:-}")
    if [ -z "$dir" ]; then
        log "nothing to stop: LABEL_STUDIO_DATA_DIR is unset and no start is recorded in $CURRENT_FILE"
        return
    fi
    if [ ! -d "$dir" ]; then
        log "nothing to stop: $dir does not exist (already stopped?)"
        [ -f "$CURRENT_FILE" ] && [ "$(cat "$CURRENT_FILE")" = "$dir" ] && rm -f -- "$CURRENT_FILE"
        return
    fi
    if [ -f "$dir/label-studio.pid" ]; then
        stop_pid "$(cat "$dir/label-studio.pid")"
    fi
    remove_data_dir "$dir"
}

cmd_env() {
    local dir
    dir=$(resolve_data_dir "${1:-}")
    if [ -z "$dir" ] || [ ! -f "$dir/label-studio.env" ]; then
        die "no environment found (data dir '${dir:-unset}'); run: eval \"\$(scripts/label-studio.sh start)\""
    fi
    cat "$dir/label-studio.env"
}

# ---------------------------------------------------------------- start

DATA_DIR=
SERVER_PID=
START_OK=0

on_start_exit() {
    [ "$START_OK" = 1 ] && return
    if [ -n "$SERVER_PID" ]; then
        stop_pid "$SERVER_PID" || true
    fi
    if [ -n "$DATA_DIR" ] && [ -d "$DATA_DIR" ]; then
        if [ "$LS_KEEP_FAILED" = 1 ]; then
            log "start failed; kept $DATA_DIR (log: $DATA_DIR/label-studio.log). Remove it with: scripts/label-studio.sh stop $DATA_DIR"
        else
            remove_data_dir "$DATA_DIR"
            log "start failed; rerun with LS_KEEP_FAILED=1 to keep the data dir and the server log"
        fi
    fi
}

log_tail() {
    log "last lines of the server log:"
    tail -n 40 "$DATA_DIR/label-studio.log" | sed 's/^/    /' >&2
}

cmd_start() {
    local t_all=$SECONDS
    if [ -n "$LS_PORT" ] && { ! [[ $LS_PORT =~ ^[1-9][0-9]{0,4}$ ]] || ((LS_PORT > 65535)); }; then
        die "LS_PORT must be a port number from 1 to 65535, not '$LS_PORT'"
    fi
    install_locked

    local port
    if [ -n "$LS_PORT" ]; then
        if port_busy "$LS_PORT"; then
            die "port $LS_PORT is already in use on 127.0.0.1 or localhost (label-studio would silently move to the next port). Stop what listens there, or unset LS_PORT to pick a free port."
        fi
        port=$LS_PORT
    else
        port=$(free_port) || die "could not find a free loopback port"
    fi

    trap on_start_exit EXIT
    trap 'exit 143' TERM # e.g. from timeout(1): still stop the server and clean up
    trap 'exit 130' INT
    DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/label-studio-data.XXXXXX")
    touch "$DATA_DIR/$MARKER"
    mkdir -p "$LS_CACHE"
    printf '%s\n' "$DATA_DIR" >"$CURRENT_FILE"

    local password url=http://127.0.0.1:$port
    password=$(py <<<'import secrets; print(secrets.token_urlsafe(24))')
    (umask 077 && printf '%s\n' "$password" >"$DATA_DIR/admin-password")

    log "starting label-studio $LS_VERSION on $url, data dir $DATA_DIR (log: $DATA_DIR/label-studio.log)"
    local t_start=$SECONDS
    (
        # Nothing from the caller's environment steers the server: label-studio reads LABEL_STUDIO_*,
        # HEARTEX_* and even plain HOST, PORT, USERNAME, PASSWORD, USER_TOKEN.
        while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -E '^(LABEL_STUDIO_|HEARTEX_|DJANGO_)' || true)
        unset HOST PORT USERNAME PASSWORD USER_TOKEN SENTRY_DSN FRONTEND_SENTRY_DSN
        export LABEL_STUDIO_BASE_DATA_DIR=$DATA_DIR
        export LABEL_STUDIO_LATEST_VERSION_CHECK=false # else every start asks the package index (10 s timeout)
        export SENTRY_DSN='' FRONTEND_SENTRY_DSN=''    # the open-source settings default to a real Sentry DSN
        export LABEL_STUDIO_COLLECT_ANALYTICS=false
        export LABEL_STUDIO_PASSWORD=$password # not on the command line, where ps would show it
        exec nohup "$LS_VENV/bin/label-studio" start --no-browser --internal-host 127.0.0.1 --port "$port" \
            --username "$ADMIN_EMAIL" >"$DATA_DIR/label-studio.log" 2>&1 </dev/null
    ) &
    SERVER_PID=$!
    printf '%s\n' "$SERVER_PID" >"$DATA_DIR/label-studio.pid"

    local status=0
    wait_healthy "$url" "$SERVER_PID" "$LS_HEALTH_TIMEOUT" || status=$?
    case $status in
    0) ;;
    2)
        log_tail
        die "label-studio exited before answering $url/health (log above). Fix the cause, then run start again."
        ;;
    *)
        log_tail
        die "label-studio did not answer $url/health with 200 within $LS_HEALTH_TIMEOUT s (log above). On a slow machine raise LS_HEALTH_TIMEOUT."
        ;;
    esac
    local t_healthy=$((SECONDS - t_start))
    # label-studio moves to another port, without failing, when it finds its port busy; make sure the
    # server that answered is ours.
    grep -q "127.0.0.1:$port" "$DATA_DIR/label-studio.log" || {
        log_tail
        die "the server log does not show label-studio on port $port: something else may answer there. Run start again."
    }
    log "healthy after $t_healthy s (pid $SERVER_PID)"

    local t_seed=$SECONDS seeded
    export LS_SEED_TASKS LS_SEED_ANNOTATED LS_SEED_PREDICTED LS_SEED_TEXT_TASKS LS_SEED_TEXT_ANNOTATED LS_SEED_TEXT_PREDICTED
    seeded=$(LS_URL=$url LS_ADMIN_EMAIL=$ADMIN_EMAIL LS_ADMIN_PASSWORD=$password seed) || {
        log_tail
        die "getting a token or seeding failed (message above)"
    }
    local -a lines
    mapfile -t lines <<<"$seeded"
    [ "${#lines[@]}" = 3 ] || die "seeding printed ${#lines[@]} lines, expected 3"

    local env_file=$DATA_DIR/label-studio.env
    (
        umask 077
        printf 'export %s=%q\n' \
            LABEL_STUDIO_URL "$url" \
            LABEL_STUDIO_API_KEY "${lines[0]}" \
            EXPORT_GATEWAY_LIVE_DATASET "${lines[1]}" \
            EXPORT_GATEWAY_LIVE_WRITES 1 \
            LABEL_STUDIO_PID "$SERVER_PID" \
            LABEL_STUDIO_DATA_DIR "$DATA_DIR" \
            LABEL_STUDIO_TEXT_PROJECT "${lines[2]}" >"$env_file"
    )
    chmod 600 "$env_file"
    START_OK=1
    log "ready in $((SECONDS - t_all)) s (seeding $((SECONDS - t_seed)) s). Environment written to $env_file; stop with: scripts/label-studio.sh stop"
    cat "$env_file"
}

case ${1:-} in
start)
    [ $# -eq 1 ] || usage
    cmd_start
    ;;
stop)
    [ $# -le 2 ] || usage
    cmd_stop "${2:-}"
    ;;
env)
    [ $# -le 2 ] || usage
    cmd_env "${2:-}"
    ;;
*) usage ;;
esac
