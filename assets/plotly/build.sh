#!/usr/bin/env bash
# Build static/vendor/plotly.min.js (+ .gz, .br) and plotly.css. With Node: a slim esbuild bundle
# from npm's plotly.js. Without Node, or when that build fails: the bundle the plotly Python
# package ships (larger; plotly then injects its own styles, which a strict CSP blocks).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/static/vendor"
python="${PYTHON:-$root/.venv/bin/python}"
mkdir -p "$out"
slim_bundle() {
  local work="$root/build/plotly"
  mkdir -p "$work"
  cp "$here/package.json" "$here/entry.js" "$here/plotly-css.js" "$work/"
  (cd "$work" && npm install --silent --no-audit --no-fund >/dev/null 2>&1 \
    && npx --no-install esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \
         --legal-comments=none --loader:.css=empty --define:global=window \
         --define:define.amd=false --target=es2016 --log-level=warning \
         --outfile="$out/plotly.min.js" \
    && node plotly-css.js "$out/plotly.css")
}

python_package_bundle() {
  echo "Serving the plotly Python package's full bundle (no Node, or the npm build failed)." >&2
  "$python" - "$out" <<'PY'
import shutil, sys
from importlib.resources import files
shutil.copyfile(files("plotly") / "package_data" / "plotly.min.js", f"{sys.argv[1]}/plotly.min.js")
PY
  rm -f "$out/plotly.css"
}

if ! { command -v node >/dev/null && command -v npm >/dev/null && slim_bundle; }; then
  python_package_bundle
fi
"$python" - "$out/plotly.min.js" <<'PY'
import gzip, sys
import brotli
path = sys.argv[1]
data = open(path, "rb").read()
open(path + ".gz", "wb").write(gzip.compress(data, 9))
open(path + ".br", "wb").write(brotli.compress(data, quality=11))
PY
