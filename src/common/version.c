/* The version of the library as built, for programs to compare with RM_VERSION_STRING. */
#include "robustmean.h"

const char *rm_version(void) { return RM_VERSION_STRING; }

unsigned rm_version_number(void) { return RM_VERSION_NUMBER; }
