# `cpack -G DEB` in a build configured with -DCMAKE_INSTALL_PREFIX=/usr: one .deb holding
# everything `cmake --install` installs (library, headers, tools, man pages, robustmean.pc,
# the CMake package). Its run-time dependencies come from dpkg-shlibdeps; what static
# linking needs besides is suggested.
set(RM_PACKAGE_CONTACT "robustmean maintainers <robustmean@example.org>"
    CACHE STRING "Maintainer field of the Debian package")

set(CPACK_PACKAGE_NAME robustmean)
set(CPACK_PACKAGE_VENDOR robustmean)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "mean estimation of high-dimensional data with a fraction of corrupted rows")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "librobustmean estimates the mean of high-dimensional data in which an adversary\n"
  "has replaced a fraction eps of the rows. This package holds the robustmean\n"
  "command-line tool, the C header, the shared and static libraries, robustmean.pc\n"
  "for pkg-config, the CMake package robustmean::robustmean and the man pages.")
set(CPACK_PACKAGE_CONTACT "${RM_PACKAGE_CONTACT}")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION math)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS
    "pkgconf, libgsl-dev, liblapacke-dev, libopenblas-dev, zlib1g-dev, libzstd-dev, libhdf5-dev")

# The .deb must install the library where Debian looks for it: lib/<multiarch>, which
# GNUInstallDirs chooses only for the prefix /usr. Checked when cpack runs.
set(CPACK_RM_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
set(CPACK_RM_MULTIARCH "${CMAKE_LIBRARY_ARCHITECTURE}")
set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_SOURCE_DIR}/cmake/CPackProjectConfig.cmake)

# librobustmean_mpi and robustmean-mpi (install component "mpi") stay out of it: the
# package would depend on one MPI. It installs the component without a name alone.
set(CPACK_INSTALL_CMAKE_PROJECTS "${PROJECT_BINARY_DIR};${PROJECT_NAME};Unspecified;/")

set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build/")
include(CPack)
