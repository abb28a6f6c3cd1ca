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

rm_require_pkg(OPENBLAS openblas libopenblas-dev)
rm_require_pkg(LAPACKE lapacke liblapacke-dev)
rm_require_pkg(GSL gsl libgsl-dev)

# GSL is linked from its static archive: Debian's libgsl.so carries a hard dependency on
# libgslcblas, and one process must hold one BLAS (OpenBLAS). The archive's few objects we
# use (random numbers, distributions) resolve their CBLAS references, if any, to OpenBLAS.
find_library(RM_GSL_STATIC NAMES libgsl.a HINTS ${GSL_LIBRARY_DIRS} NO_CACHE)
if(NOT RM_GSL_STATIC)
  message(FATAL_ERROR "libgsl.a not found: install the Debian package libgsl-dev")
endif()

find_path(RM_CBLAS_INCLUDE cblas.h HINTS ${OPENBLAS_INCLUDE_DIRS} NO_DEFAULT_PATH NO_CACHE)
if(NOT RM_CBLAS_INCLUDE)
  message(FATAL_ERROR "OpenBLAS's cblas.h not found: install the Debian package libopenblas-dev")
endif()

add_library(rm_gsl INTERFACE)
target_include_directories(rm_gsl INTERFACE ${GSL_INCLUDE_DIRS})
target_link_libraries(rm_gsl INTERFACE ${RM_GSL_STATIC})

add_library(rm_blas INTERFACE)
target_include_directories(rm_blas INTERFACE ${RM_CBLAS_INCLUDE} ${LAPACKE_INCLUDE_DIRS})
target_link_libraries(rm_blas INTERFACE PkgConfig::LAPACKE PkgConfig::OPENBLAS)

find_library(RM_LIBM m)
if(RM_LIBM)
  set(RM_LIBM_NAME m)
endif()

if(BUILD_TESTING)
  rm_require_pkg(CRITERION criterion libcriterion-dev)
endif()
