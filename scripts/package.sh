#!/usr/bin/env bash
# Builds tributary's three installable forms into an output folder:
#   tributary-<version>-linux-<arch>.tar.gz   relocatable: bin/, lib/tributary/ with every
#                                             shared library the binary needs except glibc's
#   tributary_<version>_<debarch>.deb         CPack; Depends computed by dpkg-shlibdeps
#   tributary_engine-<version>-py3-none-manylinux_2_<N>_<arch>.whl
#                                             the archive's contents as a Python package with
#                                             a `tributary` command (Databricks environments)
# and writes PLATFORM.txt (the oldest glibc the archive and the wheel run on,
# read from the ELF symbol versions they use). docs/install.md tells users
# how to install each; tests/package/test_package.sh proves them in a clean
# Debian root and a fresh virtual environment.
# Usage: scripts/package.sh [--build-dir DIR] [--out DIR]
#   --build-dir  an existing Release build to package (default: configure and
#                build build-package, Release, without tests)
#   --out        where the packages go (default: dist/)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=""
out="$here/dist"
while (($#)); do
  case "$1" in
    --build-dir) build=$(cd "$2" && pwd); shift ;;
    --out) mkdir -p "$2"; out=$(cd "$2" && pwd); shift ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "usage: scripts/package.sh [--build-dir DIR] [--out DIR]" >&2; exit 2 ;;
  esac
  shift
done
for tool in patchelf dpkg-shlibdeps objdump python3; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "tributary: package.sh needs $tool; run scripts/install-deps.sh" >&2; exit 1; }
done

if [ -z "$build" ]; then
  build="$here/build-package"
  launcher=()
  if command -v ccache >/dev/null 2>&1; then
    export CCACHE_BASEDIR="$here" CCACHE_NOHASHDIR=1
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  fi
  cmake -S "$here" -B "$build" -G Ninja "${launcher[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DTRIBUTARY_TESTS=OFF -DTRIBUTARY_SANITIZE=OFF -DTRIBUTARY_FUZZ=OFF >/dev/null
fi
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")
sanitize=$(sed -n 's/^TRIBUTARY_SANITIZE:BOOL=//p' "$build/CMakeCache.txt")
if [ "$build_type" != "Release" ] || [ "$sanitize" = "ON" ]; then
  echo "tributary: $build is a $build_type build${sanitize:+ (sanitize $sanitize)}; packages are" \
    "made from a Release build without sanitizers" >&2
  exit 1
fi
cmake --build "$build" -j "$(nproc)" --target tributary

version=$("$build/src/tributary" --version | awk '{print $2}')
arch=$(uname -m)
name="tributary-$version-linux-$arch"
work="$out/.work"
rm -rf "$work" && mkdir -p "$work"
stage="$work/$name"
echo "== tributary $version: staging $name =="
cmake --install "$build" --prefix "$stage" >/dev/null
private="$stage/lib/tributary"

# glibc's own libraries and the C++ runtime come from the machine: every Linux
# base has them (apt itself is C++), glibc cannot be moved (the loader is
# among them), and Debian 12's libstdc++ would ask for glibc 2.36 where the
# binary asks for less.
is_system() {
  case "$1" in
    linux-vdso.so.*|ld-linux*.so.*|libc.so.*|libm.so.*|libdl.so.*|libpthread.so.*|librt.so.*) return 0 ;;
    libresolv.so.*|libutil.so.*|libanl.so.*|libnsl.so.*|libmvec.so.*|libBrokenLocale.so.*) return 0 ;;
    libstdc++.so.*|libgcc_s.so.*) return 0 ;;
  esac
  return 1
}
# Every library ldd resolves for the binary (its whole closure), copied once.
while read -r soname path; do
  is_system "$soname" && continue
  [ -e "$private/$soname" ] && continue
  [ -f "$path" ] || { echo "tributary: $soname not found (ldd: $path)" >&2; exit 1; }
  cp -L "$path" "$private/$soname"
  chmod 0644 "$private/$soname"
  patchelf --set-rpath '$ORIGIN' "$private/$soname"
done < <(ldd "$stage/bin/tributary" | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}')
if ldd "$stage/bin/tributary" | grep -q 'not found'; then
  ldd "$stage/bin/tributary" >&2
  echo "tributary: the staged binary misses a library" >&2
  exit 1
fi

# The oldest system: the highest GLIBC_x.y and GLIBCXX_3.4.z symbol versions
# any file asks for. The wheel's manylinux tag is the oldest glibc whose
# reference distribution also ships that libstdc++ (GCC 12's 3.4.30 first
# came with Ubuntu 22.04, glibc 2.35).
symbols=$(find "$stage/bin" "$private" -type f -exec objdump -T {} + 2>/dev/null)
glibc=$(grep -o 'GLIBC_2\.[0-9.]*' <<<"$symbols" | sed 's/GLIBC_//' | sort -uV | tail -n 1)
glibcxx=$(grep -o 'GLIBCXX_3\.4\.[0-9]*' <<<"$symbols" | sed 's/GLIBCXX_//' | sort -uV | tail -n 1)
glibc_minor=${glibc#2.}
glibc_minor=${glibc_minor%%.*}
case "${glibcxx:-3.4}" in
  3.4|3.4.[0-9]|3.4.1[0-9]|3.4.2[0-9]) floor=0 ;;
  3.4.30) floor=35 ;;
  *) floor=39 ;;  # GCC 13 or newer: Ubuntu 24.04
esac
((glibc_minor >= floor)) || glibc_minor=$floor
cat >"$stage/PLATFORM.txt" <<TXT
tributary $version for Linux $arch
Needs glibc $glibc or newer and libstdc++ with GLIBCXX_$glibcxx (GCC 12 or newer):
Debian 12, Ubuntu 22.04 (Databricks Runtime 13 and later), RHEL 10 or newer.
Every other shared library it needs is in lib/tributary/, found through \$ORIGIN.
The wheel is tagged manylinux_2_${glibc_minor}_$arch.
TXT
cp "$stage/PLATFORM.txt" "$out/PLATFORM.txt"

echo "== $name.tar.gz =="
tar -C "$work" --owner=0 --group=0 -czf "$out/$name.tar.gz" "$name"

echo "== .deb (cpack) =="
(cd "$build" && cpack -G DEB -B "$work/deb" >/dev/null)
deb=$(ls "$work/deb"/tributary_*.deb)
cp "$deb" "$out/"

echo "== wheel =="
python3 "$here/scripts/make-wheel.py" --root "$stage" --version "$version" \
  --platform "manylinux_2_${glibc_minor}_$arch" --out "$out"

rm -rf "$work"
echo "tributary: packages in $out (glibc $glibc, GLIBCXX_$glibcxx or newer):"
ls -1 "$out" | sed 's/^/  /'
