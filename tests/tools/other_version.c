/* A stand-in for a librobustmean of another version than the header a program was built
 * with: preloaded (LD_PRELOAD), its rm_version() is the one the program calls. */
const char *rm_version(void);

const char *rm_version(void) { return "0.0.0-other"; }
