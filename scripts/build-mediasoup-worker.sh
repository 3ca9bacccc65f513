#!/usr/bin/env bash
# Builds the mediasoup worker from the installed mediasoup package's own C++ sources against
# Debian's system libraries (no downloads), and caches the binary by version outside the checkout.
#
#   scripts/build-mediasoup-worker.sh [path-to-mediasoup-package]
#
# Prints the path of the cached binary on its last line. A second run with the same version is instant.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
pkg=${1:-}
if [ -z "$pkg" ]; then
  pkg=$(cd "$here/packages/sfu" && node -e 'console.log(require("path").dirname(require.resolve("mediasoup/package.json")))')
fi
[ -f "$pkg/package.json" ] || { echo "build-mediasoup-worker: no mediasoup package at '$pkg'" >&2; exit 1; }

version=$(node -p "require('$pkg/package.json').version")
cache_root=${COSMO_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cosmo}
cache_dir="$cache_root/mediasoup-worker-$version"
bin="$cache_dir/mediasoup-worker"

if [ -x "$bin" ] && [ -s "$bin" ]; then
  echo "mediasoup worker $version: cached at $bin"
  echo "$bin"
  exit 0
fi

for tool in meson ninja pkg-config c++; do
  command -v "$tool" >/dev/null || { echo "build-mediasoup-worker: '$tool' is missing; run scripts/setup.sh first" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/cosmo-mediasoup-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "mediasoup worker $version: building from $pkg/worker in $work (takes a few minutes on 2 cores)"
cp -r "$pkg/worker" "$work/worker"
cd "$work/worker"

# Debian bookworm ships meson 1.0.1; the worker's build file asks for 1.1 but needs nothing newer.
sed -i "s/meson_version: '>= 1.1.0'/meson_version: '>= 1.0.0'/" meson.build

# Every subproject is a wrap that downloads sources. Replace each with a local subproject that
# hands back the matching system library, under the variable names the worker's meson.build reads.
rm -f subprojects/*.wrap
sub() { # name, meson body, [options the worker passes, which the subproject must declare]
  mkdir -p "subprojects/$1"
  printf "project('%s', ['c', 'cpp'])\n%s\n" "$1" "$2" >"subprojects/$1/meson.build"
  touch "subprojects/$1/empty.c"
  : >"subprojects/$1/meson_options.txt"
  for opt in ${3:-}; do
    echo "option('$opt', type: 'string', value: '')" >>"subprojects/$1/meson_options.txt"
  done
}
# link_whole only feeds the static library target, which is not built; an empty archive satisfies it.
stub_lib() { echo "$1 = static_library('$1-stub', 'empty.c')"; }

sub openssl "openssl_dep = dependency('openssl')
libcrypto_dep = dependency('libcrypto')
$(stub_lib libcrypto_lib)
$(stub_lib libssl_lib)"
sub nlohmann_json "nlohmann_json_dep = dependency('nlohmann_json')"
sub libuv "libuv_dep = dependency('libuv')
$(stub_lib libuv)" "build_tests build_benchmarks"
sub libsrtp2 "libsrtp2_dep = declare_dependency(dependencies: dependency('libsrtp2'),
  compile_args: ['-I' + dependency('libsrtp2').get_variable(pkgconfig: 'includedir') + '/srtp2'])
$(stub_lib libsrtp2)" "crypto-library crypto-library-kdf tests"
sub usrsctp "usrsctp_dep = dependency('usrsctp')
$(stub_lib usrsctp)" "sctp_build_programs"
absl="['absl_base', 'absl_strings', 'absl_optional', 'absl_variant', 'absl_memory', 'absl_flat_hash_map', 'absl_flat_hash_set', 'absl_btree', 'absl_inlined_vector', 'absl_hash', 'absl_raw_hash_set']"
sub abseil-cpp "absl = []
foreach m : $absl
  absl += dependency(m)
endforeach
absl_container_dep = declare_dependency(dependencies: absl)
absl_strings_dep = absl_container_dep
absl_types_dep = absl_container_dep
$(stub_lib absl_container_lib)"
sub catch2 "catch2_dep = dependency('catch2', required: false)"

meson setup build --buildtype=release -Db_ndebug=true -Db_pie=true -Db_staticpic=true >"$work/meson.log" 2>&1 \
  || { cat "$work/meson.log" >&2; echo "build-mediasoup-worker: meson setup failed (log above)" >&2; exit 1; }

# ninja prints [n/total] per step; show every tenth of the way instead of hundreds of lines.
ninja -C build mediasoup-worker 2>&1 | tee "$work/ninja.log" | while IFS= read -r line; do
  case "$line" in
    \[*/*\]*)
      step=${line#[}; step=${step%%]*}; n=${step%/*}; total=${step#*/}
      pct=$((n * 100 / total))
      if [ $((pct / 10)) -gt "${shown:--1}" ]; then shown=$((pct / 10)); echo "  compiling: $pct% ($n/$total)"; fi ;;
  esac
done
[ -x build/mediasoup-worker ] || { tail -40 "$work/ninja.log" >&2; echo "build-mediasoup-worker: compile failed (log above)" >&2; exit 1; }

mkdir -p "$cache_dir"
install -m 0755 build/mediasoup-worker "$bin.tmp"
mv "$bin.tmp" "$bin"
echo "mediasoup worker $version: built and cached at $bin"
echo "$bin"
