/* The check of eps against the data: how far the objective falls when twice as many rows
 * may go, and whether what raised it is a part of the rows kept that leans to one side.
 * With at most eps of the rows corrupted, a solve at eps has removed what raises the
 * objective, and removing more rows lowers it by about what it would on clean data; with
 * more corrupted rows than eps, some stay, and the solve at the larger eps removes them:
 * the objective falls far. It also falls far on clean data whose top direction holds a
 * large share of the variance, or whose tails are heavy and untrimmed (the solve at eps
 * spent its rows on the corrupted ones). Those are told apart along the top direction at
 * eps: corrupted rows left over pull the kept rows' mean off their median (heavy tails
 * are symmetric), and raise their variance above what the bulk of them gives (a
 * dominant direction's rows are one normal bulk). */
#ifndef RM_SILO_EPS_CHECK_H
#define RM_SILO_EPS_CHECK_H

#include "robustmean.h"
#include "silo/state.h"

/* More than eps of the rows look corrupted when the ratio is below RM_EPS_CHECK_FALL, the
 * shift above RM_EPS_CHECK_SHIFT and the excess above RM_EPS_CHECK_EXCESS (bench/
 * TUNING.md, EPS_CHECK_FALL). The continuation stops once the objective is below
 * RM_EPS_CHECK_DROP of its value: the ratio is then reported as it stands. */
#define RM_EPS_CHECK_FALL 0.65
#define RM_EPS_CHECK_SHIFT 0.08
#define RM_EPS_CHECK_EXCESS 1.2
#define RM_EPS_CHECK_DROP 0.3

/* What the check measures; each NAN when not measured. */
typedef struct rm_eps_check {
    double ratio;  /* F(eps2) / F(eps) */
    double shift;  /* at eps, along the top direction: |weighted mean - median| of the kept
                      rows' projections, over sqrt(F(eps)) */
    double excess; /* F(eps) over the variance of a normal law whose median |projection -
                      mean| is the kept rows' */
} rm_eps_check;

/* On a solve that has ended (its best iterate at eps): measure shift and excess at it,
 * then continue it at eps2 = min(2 eps, 0.45) from its best weights for a few steps for
 * the ratio. All NAN when there is nothing to compare (eps >= 0.45, F = 0, the time budget
 * spent). slack: on a sample of the rows, how far its fraction of corrupted rows may
 * exceed the data's by chance; F(eps), shift and excess are then taken at eps + slack.
 * The solve's state is used up: report from it before. start: the clock time the time
 * budget counts from. Returns RM_OK or a negative code. */
int rm_silo_eps_check(silo *s, double start, double slack, rm_eps_check *check);

/* The verdict: 1 when more than eps of the rows look corrupted (NAN figures: 0). */
static inline int rm_silo_eps_contradicted(const rm_eps_check *c)
{
    return c->ratio < RM_EPS_CHECK_FALL && c->shift > RM_EPS_CHECK_SHIFT &&
           c->excess > RM_EPS_CHECK_EXCESS;
}

/* 1 when the report's F is above what its certificate allows for the given sigma (0
 * when not certified or no sigma). */
int rm_silo_sigma_contradicted(const rm_report *rep, double sigma);

/* Into the report: the check's figures, and its verdict on the certificate: withheld
 * (certified 0, bounds NAN) when the data contradicts its condition: F above what it
 * allows for the given sigma, or eps contradicted (rm_silo_eps_contradicted). */
void rm_silo_judge_consistency(rm_report *rep, const rm_eps_check *check, double sigma);

#endif
