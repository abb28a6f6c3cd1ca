#!/usr/bin/env bash
# Linking as a library, checked against installed trees, never against the source tree:
#  - `cmake --install` into a temporary prefix; there the example (examples/) is built
#    with pkg-config and with its CMake project (find_package), each shared and static,
#    and run; the installed tool runs; the installed header compiles as C11 and C++;
#    the shared library exports only rm_ symbols; statically linked programs load
#    neither librobustmean.so nor libgslcblas; every man page renders without warnings;
#  - when the build found MPI, librobustmean_mpi in the same prefix: examples/estimate_mpi.c
#    built with robustmean_mpi.pc and with find_package(robustmean_mpi), run under mpirun;
#    only its own API exported; robustmean-mpi runs; its man page names its options;
#  - `cpack -G DEB` in a build for the prefix /usr; the .deb, extracted (dpkg-deb -x),
#    passes the same checks but the man pages.
# Usage: tools/test_install.sh [BUILD_DIR]
# BUILD_DIR: a configured and built tree to install (test.sh passes its plain build);
# by default one is built in build/test-install.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
rm_install_deps test
jobs=$(rm_jobs)

build=${1:-}
if [ -z "$build" ]; then
  build=build/test-install
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DRM_WERROR=ON >/dev/null
  cmake --build "$build" -j "$jobs" >/dev/null
fi
debbuild=build/test-deb
data=datasets/wine-1-with-0.csv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "test_install: $*" >&2; exit 1; }

# The tree under test is the one pkg-config and CMake are pointed at by the caller
# (PKG_CONFIG_PATH, PKG_CONFIG_SYSROOT_DIR); $1 names it, $2 is its prefix for CMake.
check_tree() {
  local name=$1 prefix=$2
  local out=$tmp/$name
  mkdir -p "$out"
  local version libdir lib
  version=$(pkg-config --modversion robustmean)
  libdir=$(pkg-config --variable=libdir robustmean)
  lib=$libdir/librobustmean.so
  echo "== $name: librobustmean $version in $libdir"

  # The shared library: soname after the API version, only rm_ symbols exported.
  local major=${version%%.*} minor=${version#*.}
  minor=${minor%%.*}
  local soname=librobustmean.so.$major
  [ "$major" = 0 ] && soname=librobustmean.so.0.$minor
  readelf -d "$lib" | grep -q "(SONAME).*\[$soname\]" || fail "$lib: soname is not $soname"
  [ -e "$libdir/$soname" ] && [ -e "$libdir/librobustmean.a" ] || fail "$libdir: libraries missing"
  local exported
  exported=$(nm -D --defined-only "$lib" | awk 'NF == 3 { print $3 }')
  grep -q '^rm_mean$' <<<"$exported" || fail "$lib does not export rm_mean"
  if grep -v '^rm_' <<<"$exported"; then fail "$lib exports symbols without the rm_ prefix (above)"; fi
  # ... each declared in an installed header (the API, the generators' API), after its
  # doc block.
  local header includedir symbol
  includedir=$(pkg-config --variable=includedir robustmean)
  header=$includedir/robustmean.h
  local headers=("$header" "$includedir/robustmean_generate.h")
  for symbol in $exported; do
    grep -q "\b$symbol(" "${headers[@]}" ||
      fail "$lib exports $symbol, which no installed header (${headers[*]}) declares"
  done
  awk '/^\/\*\*/ { doc = 1 } /^\/\*([^*]|$)/ { doc = 0 }
       /^RM_API/ && !(doc && prev ~ /\*\/ *$/) { print FILENAME ":" FNR ": no /** block: " $0; bad = 1 }
       NF { prev = $0 } END { exit bad }' "${headers[@]}" || fail "undocumented functions (above)"

  # The header alone, as C11 and as C++ (extern "C": the C++ program links).
  local strict=(-Wall -Wextra -Wpedantic -Werror)
  printf '#include <robustmean.h>\n#include <robustmean_generate.h>\n' >"$out/header.c"
  cc -std=c11 "${strict[@]}" -Wstrict-prototypes -Wshadow -fsyntax-only \
    $(pkg-config --cflags robustmean) "$out/header.c"
  cat >"$out/header.cpp" <<'EOF'
#include <robustmean.h>
#include <robustmean_generate.h>
#include <cstdio>
int main()
{
    rm_options opt;
    rm_options_init(&opt);
    opt.eps = 0.1;
    const double X[] = {1, 2, 3};
    double mean[1];
    int status = rm_mean(X, 3, 1, &opt, mean, nullptr);
    std::printf("%s %s %g\n", rm_version(), rm_strerror(status), mean[0]);
    return status != RM_OK;
}
EOF
  g++ -std=c++11 "${strict[@]}" "$out/header.cpp" -o "$out/header_cxx" \
    $(pkg-config --cflags --libs robustmean) -Wl,-rpath,"$libdir"
  "$out/header_cxx" >/dev/null

  # The example, four ways. pkg-config: the README's commands, shared; static, with the
  # archive in place of -lrobustmean and the private requirements after it.
  cc -std=c11 "${strict[@]}" examples/estimate.c -o "$out/pkgconfig_shared" \
    $(pkg-config --cflags --libs robustmean) -Wl,-rpath,"$libdir"
  cc -std=c11 "${strict[@]}" examples/estimate.c -o "$out/pkgconfig_static" \
    $(pkg-config --cflags robustmean) \
    $(pkg-config --static --libs robustmean | sed 's/-lrobustmean\b/-l:librobustmean.a/')
  # CMake: examples/ is the user's project; find_package(robustmean) in $prefix.
  cmake -S examples -B "$out/cmake" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS="${strict[*]}" >/dev/null
  cmake --build "$out/cmake" >/dev/null
  cp "$out/cmake/estimate" "$out/cmake_shared"
  cp "$out/cmake/estimate_static" "$out/cmake_static" ||
    fail "the CMake package did not provide robustmean::robustmean_static"

  local expected="" kind result libs
  for kind in pkgconfig_shared pkgconfig_static cmake_shared cmake_static; do
    libs=$(ldd "$out/$kind")
    case $kind in
      *_shared) grep -q "librobustmean.so.* => $libdir/" <<<"$libs" ||
                  fail "$kind does not load librobustmean from $libdir: $libs" ;;
      *_static) if grep -q "librobustmean" <<<"$libs"; then fail "$kind loads librobustmean: $libs"; fi ;;
    esac
    if grep -q "libgslcblas" <<<"$libs"; then fail "$kind loads libgslcblas, a second BLAS: $libs"; fi
    result=$("$out/$kind" "$data" 0.1) || fail "$kind failed on $data"
    grep -q "^library *librobustmean $version (header $version)$" <<<"$result" ||
      fail "$kind: $result"
    result=$(grep '^mean ' <<<"$result")
    [ -z "$expected" ] && expected=$result
    [ "$result" = "$expected" ] || fail "$kind: '$result', want '$expected'"
    echo "   example built with ${kind/_/, } and run: ok"
  done
}

