/* The check of eps against the data: how far the objective falls when twice as many rows
 * may go. With at most eps of the rows corrupted, a solve at eps has removed what raises
 * the objective, and removing more rows lowers it by about what it would on clean data;
 * with more corrupted rows than eps, some stay, and the solve at the larger eps removes
 * them: the objective falls far. */
#ifndef RM_SILO_EPS_CHECK_H
#define RM_SILO_EPS_CHECK_H

#include "silo/state.h"

/* Below this the fall of the objective says that more than eps of the rows are corrupted
 * (bench/TUNING.md, EPS_CHECK_DROP). */
#define RM_EPS_CHECK_DROP 0.3

/* On a solve that has ended (its best iterate at eps): continue it at eps2 = min(2 eps,
 * 0.45) from its best weights for a few steps, and give the ratio of the objectives,
 * F(eps2) / F(eps), or NAN when there is nothing to compare (eps >= 0.45, F = 0, the time
 * budget spent). slack: on a sample of the rows, how far its fraction of corrupted rows
 * may exceed the data's by chance; F(eps) is then taken at eps + slack. The solve's state
 * is used up: report from it before. start: the clock time the time budget counts from.
 * Returns RM_OK or a negative code. */
int rm_silo_eps_check(silo *s, double start, double slack, double *ratio);

#endif
