#!/usr/bin/env python3
"""A local stand-in for the Hugging Face Hub, for vramplan's end-to-end test (tests/hub/hub_e2e.sh).

    fake_hub.py FIXTURES PORT_FILE LOG_FILE

Serves each FIXTURES/ORG--NAME/ directory as the repository ORG/NAME on 127.0.0.1 (an ephemeral
port, written to PORT_FILE), the way the Hub answers `GET /ORG/NAME/resolve/REVISION/FILE`:

* X-Repo-Commit (a sha derived from the repo name) and ETag on every file; REVISION is `main` or
  that sha, anything else is 404 X-Error-Code: RevisionNotFound;
* config.json and the index: 302 to /api/resolve-cache/... on the same host;
* *.safetensors: 302 to the "CDN" http://localhost:PORT/cdn/... (another host name), with
  X-Linked-Etag and X-Linked-Size, then HTTP Range requests answered 206 + Content-Range. A shard
  is synthesised from NAME.safetensors.header.json: 8-byte length, that header, zeros for the data
  (never stored);
* a repo with a GATED file: 401 X-Error-Code: GatedRepo unless `Authorization: Bearer hf_fake_token`;
* a repo with a SLOW file: every answer waits that many seconds first (a Hub that hangs: the
  run's --timeout deadline must end it);
* an unknown repo: 404 X-Error-Code: RepoNotFound; a missing file: 404 EntryNotFound;
* a repo with a CLAIMED_SIZE file: Content-Range totals claim that size (an odd answer, 2^60).

Every request is logged to LOG_FILE as one JSON line: host, path, range, whether an Authorization
header came, the status and the byte range actually sent. Standard library only.
"""
import hashlib
import http.server
import json
import os
import re
import struct
import sys
import time

FIXTURES, PORT_FILE, LOG_FILE = sys.argv[1], sys.argv[2], sys.argv[3]
TOKEN = "hf_fake_token"


def commit_of(repo):
    return hashlib.sha1(repo.encode()).hexdigest()


def file_bytes_info(repo_dir, name):
    """(total size, header bytes (8-byte length + JSON)) of a synthesised shard, or the plain file."""
    header_file = os.path.join(repo_dir, name + ".header.json")
    if name.endswith(".safetensors"):
        if not os.path.isfile(header_file):
            return None
        header = open(header_file, "rb").read().rstrip(b"\n")
        data_len = max((t["data_offsets"][1] for k, t in json.loads(header).items() if k != "__metadata__"), default=0)
        prefix = struct.pack("<Q", len(header)) + header
        return len(prefix) + data_len, prefix
    path = os.path.join(repo_dir, name)
    if not os.path.isfile(path):
        return None
    content = open(path, "rb").read()
    return len(content), content


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def record(self, status, sent=None):
        with open(LOG_FILE, "a") as log:
            log.write(json.dumps({"host": self.headers.get("Host", ""), "path": self.path, "range": self.headers.get("Range"),
                                  "auth": "Authorization" in self.headers, "status": status, "sent": sent}) + "\n")

    def reply(self, status, headers=None, body=b"", sent=None):
        self.record(status, sent)
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def error(self, status, code, message):
        self.reply(status, {"X-Error-Code": code, "X-Error-Message": message, "Content-Type": "application/json"},
                   json.dumps({"error": message}).encode())

    def do_GET(self):
        port = self.server.server_address[1]
        m = re.fullmatch(r"/api/resolve-cache/models/([^/]+)/([^/]+)/([0-9a-f]{40})/(.+)", self.path)
        if m:
            return self.serve_file(m.group(1) + "/" + m.group(2), m.group(4), None)
        m = re.fullmatch(r"/cdn/([^/]+)/([^/]+)/(.+)", self.path)
        if m:
            return self.serve_file(m.group(1) + "/" + m.group(2), m.group(3), None)
        m = re.fullmatch(r"/([^/]+)/([^/]+)/resolve/([^/]+)/(.+)", self.path)
        if not m:
            return self.error(404, "EntryNotFound", "no such route")
        repo, revision, name = m.group(1) + "/" + m.group(2), m.group(3), m.group(4)
        repo_dir = os.path.join(FIXTURES, repo.replace("/", "--"))
        if not os.path.isdir(repo_dir):
            return self.error(404, "RepoNotFound", "Repository Not Found for url: " + self.path)
        slow = os.path.join(repo_dir, "SLOW")
        if os.path.isfile(slow):
            time.sleep(float(open(slow).read()))
        if os.path.isfile(os.path.join(repo_dir, "GATED")) and self.headers.get("Authorization") != "Bearer " + TOKEN:
            return self.error(401, "GatedRepo", "Access to model " + repo + " is restricted")
        commit = commit_of(repo)
        if revision not in ("main", commit):
            return self.error(404, "RevisionNotFound", "Invalid rev id: " + revision)
        info = file_bytes_info(repo_dir, name)
        if info is None:
            return self.error(404, "EntryNotFound", name + " does not exist")
        etag = '"' + hashlib.sha256(info[1]).hexdigest() + '"'
        headers = {"X-Repo-Commit": commit, "ETag": etag}
        if name.endswith(".safetensors"):
            headers["X-Linked-Etag"] = etag
            headers["X-Linked-Size"] = str(info[0])
            headers["Location"] = "http://localhost:%d/cdn/%s/%s" % (port, repo, name)
        else:
            headers["Location"] = "/api/resolve-cache/models/%s/%s/%s" % (repo, commit, name)
        self.reply(302, headers)

    def serve_file(self, repo, name, _):
        info = file_bytes_info(os.path.join(FIXTURES, repo.replace("/", "--")), name)
        if info is None:
            return self.error(404, "EntryNotFound", name + " does not exist")
        total, prefix = info
        etag = '"' + hashlib.sha256(prefix).hexdigest() + '"'
        rng = self.headers.get("Range")
        if rng is None:
            # A whole-file GET (never expected for a shard: the test fails on it); zeros after the header.
            self.record(200, [0, total - 1])
            self.send_response(200)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(total))
            self.end_headers()
            try:
                self.wfile.write(prefix)
                left = total - len(prefix)
                while left > 0:
                    n = min(left, 1 << 20)
                    self.wfile.write(bytes(n))
                    left -= n
            except (BrokenPipeError, ConnectionResetError):
                pass
            return None
        m = re.fullmatch(r"bytes=(\d+)-(\d+)", rng)
        if not m or int(m.group(1)) > int(m.group(2)) or int(m.group(1)) >= total:
            return self.reply(416, {"Content-Range": "bytes */%d" % total})
        start, end = int(m.group(1)), min(int(m.group(2)), total - 1)
        body = (prefix + bytes(max(0, end + 1 - len(prefix))))[start:end + 1]
        claimed = os.path.join(FIXTURES, repo.replace("/", "--"), "CLAIMED_SIZE")
        shown = int(open(claimed).read()) if os.path.isfile(claimed) else total
        self.reply(206, {"ETag": etag, "Content-Range": "bytes %d-%d/%d" % (start, end, shown)}, body, [start, end])


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(PORT_FILE + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(PORT_FILE + ".tmp", PORT_FILE)
server.serve_forever()
