# Finds the fixed dependencies and says which Debian package to install when one is missing.
find_package(PkgConfig QUIET)
if(NOT PKG_CONFIG_FOUND)
  message(FATAL_ERROR "pkg-config not found: install the Debian package pkgconf")
endif()

function(rm_require_pkg prefix module debian_package)
  pkg_check_modules(${prefix} QUIET IMPORTED_TARGET ${module})
  if(NOT ${prefix}_FOUND)
    message(FATAL_ERROR "${module} not found by pkg-config: install the Debian package ${debian_package}")
  endif()
endfunction()

rm_require_pkg(LAPACKE lapacke liblapacke-dev)
rm_require_pkg(GSL gsl libgsl-dev)

# BLAS, LAPACK, LAPACKE and GSL are linked into the library from their static archives,
# privately (the shared library exports rm_ symbols only):
#  - OpenBLAS in its OpenMP build, held to one thread per call (src/blas.c says why this
#    build): the library runs its passes over the data on its own threads (OpenMP, a block
#    of rows each) and calls BLAS inside them. Built in, it is the one BLAS of the library
#    whatever the system's BLAS alternative points to.
#  - LAPACKE, whose LAPACK calls then resolve to that OpenBLAS;
#  - GSL, because Debian's libgsl.so carries a hard dependency on libgslcblas, a second
#    BLAS. The objects we use (random numbers, distributions) call no BLAS.
function(rm_require_file var what debian_package)
  if(NOT ${var})
    message(FATAL_ERROR "${what} not found: install the Debian package ${debian_package}")
  endif()
endfunction()
find_library(RM_GSL_STATIC NAMES libgsl.a HINTS ${GSL_LIBRARY_DIRS} NO_CACHE)
rm_require_file(RM_GSL_STATIC "libgsl.a" libgsl-dev)
find_library(RM_LAPACKE_STATIC NAMES liblapacke.a HINTS ${LAPACKE_LIBRARY_DIRS} NO_CACHE)
rm_require_file(RM_LAPACKE_STATIC "liblapacke.a" liblapacke-dev)
find_library(RM_OPENBLAS_STATIC NAMES libopenblas.a PATH_SUFFIXES openblas-openmp NO_CACHE)
find_path(RM_CBLAS_INCLUDE cblas.h PATH_SUFFIXES openblas-openmp NO_CACHE)
if(NOT RM_OPENBLAS_STATIC MATCHES "openblas-openmp" OR NOT RM_CBLAS_INCLUDE MATCHES "openblas-openmp")
  message(FATAL_ERROR "the OpenMP build of OpenBLAS (libopenblas.a, cblas.h) not found: install the Debian package libopenblas-openmp-dev")
endif()
# OpenBLAS's LAPACK is Fortran: its run-time library.
find_library(RM_GFORTRAN NAMES gfortran libgfortran.so.5 NO_CACHE)
rm_require_file(RM_GFORTRAN "libgfortran" libgfortran5)
find_package(OpenMP COMPONENTS C)
if(NOT OpenMP_C_FOUND)
  message(FATAL_ERROR "OpenMP for C not found: install the Debian package libgcc-12-dev (gcc)")
endif()
find_package(Threads REQUIRED)
# fast_float, header-only, for exact and fast number parsing.
find_path(RM_FAST_FLOAT_INCLUDE fast_float/fast_float.h NO_CACHE)
rm_require_file(RM_FAST_FLOAT_INCLUDE "fast_float/fast_float.h" libfast-float-dev)

add_library(rm_fast_float INTERFACE)
target_include_directories(rm_fast_float INTERFACE ${RM_FAST_FLOAT_INCLUDE})

add_library(rm_gsl INTERFACE)
target_include_directories(rm_gsl INTERFACE ${GSL_INCLUDE_DIRS})
target_link_libraries(rm_gsl INTERFACE ${RM_GSL_STATIC})

add_library(rm_blas INTERFACE)
target_include_directories(rm_blas INTERFACE ${RM_CBLAS_INCLUDE} ${LAPACKE_INCLUDE_DIRS})
target_link_libraries(rm_blas INTERFACE ${RM_LAPACKE_STATIC} ${RM_OPENBLAS_STATIC} ${RM_GFORTRAN}
                      Threads::Threads)

find_library(RM_LIBM m)
if(RM_LIBM)
  set(RM_LIBM_NAME m)
endif()

if(BUILD_TESTING)
  rm_require_pkg(CRITERION criterion libcriterion-dev)
endif()

# zlib and Zstandard decompress .gz and .zst input as it is read (and zlib the deflated
# members of .npz archives). Linked as shared system libraries: unlike GSL and OpenBLAS
# nothing argues for carrying their objects, so a static program links them itself
# (robustmean.pc's Libs.private, robustmean::static_deps).
find_package(ZLIB)
if(NOT ZLIB_FOUND)
  message(FATAL_ERROR "zlib not found: install the Debian package zlib1g-dev")
endif()
rm_require_pkg(ZSTD libzstd libzstd-dev)

# HDF5 (Debian's libhdf5-dev, serial), optional: when found, librobustmean reads HDF5
# files (RM_HAVE_HDF5), and rm_read_formats() and robustmean --version say so. Linked as a
# shared system library, like zlib.
option(RM_WITH_HDF5 "Read HDF5 files when libhdf5 is found" ON)
set(RM_HAVE_HDF5 OFF)
if(RM_WITH_HDF5)
  pkg_check_modules(HDF5 QUIET IMPORTED_TARGET hdf5)
  # Its high-level library too (H5DS: the dimension scales that name a dataset's columns),
  # which hdf5.pc does not list: the one beside the libhdf5 found, first on its link line.
  if(HDF5_FOUND)
    find_library(RM_HDF5_HL_LIBRARY NAMES hdf5_hl HINTS ${HDF5_LIBRARY_DIRS} NO_DEFAULT_PATH)
  endif()
  if(HDF5_FOUND AND RM_HDF5_HL_LIBRARY)
    set(RM_HAVE_HDF5 ON)
    list(PREPEND HDF5_LINK_LIBRARIES ${RM_HDF5_HL_LIBRARY})
    set_property(TARGET PkgConfig::HDF5 PROPERTY INTERFACE_LINK_LIBRARIES ${HDF5_LINK_LIBRARIES})
    message(STATUS "HDF5 ${HDF5_VERSION}: HDF5 files are read")
  elseif(HDF5_FOUND)
    message(STATUS "HDF5 found without its high-level library libhdf5_hl (in ${HDF5_LIBRARY_DIRS}): HDF5 files are not read")
  else()
    message(STATUS "HDF5 not found (the Debian package libhdf5-dev): HDF5 files are not read")
  endif()
endif()
