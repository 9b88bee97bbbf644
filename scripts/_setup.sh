# Sourced by scripts/run and scripts/test: a virtualenv in .venv with the pinned packages, installed once.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  # Install the Debian packages that are missing (quietly); apt-get update once per call.
  # APT_LEAN=1 skips recommended packages (LibreOffice Writer alone, without the rest of the suite).
  # "a|b" is satisfied by either package and installs a when neither is there (packages that conflict).
  local missing=() lean=() pkg alt found
  if [ "${APT_LEAN:-}" = 1 ]; then lean=(--no-install-recommends); fi
  for pkg in "$@"; do
    found=
    for alt in ${pkg//|/ }; do dpkg -s "$alt" >/dev/null 2>&1 && found=1 && break; done
    [ -n "$found" ] || missing+=("${pkg%%|*}")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Cài gói Debian: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${lean[@]}" "${missing[@]}" >/dev/null
  fi
}

PYTHON="${PYTHON:-python3}"
if ! command -v "$PYTHON" >/dev/null; then apt_install python3 python3-venv; fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv 2>/dev/null || { apt_install python3-venv; rm -rf .venv; "$PYTHON" -m venv .venv; }
fi
stamp=".venv/.requirements.sha256"
want="$(cat requirements.txt "$@" 2>/dev/null | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "Cài thư viện Python vào .venv…"
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt $(for f in "$@"; do echo "-r $f"; done)
  echo "$want" > "$stamp"
fi
export PATH="$ROOT/.venv/bin:$PATH"
