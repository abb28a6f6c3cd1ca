/* The endgame the capped solvers share, after the main iteration: from the best iterate,
 * stages at a sharper delta and tolerance with both step shapes; then the choice of the
 * iterate to return. */
#ifndef RM_SILO_ENDGAME_H
#define RM_SILO_ENDGAME_H

#include "silo/state.h"

/* Run the stages on a solve whose iteration stopped with RM_OK; start: the clock time the
 * time budget counts from. The best iterate and its gap at the user's delta are left in
 * s. Returns RM_OK, RM_NOT_CONVERGED (the cap or the budget cut it short; *stop then
 * says which) or a negative code. */
int rm_silo_endgame(silo *s, double start, rm_stop *stop);

/* Make the estimate the certified iterate of lowest F when the iterate of lowest F is
 * not certified (its gap at the user's delta above their tolerance) and another was;
 * not when F reached the user's sigma^2, which is what they asked for. */
void rm_silo_prefer_certified(silo *s);

#endif
