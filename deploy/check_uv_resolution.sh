#!/usr/bin/env bash
# Does requirements.txt resolve the same under uv (Streamlit Community Cloud's installer) as under pip?
#
# PyTorch's CPU index carries not only torch but numpy, filelock, jinja2, ... in its own, often older,
# versions. pip merges all indexes and takes the best version; uv's default index strategy
# ("first-index") takes each package ONLY from the first index that has it, and an --extra-index-url comes
# before PyPI. This script serves a local index laid out like https://download.pytorch.org/whl/cpu
# (torch 2.13.0+cpu, plus OLDER numpy/filelock/jinja2/... downloaded from PyPI) on 127.0.0.1, points
# requirements.txt at it (temp copies only) and prints what `pip install` and `uv pip install` would
# install (dry runs, nothing installed):
#   A. requirements.txt as it was: --extra-index-url <torch cpu index>
#   A2. the same without the numpy pin: what uv then takes silently from the CPU index
#   B. requirements.txt as it is now: --find-links <the torch page of that index>
#
#   deploy/check_uv_resolution.sh          (PYTHON=python3.11 UV=uv TORCH_WHEEL=path/to/torch+cpu.whl)
# Output recorded in deploy/README.md. Needs PyPI for the rest of the packages.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
UV="${UV:-uv}"
TORCH_WHEEL="${TORCH_WHEEL:-$(ls /opt/wheels/torch-2.13.0+cpu-cp311-*.whl 2>/dev/null | head -1)}"
[[ -f "$TORCH_WHEEL" ]] || { echo "set TORCH_WHEEL to a torch-2.13.0+cpu cp311 wheel" >&2; exit 2; }
# What the CPU index also serves, in versions older than ours (torch's own minimums still hold).
OLDER=(numpy==2.2.6 filelock==3.13.1 jinja2==3.1.4 MarkupSafe==2.1.5 typing_extensions==4.12.2
       sympy==1.13.3 mpmath==1.3.0 networkx==3.3 fsspec==2024.6.1)

WORK="$(mktemp -d -t embedviz-uv.XXXXXX)"
SERVER=""
cleanup() { [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

# pip and uv without this machine's own pip settings (local mirrors, find-links, constraints).
clean_pip() { env -u PIP_FIND_LINKS -u PIP_CONSTRAINT PIP_CONFIG_FILE=/dev/null "$PYTHON" -m pip --isolated --disable-pip-version-check "$@"; }

# 1. The local index: one folder per project (PEP 503 names), served as directory listings.
INDEX="$WORK/whl/cpu"
mkdir -p "$INDEX/torch" "$WORK/download"
ln -s "$TORCH_WHEEL" "$INDEX/torch/$(basename "$TORCH_WHEEL")"
clean_pip download -q --no-deps --only-binary :all: --python-version 3.11 \
  --platform manylinux_2_17_x86_64 -d "$WORK/download" "${OLDER[@]}"
for wheel in "$WORK/download"/*.whl; do
  name="$(basename "$wheel" | cut -d- -f1 | tr 'A-Z_.' 'a-z--')"
  mkdir -p "$INDEX/$name" && mv "$wheel" "$INDEX/$name/"
done
PORT="$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$PYTHON" -m http.server --bind 127.0.0.1 --directory "$WORK" "$PORT" >/dev/null 2>&1 &
SERVER=$!
until curl -fs "http://127.0.0.1:$PORT/whl/cpu/" >/dev/null; do sleep 0.2; done
echo "local CPU index: http://127.0.0.1:$PORT/whl/cpu/ with: $(ls "$INDEX" | tr '\n' ' ')"

# 2. The two forms of requirements.txt, pointing at the local index instead of PyTorch's.
grep -v -e '^--extra-index-url' -e '^--find-links' "$ROOT/requirements.txt" >"$WORK/pins.txt"
{ echo "--extra-index-url http://127.0.0.1:$PORT/whl/cpu"; cat "$WORK/pins.txt"; } >"$WORK/A.txt"
grep -v '^numpy==' "$WORK/A.txt" >"$WORK/A2.txt"
{ echo "--find-links http://127.0.0.1:$PORT/whl/cpu/torch/"; cat "$WORK/pins.txt"; } >"$WORK/B.txt"

"$UV" venv -q -p "$PYTHON" "$WORK/venv"
show() {  # the versions that matter, from "name==version" lines
  grep -iE '^(torch|numpy|filelock|jinja2|sympy|networkx|typing-extensions)==' | sort | tr '\n' ' '
  echo
}
for variant in A A2 B; do
  echo "== $variant: $(head -1 "$WORK/$variant.txt" | sed "s/$PORT/PORT/")$([[ $variant == A2 ]] && echo ', no numpy pin')"
  echo -n "pip: "
  if clean_pip install -q --dry-run --ignore-installed --report "$WORK/report.json" -r "$WORK/$variant.txt" \
      >"$WORK/pip.log" 2>&1; then
    "$PYTHON" -c 'import json, sys
for item in json.load(open(sys.argv[1]))["install"]:
    print(item["metadata"]["name"].lower().replace("_", "-") + "==" + item["metadata"]["version"])' \
      "$WORK/report.json" | show
  else
    echo "FAILED: $(grep -m1 -E 'ERROR' "$WORK/pip.log")"
  fi
  echo -n "uv:  "
  if VIRTUAL_ENV="$WORK/venv" "$UV" pip install --dry-run -r "$WORK/$variant.txt" >"$WORK/uv.log" 2>&1; then
    sed -n 's/^ + //p' "$WORK/uv.log" | show
  else
    echo "FAILED: $(grep -v '^ *$' "$WORK/uv.log" | tr '\n' ' ' | sed "s/$PORT/PORT/g" | cut -c1-400)"
  fi
done
