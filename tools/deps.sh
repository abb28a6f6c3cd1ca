# Sourced by demo.sh and test.sh: installs the Debian packages a step needs, only those
# missing, running apt-get update only when something must be installed.
#   rm_install_deps build|test

RM_BUILD_PACKAGES=(cmake make gcc g++ pkgconf libgsl-dev libopenblas-openmp-dev liblapacke-dev
                   libfast-float-dev zlib1g-dev libzstd-dev)
# gnuplot-nox: rmstudy --plot draws its figures with it (the test of --plot needs it).
# man-db, dpkg-dev, file: the install test (man pages, .deb).
# valgrind: the programs under memcheck (tools/memcheck.sh). clang, libclang-rt-dev: the
# libFuzzer targets (tools/fuzz.sh).
# libhdf5-dev, python3-h5py: the HDF5 reader (optional in a build) and its test on files
# h5py writes.
# python3-*: the Python package (python/, tools/test_python.sh): built with Debian's pip
# and setuptools against the installed library, tested with pytest. r-base-dev,
# r-cran-testthat: the R package (r/, tools/test_r.sh), R CMD check and its tests;
# r-cran-robustbase: README's R example, beside covMcd.
# libopenmpi-dev, openmpi-bin: librobustmean_mpi and robustmean-mpi (mpi/), built when
# CMake finds MPI, and their tests under mpirun.
RM_TEST_PACKAGES=("${RM_BUILD_PACKAGES[@]}" libcriterion-dev python3 gnuplot-nox man-db
                  dpkg-dev file valgrind clang libclang-rt-dev libhdf5-dev python3-h5py
                  python3-dev python3-numpy
                  python3-pytest python3-setuptools python3-wheel python3-pip r-base-dev
                  r-cran-testthat r-cran-robustbase libopenmpi-dev openmpi-bin)

rm_install_deps() {
  local wanted missing=() p
  case "$1" in
    build) wanted=("${RM_BUILD_PACKAGES[@]}") ;;
    test) wanted=("${RM_TEST_PACKAGES[@]}") ;;
    *) echo "rm_install_deps: unknown set '$1'" >&2; return 2 ;;
  esac
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  echo "Installing Debian packages: ${missing[*]}" >&2
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

rm_jobs() { nproc 2>/dev/null || echo 2; }
