#!/usr/bin/env python3
"""Runs the README's CI recipes for `vramplan check` (GitHub Actions and GitLab CI) as those
runners would, so they cannot rot: the release archive `cpack` builds stands in for the download
(file:// URL), tests/data/ci-repo for the user's repository. Each job must fail (the fixture has a
failing deployment) with its annotation or JUnit failure.

usage: readme_ci.py SOURCE_DIR BUILD_DIR WORK_DIR
"""
import os
import re
import shutil
import subprocess
import sys

src, build, work = sys.argv[1:4]
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def recipe(name):
    """The YAML block after <!-- ci-recipe NAME --> in the README, as lines."""
    text = open(os.path.join(src, "README.md"), encoding="utf-8").read()
    m = re.search(r"<!-- ci-recipe " + name + r" -->\n```yaml\n(.*?)```", text, re.S)
    if not m:
        sys.exit("README.md has no ci-recipe " + name)
    return m.group(1).split("\n")


def block_after(lines, key):
    """The lines of a `key: |` literal block, dedented."""
    for i, line in enumerate(lines):
        if line.strip() == key + ": |":
            indent = len(line) - len(line.lstrip()) + 2
            out = []
            for l in lines[i + 1:]:
                if l.strip() and len(l) - len(l.lstrip()) < indent:
                    break
                out.append(l[indent:])
            return out
    sys.exit("recipe has no '%s: |' block" % key)


def list_after(lines, key):
    """The `- item` lines under `key:`."""
    for i, line in enumerate(lines):
        if line.strip() == key + ":":
            indent = len(line) - len(line.lstrip())
            out = []
            for l in lines[i + 1:]:
                if l.strip() and len(l) - len(l.lstrip()) <= indent:
                    break
                if l.strip().startswith("- "):
                    out.append(l.strip()[2:])
            return out
    sys.exit("recipe has no '%s:' list" % key)


shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
# The release archive, as `cpack` makes it.
pkg = os.path.join(work, "pkg")
subprocess.run(["cpack", "-G", "TGZ", "-B", pkg, "--config", os.path.join(build, "CPackConfig.cmake")],
               check=True, stdout=subprocess.DEVNULL)
archives = [f for f in os.listdir(pkg) if f.endswith(".tar.gz")]
if len(archives) != 1:
    sys.exit("expected one .tar.gz from cpack, got %s" % archives)
url = "file://" + os.path.join(pkg, archives[0])
env = dict(os.environ, VRAMPLAN_URL=url)

# ---- GitHub Actions: `run: |` under bash -eo pipefail, as the runner runs it.
gh = recipe("github")
repo = os.path.join(work, "github-repo")
shutil.copytree(os.path.join(src, "tests/data/ci-repo"), repo)
runner_temp = os.path.join(work, "runner-temp")
os.makedirs(runner_temp)
script = "\n".join(block_after(gh, "run"))
r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=repo,
                   env=dict(env, RUNNER_TEMP=runner_temp, GITHUB_ACTIONS="true"), capture_output=True, text=True)
if r.returncode != 1:
    fail("github recipe: exit %d, want 1 (a failing deployment)\n%s%s" % (r.returncode, r.stdout, r.stderr))
if "::error file=deploy/batch.sh,line=4," not in r.stdout:
    fail("github recipe: no annotation for deploy/batch.sh line 4:\n" + r.stdout + r.stderr)

# ---- GitLab CI: each `script:` line in turn, the job stopping at the first failure; apt-get is
# checked (the packages it asks for must exist) rather than run, the test has no network.
gl = recipe("gitlab")
repo = os.path.join(work, "gitlab-repo")
shutil.copytree(os.path.join(src, "tests/data/ci-repo"), repo)
shim = os.path.join(work, "shim")
os.makedirs(shim)
with open(os.path.join(shim, "apt-get"), "w") as f:
    f.write('#!/bin/sh\n[ "$1" = update ] && exit 0\nshift\nfor p in "$@"; do case "$p" in -*) ;; *) '
            'dpkg -s "$p" >/dev/null 2>&1 || { echo "apt-get shim: $p is not installed" >&2; exit 1; } ;; esac; done\n')
os.chmod(os.path.join(shim, "apt-get"), 0o755)
gl_env = dict(env, PATH=shim + os.pathsep + env["PATH"], CI_PROJECT_DIR=repo, GITLAB_CI="true")
status = 0
for line in list_after(gl, "script"):
    r = subprocess.run(["sh", "-c", line], cwd=repo, env=gl_env, capture_output=True, text=True)
    status = r.returncode
    if status != 0:
        break
if status != 1:
    fail("gitlab recipe: job exit %d, want 1 (a failing deployment)\n%s%s" % (status, r.stdout, r.stderr))
junit = os.path.join(repo, "vramplan-junit.xml")
if not os.path.exists(junit) or "<failure" not in open(junit).read():
    fail("gitlab recipe: no JUnit failure in vramplan-junit.xml")

print("%d passed, %d failed" % (2 - len({f.split(":")[0] for f in failures}), len({f.split(":")[0] for f in failures})))
sys.exit(1 if failures else 0)