# Man pages render without warnings; robustmean(1) names every option of --help.
check_man() { # pages...
  local page warnings
  for page in "$@"; do
    warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l --warnings "$page" 2>&1 >/dev/null) ||
      fail "man -l $page failed: $warnings"
    [ -z "$warnings" ] || fail "man -l $page: $warnings"
  done
}

# librobustmean_mpi in the tree at $1 (its prefix), the library at $2.
check_mpi() {
  local prefix=$1 lib=$2
  local out=$tmp/mpi libdir pcdir header symbol exported result kind
  libdir=$(dirname "$lib")
  pcdir=$libdir/pkgconfig
  mkdir -p "$out"
  [ -e "$pcdir/robustmean_mpi.pc" ] || fail "robustmean_mpi.pc not installed in $pcdir"
  header=$(PKG_CONFIG_PATH=$pcdir pkg-config --variable=includedir robustmean_mpi)/robustmean_mpi.h
  [ -e "$header" ] || fail "$header not installed"
  exported=$(nm -D --defined-only "$lib" | awk 'NF == 3 { print $3 }')
  grep -q '^rm_mean_mpi$' <<<"$exported" || fail "$lib does not export rm_mean_mpi"
  for symbol in $exported; do
    [[ $symbol == rm_* ]] || fail "$lib exports $symbol, without the rm_ prefix"
    grep -q "\b$symbol(" "$header" || fail "$lib exports $symbol, which $header does not declare"
  done
  local strict=(-Wall -Wextra -Wpedantic -Werror)
  cc -std=c11 "${strict[@]}" examples/estimate_mpi.c -o "$out/pkgconfig_mpi" \
    $(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs robustmean_mpi) -Wl,-rpath,"$libdir"
  cmake -S examples -B "$out/cmake" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS="${strict[*]}" >/dev/null
  cmake --build "$out/cmake" >/dev/null
  [ -x "$out/cmake/estimate_mpi" ] || fail "find_package(robustmean_mpi) did not build estimate_mpi"
  local mpirun=(timeout 120 mpirun -np 2 --oversubscribe)
  for kind in pkgconfig_mpi cmake/estimate_mpi; do
    result=$(OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1 \
             "${mpirun[@]}" "$out/$kind" "$data") || fail "$kind failed under mpirun: $result"
    grep -q "^as rm_mean  yes, to the bit$" <<<"$result" || fail "$kind: $result"
    echo "   estimate_mpi built with ${kind%%/*} and run on 2 processes: ok"
  done
  result=$(OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1 \
           timeout 120 mpirun -np 1 "$prefix/bin/robustmean-mpi" -m median --shards "$data") ||
    fail "the installed robustmean-mpi does not run"
  [ "$result" = "$("$prefix/bin/robustmean" -m median "$data")" ] ||
    fail "the installed robustmean-mpi's median differs from robustmean's"
  local page=$prefix/share/man/man1/robustmean-mpi.1 man_text option
  [ -e "$page" ] || fail "robustmean-mpi(1) not installed"
  man_text=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$page" 2>/dev/null)
  for option in --shards --traffic --methods; do
    grep -q -- "$option" <<<"$man_text" || fail "robustmean-mpi(1) does not describe $option"
  done
  echo "   robustmean-mpi runs; robustmean-mpi(1) describes its own options"
}

