# Read by cpack for each generator (CPACK_GENERATOR names the current one).
if(CPACK_GENERATOR STREQUAL "DEB" AND CPACK_RM_MULTIARCH
   AND NOT CPACK_RM_LIBDIR STREQUAL "lib/${CPACK_RM_MULTIARCH}")
  message(FATAL_ERROR "the .deb would install the library into ${CPACK_RM_LIBDIR}, not "
          "lib/${CPACK_RM_MULTIARCH}: configure the build with -DCMAKE_INSTALL_PREFIX=/usr")
endif()
