/* Decimal text to double through fast_float (see fast_number.cpp). */
#ifndef RM_FAST_NUMBER_H
#define RM_FAST_NUMBER_H

#ifdef __cplusplus
extern "C" {
#endif

/* 1 and *value = the correctly rounded double when [first, last) is one decimal number
 * (digits, the decimal mark `point` ('.' or ','), exponent; "inf" and "nan" too), else 0.
 * No leading '+', no hex. */
int rm_fast_number(const char *first, const char *last, char point, double *value);
/* The same for the correctly rounded float (as strtof). */
int rm_fast_number_float(const char *first, const char *last, char point, float *value);

#ifdef __cplusplus
}
#endif

#endif
