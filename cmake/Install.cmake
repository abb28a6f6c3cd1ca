# What `cmake --install` puts where (GNUInstallDirs), and the two ways a C program finds
# the installed library: robustmean.pc for pkg-config and the CMake package
# (find_package(robustmean) -> robustmean::robustmean).
include(CMakePackageConfigHelpers)

# The installed tools, by target name. Each one installs with its man page
# man/<program>.1; a new tool is one more name here (and its page).
set(RM_INSTALL_TOOLS robustmean_cli rmgen rmstudy)

set(RM_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/robustmean)

# Tools installed outside the system's library directories find the library through a
# relative run path, so that an installed tree can be moved as a whole.
list(FIND CMAKE_C_IMPLICIT_LINK_DIRECTORIES "${CMAKE_INSTALL_FULL_LIBDIR}" rm_system_libdir)
if(rm_system_libdir EQUAL -1)
  file(RELATIVE_PATH rm_bin_to_lib ${CMAKE_INSTALL_FULL_BINDIR} ${CMAKE_INSTALL_FULL_LIBDIR})
  set(RM_TOOL_RPATH "$ORIGIN/${rm_bin_to_lib}")
endif()

foreach(tool IN LISTS RM_INSTALL_TOOLS)
  if(NOT TARGET ${tool})
    continue()
  endif()
  get_target_property(program ${tool} OUTPUT_NAME)
  if(NOT program)
    set(program ${tool})
  endif()
  if(NOT EXISTS ${PROJECT_SOURCE_DIR}/man/${program}.1)
    message(FATAL_ERROR "the installed tool ${program} has no man page man/${program}.1")
  endif()
  set_target_properties(${tool} PROPERTIES INSTALL_RPATH "${RM_TOOL_RPATH}")
  install(TARGETS ${tool} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  list(APPEND RM_MAN_PAGES ${program}.1)
endforeach()
list(APPEND RM_MAN_PAGES robustmean.3)

# Man pages carry the version in their footer.
foreach(page IN LISTS RM_MAN_PAGES)
  string(REGEX MATCH "[0-9]$" section ${page})
  configure_file(${PROJECT_SOURCE_DIR}/man/${page} ${PROJECT_BINARY_DIR}/man/${page} @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/man/${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()

install(FILES ${PROJECT_SOURCE_DIR}/include/robustmean.h
              ${PROJECT_SOURCE_DIR}/include/robustmean_generate.h
              ${PROJECT_BINARY_DIR}/include/robustmean_version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# Two export sets: the shared library needs nothing at link time, the static one needs
# its dependencies found first (robustmeanConfig.cmake does that for COMPONENTS static).
install(TARGETS robustmean EXPORT robustmeanTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS robustmean_static EXPORT robustmeanStaticTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT robustmeanTargets NAMESPACE robustmean:: DESTINATION ${RM_CMAKE_DIR})
install(EXPORT robustmeanStaticTargets NAMESPACE robustmean:: DESTINATION ${RM_CMAKE_DIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/robustmeanConfig.cmake.in
  ${PROJECT_BINARY_DIR}/robustmeanConfig.cmake INSTALL_DESTINATION ${RM_CMAKE_DIR})
# Before 1.0 a minor release may break the API (the soname names MAJOR.MINOR).
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(rm_compatibility SameMinorVersion)
else()
  set(rm_compatibility SameMajorVersion)
endif()
write_basic_package_version_file(${PROJECT_BINARY_DIR}/robustmeanConfigVersion.cmake
  COMPATIBILITY ${rm_compatibility})
install(FILES ${PROJECT_BINARY_DIR}/robustmeanConfig.cmake
              ${PROJECT_BINARY_DIR}/robustmeanConfigVersion.cmake
        DESTINATION ${RM_CMAKE_DIR})

# robustmean.pc names absolute directories under the prefix the tree is installed to,
# known only at install time (`cmake --install --prefix`, or /usr when CPack builds the
# .deb): the file is configured then, from a template that has everything else.
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(RM_PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(RM_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
set(RM_PC_PREFIX "@CMAKE_INSTALL_PREFIX@") # substituted at install time
# HDF5 by the files of the libraries built against (Debian keeps them outside the linker's
# search path, and a -L would be moved under a pkg-config sysroot), each given to the
# linker as -Wl,FILE: pkgconf moves a bare path under the sysroot when it follows another.
set(RM_PC_HDF5_LIBS "")
if(RM_HAVE_HDF5)
  list(TRANSFORM HDF5_LINK_LIBRARIES PREPEND "-Wl," OUTPUT_VARIABLE rm_pc_hdf5_files)
  list(JOIN rm_pc_hdf5_files " " RM_PC_HDF5_LIBS)
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/robustmean.pc.in
               ${PROJECT_BINARY_DIR}/robustmean.pc.in @ONLY)
install(CODE "configure_file(\"${PROJECT_BINARY_DIR}/robustmean.pc.in\"
                             \"${PROJECT_BINARY_DIR}/robustmean.pc\" @ONLY)")
install(FILES ${PROJECT_BINARY_DIR}/robustmean.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# librobustmean_mpi, its header and robustmean-mpi, when MPI was found (mpi/), in the
# install component "mpi": `cmake --install` installs them with the rest; the .deb holds
# librobustmean alone (cmake/Packaging.cmake), so that it does not depend on an MPI.
# Their own CMake package (find_package(robustmean_mpi) -> robustmean::robustmean_mpi,
# which brings robustmean::robustmean and MPI::MPI_C) and robustmean_mpi.pc.
if(TARGET robustmean_mpi)
  set(RM_MPI_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/robustmean_mpi)
  set_target_properties(robustmean_mpi_cli PROPERTIES INSTALL_RPATH "${RM_TOOL_RPATH}")
  install(TARGETS robustmean_mpi_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT mpi)
  configure_file(${PROJECT_SOURCE_DIR}/man/robustmean-mpi.1
                 ${PROJECT_BINARY_DIR}/man/robustmean-mpi.1 @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/man/robustmean-mpi.1
          DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT mpi)
  install(FILES ${PROJECT_SOURCE_DIR}/mpi/robustmean_mpi.h
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT mpi)
  install(TARGETS robustmean_mpi EXPORT robustmeanMpiTargets
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT mpi
          INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(EXPORT robustmeanMpiTargets NAMESPACE robustmean:: DESTINATION ${RM_MPI_CMAKE_DIR}
          COMPONENT mpi)
  configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/robustmean_mpiConfig.cmake.in
    ${PROJECT_BINARY_DIR}/robustmean_mpiConfig.cmake INSTALL_DESTINATION ${RM_MPI_CMAKE_DIR})
  write_basic_package_version_file(${PROJECT_BINARY_DIR}/robustmean_mpiConfigVersion.cmake
    COMPATIBILITY ${rm_compatibility})
  install(FILES ${PROJECT_BINARY_DIR}/robustmean_mpiConfig.cmake
                ${PROJECT_BINARY_DIR}/robustmean_mpiConfigVersion.cmake
          DESTINATION ${RM_MPI_CMAKE_DIR} COMPONENT mpi)

  # robustmean_mpi.pc requires robustmean.pc and the MPI's own pkg-config module when it
  # has one (Open MPI: mpi-c; MPICH: mpich), else names MPI's include directories.
  find_package(PkgConfig QUIET)
  set(RM_PC_MPI_REQUIRES "")
  set(RM_PC_MPI_CFLAGS "")
  if(PKG_CONFIG_FOUND)
    pkg_search_module(RM_MPI_PC QUIET mpi-c ompi-c mpich)
  endif()
  if(RM_MPI_PC_FOUND)
    set(RM_PC_MPI_REQUIRES " ${RM_MPI_PC_MODULE_NAME}")
  else()
    foreach(dir IN LISTS MPI_C_INCLUDE_DIRS)
      string(APPEND RM_PC_MPI_CFLAGS " -I${dir}")
    endforeach()
  endif()
  configure_file(${PROJECT_SOURCE_DIR}/cmake/robustmean_mpi.pc.in
                 ${PROJECT_BINARY_DIR}/robustmean_mpi.pc.in @ONLY)
  install(CODE "configure_file(\"${PROJECT_BINARY_DIR}/robustmean_mpi.pc.in\"
                               \"${PROJECT_BINARY_DIR}/robustmean_mpi.pc\" @ONLY)"
          COMPONENT mpi)
  install(FILES ${PROJECT_BINARY_DIR}/robustmean_mpi.pc
          DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT mpi)
endif()