echo "== install $build into a temporary prefix"
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
pc=$(find "$prefix" -name robustmean.pc)
[ -n "$pc" ] || fail "robustmean.pc not installed"
PKG_CONFIG_PATH=$(dirname "$pc") check_tree prefix "$prefix"
"$prefix/bin/robustmean" -e 0.1 "$data" >/dev/null || fail "the installed robustmean does not run"

man1=("$prefix"/share/man/man1/*.1)
[ -e "$prefix/share/man/man1/robustmean.1" ] && [ -e "$prefix/share/man/man3/robustmean.3" ] ||
  fail "man pages robustmean(1) and robustmean(3) not installed"
check_man "${man1[@]}" "$prefix"/share/man/man3/*.3 man/*.[1-9]
help_options=$("$prefix/bin/robustmean" --help | grep -o -- '--[a-z][a-z-]*' | sort -u)
man_text=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$prefix/share/man/man1/robustmean.1" 2>/dev/null)
for option in $help_options; do
  grep -q -- "$option" <<<"$man_text" || fail "robustmean(1) does not describe $option"
done
echo "   man pages render: $(cd "$prefix/share/man" && echo man*/*) and man/ sources"
mpi_lib=$(find "$prefix" -name librobustmean_mpi.so | head -n 1)
if [ -n "$mpi_lib" ]; then
  echo "== librobustmean_mpi in $(dirname "$mpi_lib")"
  check_mpi "$prefix" "$mpi_lib"
fi

echo "== cpack -G DEB"
cmake -S . -B "$debbuild" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
  -DBUILD_TESTING=OFF -DRM_WERROR=ON >/dev/null
cmake --build "$debbuild" -j "$jobs" >/dev/null
(cd "$debbuild" && cpack -G DEB -B "$tmp/deb") >"$tmp/cpack.log" 2>&1 ||
  { cat "$tmp/cpack.log" >&2; fail "cpack -G DEB failed"; }
deb=$(echo "$tmp"/deb/*.deb)
[ -f "$deb" ] || fail "cpack made no .deb"
depends=$(dpkg-deb -f "$deb" Depends)
grep -q libc6 <<<"$depends" || fail "$deb: Depends lacks libc6: $depends"
echo "   $(basename "$deb"): Depends: $depends"
root=$tmp/debroot
dpkg-deb -x "$deb" "$root"
# librobustmean_mpi stays out of the package: it would depend on one MPI.
if [ -n "$(find "$root" -name '*robustmean_mpi*' -o -name 'robustmean-mpi*')" ]; then
  fail "$deb holds librobustmean_mpi or robustmean-mpi"
fi
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
[ -e "$root/usr/lib/$arch/pkgconfig/robustmean.pc" ] || fail "$deb: no usr/lib/$arch/pkgconfig/robustmean.pc"
# The package's robustmean.pc names /usr; the sysroot maps it onto the extracted tree.
PKG_CONFIG_PATH=$root/usr/lib/$arch/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root check_tree deb "$root/usr"
LD_LIBRARY_PATH=$root/usr/lib/$arch "$root/usr/bin/robustmean" -e 0.1 "$data" >/dev/null ||
  fail "the packaged robustmean does not run"
echo "Install tests passed."
