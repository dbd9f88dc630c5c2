#!/usr/bin/env bash
# Installs the Debian 12 packages rapport builds with, and only the ones that are missing.
# Idempotent and silent when everything is already there. Needs root or sudo to install.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  librocksdb-dev
  libflatbuffers-dev flatbuffers-compiler
  libasio-dev
  libcli11-dev
  catch2
  nlohmann-json3-dev
  libsodium-dev
  libgoogle-perftools-dev
  clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "rapport: installing missing Debian packages: ${missing[*]}" >&2
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "rapport: not root and no sudo; install these packages and re-run: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
# Try without refreshing the package lists first; refresh only when that fails (fresh machine).
if ! "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
