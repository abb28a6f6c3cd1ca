/*
 * robustmean: estimate the mean of high-dimensional data when a fraction eps of the rows
 * has been corrupted by an adversary.
 *
 * Thread rule: the library holds no global state. Every function may be called from
 * several threads at once, as long as no two threads write the same object (the same
 * rm_report, the same output buffer, the same rm_data). Inputs are only read.
 *
 * Errors: functions return an int holding an rm_status: RM_OK (0) on success, a negative
 * RM_E* code on failure, and RM_NOT_CONVERGED (positive) when a result was written but an
 * iterative method stopped before its tolerance was met. rm_strerror() names each code;
 * a report or read error says more where there is more to say (which option, which row
 * and column). The library never prints, never exits and never aborts.
 */
#ifndef ROBUSTMEAN_H
#define ROBUSTMEAN_H

#include <stddef.h>
#include <stdint.h>

#include "robustmean_version.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(RM_BUILDING_LIBRARY) && defined(__GNUC__)
#define RM_API __attribute__((visibility("default")))
#else
#define RM_API
#endif

/* ---------------------------------------------------------------------------------------
 * Status codes
 * ------------------------------------------------------------------------------------- */
typedef enum rm_status {
    RM_OK = 0,
    RM_NOT_CONVERGED = 1, /* result written: the best iterate, tolerance not reached */
    RM_EINVAL = -1,       /* invalid argument: NULL pointer, n or d zero, bad option */
    RM_ENOMEM = -2,       /* memory allocation failed */
    RM_EMETHOD = -3,      /* unknown method name */
    RM_EEPS = -4,         /* eps missing or outside the method's valid range */
    RM_ETOOFEW = -5,      /* too few rows for the method */
    RM_ENONFINITE = -6,   /* NaN or infinity in the data */
    RM_EOVERFLOW = -7,    /* n*d (or a byte count) does not fit in size_t */
    RM_EIO = -8,          /* a file could not be opened, read or written */
    RM_EPARSE = -9,       /* malformed text input: ragged row, non-numeric field */
    RM_EFORMAT = -10,     /* malformed or unsupported binary input (.npy header, dtype) */
    RM_ERANGE = -11,      /* a number in the input is outside the range of double (or of
                             float, when values are stored as float) */
    RM_EEMPTY = -12,      /* the input holds no data rows */
    RM_ENUMERIC = -13,    /* a numerical routine failed (e.g. the eigensolver) */
    RM_EUNSUPPORTED = -14 /* the method cannot yet run on rows spread over processes
                             (librobustmean_mpi): nothing was computed */
} rm_status;

/**
 * A short English description of a status code (RM_OK, RM_NOT_CONVERGED or an RM_E* code).
 * Thread-safe. @return a static string, never NULL (a generic text for unknown codes);
 * the caller must not free it.
 */
RM_API const char *rm_strerror(int status);

/* ---------------------------------------------------------------------------------------
 * Version: RM_VERSION_STRING is the header's version, rm_version() the loaded library's.
 * ------------------------------------------------------------------------------------- */

/**
 * The version of the library actually loaded, "MAJOR.MINOR.PATCH", to compare with the
 * header's RM_VERSION_STRING. Thread-safe. @return a static string, never NULL; not freed.
 */
RM_API const char *rm_version(void);
/** The loaded library's version as MAJOR*10000 + MINOR*100 + PATCH (compare with
 * RM_VERSION_NUMBER). Thread-safe; cannot fail. */
RM_API unsigned rm_version_number(void);

/* ---------------------------------------------------------------------------------------
 * Methods
 * ------------------------------------------------------------------------------------- */

/* What a method is and accepts. Static storage, read-only. */
typedef struct rm_method_info {
    const char *name;    /* the value for rm_options.method and the CLI's -m */
    const char *summary; /* one line: what the estimate guarantees */
    int needs_eps;       /* 1 if rm_options.eps must be set */
    double eps_min;      /* valid eps: eps_min <= eps < eps_max */
    double eps_max;
    int weights_rows;    /* 1 if the method gives each row a weight (rm_mean_weights) */
    int auto_eps;        /* 1 if it accepts eps = RM_EPS_AUTO (it chooses the fraction) */
    const char *options; /* the rm_options fields it reads besides method, eps, seed and
                            threads (which every method accepts), space-separated, e.g.
                            "max_iter tol"; giving it another is an error (RM_EINVAL) */
} rm_method_info;

/* The method table is static and read-only: these four functions are thread-safe, cannot
 * fail other than as stated, and return pointers the caller must not free or modify. */

/** The number of methods rm_mean() knows (at least 1). */
RM_API size_t rm_method_count(void);
/** The i-th method (0 <= i < rm_method_count()), or NULL when i is out of range. */
RM_API const rm_method_info *rm_method_at(size_t i);
/** The method called name (case-sensitive), or NULL when there is none or name is NULL. */
RM_API const rm_method_info *rm_method_find(const char *name);
/** The name of the method rm_mean() uses when rm_options.method is NULL; never NULL. */
RM_API const char *rm_method_default(void);

/* ---------------------------------------------------------------------------------------
 * Options and report
 * ------------------------------------------------------------------------------------- */

/* How the SILO solvers find the top eigenvectors of the weighted covariance. */
typedef enum rm_oracle {
    RM_ORACLE_AUTO = 0,    /* by cost: the formed matrix for small d, else Lanczos */
    RM_ORACLE_LANCZOS = 1, /* block Lanczos on products with Sigma_q, never formed */
    RM_ORACLE_DENSE = 2    /* Sigma_q formed (d x d) and handed to LAPACK */
} rm_oracle;

/* Whether the SILO solvers measure each column in its own robust unit (rm_options
 * .column_scaling). With robust units the estimate does not depend on the columns' units:
 * for any positive diagonal D, the estimate on X D is the estimate on X times D, up to
 * rounding; a column in millimetres beside one in kilometres weighs as much. */
typedef enum rm_scaling {
    RM_SCALING_AUTO = 0,   /* robust units for lowregret and pgd, unless sigma is given
                              (sigma is in the data's units); the data's units for filter */
    RM_SCALING_NONE = 1,   /* the data's own units: F is the top eigenvalue of Sigma_q */
    RM_SCALING_ROBUST = 2  /* each column divided by its median absolute deviation from the
                              coordinate-wise median (its mean absolute deviation where most
                              rows share one value), over all rows or, for n > 4000, over a
                              sample of 4000 (20000 from n = 100000), then over the rows a
                              quick solve on them keeps */
} rm_scaling;

/* Whether the SILO solvers adapt to the inliers' shape (rm_options.shaping). Outliers
 * shifted along a direction in which the inliers vary little add less to the top
 * eigenvalue than the inliers' own dominant directions, so minimising it alone can leave
 * them in. The shape step fits a metric on the rows the SILO point keeps (the
 * eigenvectors of their covariance, each scaled by their median absolute deviation along
 * it, floored at the median of those scales), solves again in it from scratch, and moves
 * the estimate towards that solve's, but never farther from the SILO point than its
 * certified radius (rm_report.shape_radius): the weights returned are the matching mix of
 * the two solves' weights. It holds a float copy of the data in that metric and is taken
 * only from a certified point; d at most RM_SHAPE_MAX_DIM. */
typedef enum rm_shaping {
    RM_SHAPING_AUTO = 0,  /* lowregret and pgd: the shape step when the kept rows are far
                             from round (rm_report.anisotropy above what round rows of that
                             count show); never for filter */
    RM_SHAPING_NONE = 1,  /* no shape step */
    RM_SHAPING_ALWAYS = 2 /* the shape step however round the rows are */
} rm_shaping;
#define RM_SHAPE_MAX_DIM 2048

/* How the data is laid out in memory (rm_options.layout). */
typedef enum rm_layout {
    RM_LAYOUT_ROWS = 0,   /* row-major, as C: row i is X[i*d .. i*d+d-1] */
    RM_LAYOUT_COLUMNS = 1 /* column-major, as R, Fortran and NumPy's order 'F': column j is
                             X[j*n .. j*n+n-1]. Read where it lies, never transposed into a
                             copy; the estimate is the same, to the bit, as on the same
                             matrix row-major */
} rm_layout;

/* The most top eigenvectors the SILO solvers use (rm_options.max_directions). */
#define RM_MAX_DIRECTIONS 16
/* The most threads rm_options.threads may ask for. */
#define RM_MAX_THREADS 1024

/* rm_options.eps for "not known": lowregret and pgd choose the fraction themselves
 * (rm_method_info.auto_eps). They solve at a conservative 0.3, then give rows back (0.2,
 * 0.1, 0.05, 0.02, 0) while the objective stays within what clean rows would reach
 * (Gaussian rows of the fit's effective dimension, as trimmed, and their sampling edge),
 * and solve at the smallest fraction that held (rm_report.eps_chosen; with n >= 100000
 * the choice runs on a sample of 20000 rows and allows for its sampling error). At least
 * RM_EPS_AUTO_MIN_ROWS rows are needed. A stated eps is better when known: the choice
 * takes several solves, and gives back corrupted rows that look like clean ones. */
#define RM_EPS_AUTO (-1.0)
#define RM_EPS_AUTO_MIN_ROWS 20

/* Options for rm_mean(). Fill with rm_options_init(), then set fields. Only read. */
typedef struct rm_options {
    const char *method; /* NULL: rm_method_default() */
    double eps;         /* fraction of corrupted rows; NAN (the default) means not given;
                           RM_EPS_AUTO: chosen by the method (auto_eps) */
    uint64_t seed;      /* for methods that draw random numbers (mom); echoed in reports */
    size_t max_iter;    /* iteration cap of iterative methods; 0: the method's default */
    double tol;         /* convergence tolerance, >= 0; 0: the method's default */
    size_t blocks;      /* mom: number of blocks; 0: 2*floor(eps*n) + 1 */
    /* The SILO solvers (pgd, filter, lowregret): */
    double delta;       /* eigenvalues within (1-delta)*F count as top, 0 <= delta < 1;
                           0: 0.05 */
    double sigma;       /* the inliers' scale, if known (sigma^2 = ||Cov_good||): enables
                           the certified error radius and the stop at F <= sigma^2;
                           0: unknown */
    double max_seconds; /* time budget; 0: none. When it runs out the best iterate so far
                           (geomedian, mom, which read it too: the last) is returned with
                           RM_NOT_CONVERGED */
    size_t max_directions; /* top eigenvectors the steps and the gap use
                              (1..RM_MAX_DIRECTIONS); 1 is the classical single direction;
                              0: the default (RM_MAX_DIRECTIONS) */
    rm_oracle oracle;   /* RM_ORACLE_AUTO by default */
    rm_scaling column_scaling; /* RM_SCALING_AUTO by default; RM_SCALING_ROBUST cannot be
                                  combined with sigma */
    rm_shaping shaping; /* RM_SHAPING_AUTO by default */
    int threads;        /* threads for the passes over the data, 0..RM_MAX_THREADS; 0: one
                           per core (OpenMP's default). Results do not depend on it. */
    rm_layout layout;   /* how X is laid out: RM_LAYOUT_ROWS by default; every method
                           accepts either */
    /* A way to stop a long solve from outside (an interactive user's Ctrl-C): NULL (the
       default), or a function the SILO solvers call with interrupt_data, from the
       calling thread, between iterations. When it returns nonzero the solve stops as at
       the time budget: the best iterate so far, RM_NOT_CONVERGED, rm_report.stop
       RM_STOP_INTERRUPTED. Once it has returned nonzero it must keep doing so until the
       call returns. Every method accepts it; the others than SILO's run to their end. */
    int (*interrupt)(void *interrupt_data);
    void *interrupt_data;
} rm_options;

/** Fill opt with the defaults: default method, eps not given, seed 1, method defaults.
 * Does nothing when opt is NULL; no allocation, cannot fail. */
RM_API void rm_options_init(rm_options *opt);

/* Why an iterative method stopped (rm_report.stop). */
typedef enum rm_stop {
    RM_STOP_NONE = 0,       /* a direct method: nothing to stop */
    RM_STOP_GAP,            /* SILO: the stationarity gap fell below tol * F */
    RM_STOP_GAP_CAPPED,     /* filter: the gap on the capped simplex fell below tol * F
                               (its weights may leave that simplex: the report measures the
                               gap again on the simplex that holds them) */
    RM_STOP_SIGMA,          /* SILO: the objective fell below the given sigma^2 */
    RM_STOP_STALLED,        /* the objective stopped falling */
    RM_STOP_STEP_RAISED,    /* SILO's endgame: a step raised the objective */
    RM_STOP_STEP_TOLERANCE, /* geomedian, mom: the step fell below the tolerance */
    RM_STOP_EPS_ZERO,       /* SILO with eps = 0: the sample mean, nothing to iterate */
    RM_STOP_ITERATION_CAP,  /* the iteration cap (RM_NOT_CONVERGED) */
    RM_STOP_TIME_BUDGET,    /* the time budget (RM_NOT_CONVERGED) */
    RM_STOP_INTERRUPTED     /* rm_options.interrupt said to stop (RM_NOT_CONVERGED) */
} rm_stop;

/** The words for a stop reason, as in rm_report.stop_reason ("" for RM_STOP_NONE).
 * @return a static string, never NULL; not freed. */
RM_API const char *rm_stop_text(rm_stop stop);

/* What rm_mean() did. Plain data (no owned pointers): the strings are static. */
typedef struct rm_report {
    const char *method;      /* the method that ran ("" when none was found) */
    int status;              /* the value rm_mean() returned */
    const char *invalid_option; /* when an option was invalid (RM_EINVAL, RM_EEPS,
                                   RM_EMETHOD): the rm_options field ("eps", "tol", ...);
                                   else NULL */
    char message[192];       /* on failure, what was wrong in words where there is more to
                                say than rm_strerror() (an invalid option, its value and
                                what it accepts); else "" */
    int converged;           /* 1 when the method met its tolerance (or is not iterative) */
    rm_stop stop;            /* why an iterative method stopped; RM_STOP_NONE for direct
                                methods */
    const char *stop_reason; /* rm_stop_text(stop) */
    size_t n, d;
    double eps;              /* as given (NAN when not given) */
    uint64_t seed;
    size_t iterations;       /* iterations of an iterative method; 0 for direct ones */
    double objective;        /* the quantity the method minimises (e.g. the sum of
                                distances for geomedian, F = ||Sigma_q|| for SILO); NAN
                                when it minimises none */
    double seconds;          /* wall-clock time of the call */
    /* The SILO solvers fill these; other methods leave them 0 / NAN / "". */
    const char *oracle;      /* "lanczos" or "dense": how the top eigenpairs were found */
    size_t products;         /* products of Sigma_q with a vector */
    size_t passes;           /* passes over the data */
    double gap;              /* Gap_delta of the returned weights (an upper bound) */
    size_t directions;       /* top eigenvectors the gap used */
    int certified;           /* 1: gap <= tol * F, eps < 1/3 and nothing in the data
                                contradicts eps or sigma (consistent), so the bounds below
                                hold if at most eps of the rows are corrupted */
    double bound_objective;  /* with certified: F <= bound_objective * sigma^2 */
    double bound_error;      /* with certified: ||estimate - mean of the good rows||
                                <= bound_error * sigma */
    double sigma_certificate;/* with opt.sigma: a certified radius of the error; else NAN */
    double weight_cap;       /* u = 1/((1-eps) n), the largest weight a row may take */
    size_t outliers;         /* rows whose weight is below u/2 */
    int guarantee;           /* 0 when eps >= 1/3: stationarity no longer implies accuracy */
    double eps_check;        /* F at min(2 eps, 0.45) over F at eps, on the rows or, for
                                large n, on a sample of them: near 1 when at most eps of the
                                rows are corrupted, far below when more are (or when the
                                inliers' top direction or tails trim easily); NAN when not
                                measured (eps >= 0.45, eps = 0) */
    double eps_chosen;       /* SILO: the eps the estimate was computed at (eps when given,
                                the choice with RM_EPS_AUTO); NAN for other methods */
    double outlier_fraction; /* SILO: outliers / n */
    int columns_scaled;      /* 1 when each column was measured in its own robust unit
                                (rm_scaling): then objective, gap and the bounds are in the
                                units of the column with the largest unit, the others
                                stretched to it, and the error bounds hold a fortiori in
                                the data's own Euclidean norm */
    double anisotropy;       /* SILO: the largest over the median of the squared robust
                                scales of the kept rows along their principal directions
                                (rm_shaping), when the shape step looked; else NAN */
    double shape_gain;       /* SILO, when the shape step solved in the inliers' metric:
                                F there at the SILO point over F at that solve's weights
                                (the estimate moves only when this is well above 1); else
                                NAN */
    int shape_refined;       /* 1 when the shape step moved the estimate: objective, gap
                                and directions are still the SILO point's, bound_error and
                                sigma_certificate grow by the move */
    double shape_shift;      /* with shape_refined: how far it moved the estimate from the
                                SILO point (in the units of objective); else 0 */
    double shape_radius;     /* with shape_refined: the certified radius it was held
                                within, bound_error * sqrt(objective); else NAN */
    int consistent;          /* 0 when the data contradicts the stated eps
                                (eps_contradicted: more than eps of the rows look corrupted) or
                                sigma (F above what the certificate allows for it); then
                                certified is 0. 1 otherwise, and for other methods */
    double eps_check_shift;  /* at eps: |weighted mean - median| of the kept rows'
                                projections on the top direction, over sqrt(F): near 0 when
                                what is kept is symmetric about its mean, as inliers are;
                                corrupted rows left over pull the mean to their side. NAN
                                when not measured */
    double eps_check_excess; /* at eps: F over the variance along the top direction that
                                the kept rows' median |projection - mean| gives for a normal
                                law: near 1 or below for one normal bulk, above when a part
                                of the rows stands off it. NAN when not measured */
    int eps_contradicted;    /* 1 when the check says that more than eps of the rows are
                                corrupted: eps_check below 0.65, eps_check_shift above
                                0.08 and eps_check_excess above 1.2 */
    int eps_check_in_metric; /* 1 when the three eps_check figures were measured in the
                                shape step's metric (it ran its last solve: anisotropic rows,
                                a certified point), where corrupted rows hidden below the
                                inliers' dominant directions stand out; 0: in the data's
                                own coordinates */
} rm_report;

/**
 * Estimate the mean of the n rows of X (n x d, row-major: row i is X[i*d .. i*d+d-1]).
 *
 * @param X      the data; read only. Every value must be finite.
 * @param n,d    rows and columns, both at least 1, n*d must not overflow size_t.
 * @param opt    options (NULL: the defaults of rm_options_init()).
 * @param mean   caller-owned buffer of d doubles; receives the estimate.
 * @param report NULL, or a report to fill (on success and on failure).
 * Ownership: nothing is retained after the call; all memory the method needs is allocated
 * and freed inside it. Threads: calls may run at once on the same X, as long as each has
 * its own mean and report buffers.
 * @return RM_OK; RM_NOT_CONVERGED when an iterative method hit its iteration cap or time
 *         budget (mean still holds its best iterate); or a negative RM_E* code, in which
 *         case mean is left untouched: RM_EINVAL (X or mean NULL, n or d zero, an invalid
 *         option: report->invalid_option names it), RM_EMETHOD, RM_EEPS, RM_ETOOFEW,
 *         RM_ENONFINITE, RM_EOVERFLOW, RM_ENOMEM, RM_ENUMERIC.
 */
RM_API int rm_mean(const double *X, size_t n, size_t d, const rm_options *opt, double *mean,
                   rm_report *report);

/**
 * rm_mean() that also gives each row's weight in the estimate, for methods that weight
 * rows (rm_method_info.weights_rows): the estimate is sum_i weights[i] x_i, the weights
 * sum to 1, and a SILO method flags as outliers the rows whose weight is below half the
 * cap (rm_report.weight_cap). weights: a caller-owned buffer of n doubles, written on
 * success; with a method that does not weight rows the call fails with RM_EINVAL
 * (report->invalid_option "weights"). Otherwise as rm_mean().
 */
RM_API int rm_mean_weights(const double *X, size_t n, size_t d, const rm_options *opt,
                           double *mean, double *weights, rm_report *report);

/**
 * Check opt as rm_mean() would, before any data is at hand. @return RM_OK, or RM_EINVAL,
 * RM_EEPS or RM_EMETHOD with report (if not NULL) naming the option and saying what is
 * wrong with it (invalid_option, message; the other fields as rm_mean() leaves them
 * before it starts).
 */
RM_API int rm_options_check(const rm_options *opt, rm_report *report);

/**
 * rm_mean() on data stored as float (n x d, row-major): half the bytes of every pass over
 * the data. Each value is widened to double as it is read and all arithmetic is in
 * double, so the result is exactly rm_mean()'s on the same values stored as double.
 * Parameters, threads rule and return values as rm_mean().
 */
RM_API int rm_mean_float(const float *X, size_t n, size_t d, const rm_options *opt,
                         double *mean, rm_report *report);

/** rm_mean_weights() on data stored as float, as rm_mean_float() is to rm_mean(). */
RM_API int rm_mean_float_weights(const float *X, size_t n, size_t d, const rm_options *opt,
                                 double *mean, double *weights, rm_report *report);

/* ---------------------------------------------------------------------------------------
 * Reading data: CSV and NumPy .npy
 * ------------------------------------------------------------------------------------- */

typedef enum rm_format {
    RM_FORMAT_AUTO = 0,
    RM_FORMAT_CSV = 1,
    RM_FORMAT_NPY = 2,
    RM_FORMAT_NPZ = 3, /* NumPy's .npz: a zip archive of .npy arrays, stored or deflated */
    RM_FORMAT_HDF5 = 4 /* one dataset of an HDF5 file (when the library is built with
                          HDF5: rm_read_formats() lists "h5") */
} rm_format;
typedef enum rm_header { RM_HEADER_AUTO = -1, RM_HEADER_NO = 0, RM_HEADER_YES = 1 } rm_header;
/* How the values are held in memory (rm_read_options.storage). */
typedef enum rm_storage {
    RM_STORAGE_DOUBLE = 0,
    RM_STORAGE_FLOAT = 1,
    RM_STORAGE_AS_FILE = 2
} rm_storage;

typedef struct rm_read_options {
    rm_format format;   /* RM_FORMAT_AUTO: .npy, .npz or HDF5 (.h5, .hdf5) by extension or
                           magic bytes, else CSV */
    char delimiter;     /* 0: detect; ',', '\t', ';', or ' ' (runs of spaces and tabs) */
    rm_header header;   /* RM_HEADER_AUTO: the first row is a header when a field in it is
                           not a number, or when it reads 0,1,...,d-1 (d >= 3) */
    int drop_nonfinite; /* 1: drop rows holding NaN, Inf or an empty field instead of failing */
    rm_storage storage; /* RM_STORAGE_DOUBLE: values as double (rm_data.values).
                           RM_STORAGE_FLOAT: as float (rm_data.values_float), half the
                           memory and half the bytes per pass of rm_mean_float(): CSV
                           numbers are rounded to the nearest float (as strtof), .npy
                           float64 values too; a value beyond the float range (about
                           3.4e38) is an RM_ERANGE error.
                           RM_STORAGE_AS_FILE: float for a .npy of float32, float16 or
                           integers of up to 16 bits (nothing is lost),
                           double for everything else. */
    int threads;        /* threads that parse CSV and check values; 0: one per core */
    const char *columns; /* NULL: every column. Else the columns to read, in this order: a
                            comma-separated list of 1-based column numbers ("8"), ranges
                            ("2-5") and header names ("price", CSV with a header row: the
                            first line is then the header; an HDF5 dataset's names, as
                            rm_read_file() says). An item that reads as a number or a range
                            is one; a column chosen twice is an error. A label column
                            (rm_data.skipped_label_column) keeps its number. */
    const char *skip_columns; /* NULL: none. Columns to leave out, as columns names them;
                            left out of the columns chosen (of all of them, without
                            columns). Only the columns read are parsed: text in a column left
                            out is no error. */
    char decimal;       /* the decimal mark of CSV numbers: '.' (the default; 0 too) or ','
                           (1,5 is 1.5, read as exactly as with a point; a '.' in a number
                           is then text). A decimal comma needs another delimiter than ',':
                           detection then chooses among ';', a tab and white space. */
    const char *dataset; /* the array to read from a .npz archive (its name, with or without
                           ".npy") or an HDF5 file (its path, "/group/dataset"); NULL: the
                           file's one array (several: RM_EINVAL, with
                           rm_read_error.needs_dataset). Other formats refuse it. */
} rm_read_options;

/** Fill opt with the defaults: detect the format, the delimiter and the header; keep
 * non-finite values an error; store doubles. Does nothing when opt is NULL; cannot fail. */
RM_API void rm_read_options_init(rm_read_options *opt);

/* A data matrix read from a file. Release with rm_data_free(). */
typedef struct rm_data {
    double *values;      /* n*d, row-major; owned by the rm_data. Writable; a .npy file may
                            be mapped rather than read (a private mapping: writes never
                            reach the file). NULL when the values are floats: */
    float *values_float; /* n*d, row-major, when read with RM_STORAGE_FLOAT (or AS_FILE
                            from a .npy of float32, float16 or small integers); else
                            NULL. Exactly one of values and values_float is set. */
    size_t n, d;
    size_t dropped_rows; /* rows dropped under drop_nonfinite */
    size_t *dropped;     /* their 1-based data-row numbers in the file, ascending
                            (dropped_rows of them); NULL when none was dropped. Row i of
                            values is the file's data row i + 1 plus the number of dropped
                            rows before it. */
    int had_header;      /* 1 when a CSV header row was skipped */
    int header_is_index; /* 1 when that header was detected although numeric: the column
                            numbers 0,1,...,d-1 (d >= 3) that pandas writes for unnamed
                            columns; RM_HEADER_NO reads such a line as data */
    int header_mixed;    /* 1 when a detected header held fields that read as numbers
                            beside text: a first data row with a typo looks the same, so
                            say so (RM_HEADER_NO reads it as data, and names the field) */
    int skipped_label_column; /* 1 when the header's first name was empty (pandas'
                            to_csv index, R's write.csv row names): that column holds row
                            labels, not data, and was left out (d does not count it) */
    int trailing_delimiter; /* 1 when the first line ended with the delimiter: an empty
                            last field on any line was taken as that, not as a column */
    size_t *column_numbers; /* d of them: the file's 1-based number of each column read, in
                            the order read (a label column counts, as in error messages) */
    char **column_names; /* d of them: the header's name of each column read; NULL when the
                            file has no header row or HDF5 names (and for .npy, .npz) */
    struct rm_data_mapping *mapping; /* private: the file mapping behind values, if any */
} rm_data;

/* Where and why reading failed. The message names the place (line, data row, column)
 * but not the file: the caller knows which file it passed. */
typedef struct rm_read_error {
    size_t line;         /* 1-based line in the file (0 when it does not apply) */
    size_t row;          /* 1-based data row, not counting header, comments, blanks */
    size_t column;       /* 1-based column (0 when it does not apply) */
    char message[256];
    int text_field;      /* 1 when the failure is text where a number was expected: if the
                            column holds text (an id, a label), skip_columns leaves it out */
    char column_name[64]; /* the header's name of that column ("" when there is none, or
                            when it is longer than this holds) */
    int needs_dataset;   /* 1 when the file holds several arrays and
                            rm_read_options.dataset must name one (the message lists them) */
} rm_read_error;

/**
 * Read a matrix from path ("-" or NULL: standard input).
 *
 * CSV: comma, tab, semicolon or whitespace delimited; an optional header row; CRLF line
 * ends, a UTF-8 byte order mark, '#' comment lines and blank lines are accepted. Numbers
 * are read exactly as strtod() reads them in the C locale, whatever the process locale.
 * .npy: versions 1-3, every numeric dtype (float16/32/64, int8..int64, uint8..uint64) in
 * either byte order (integers exactly: one beyond 2^53 is RM_ERANGE), C or Fortran order,
 * 1-D (d = 1) or 2-D.
 * .npz: one array of a NumPy archive (stored or deflated members, CRC-checked), named by
 * opt->dataset unless it is the only one; a regular file (it is read by seeking).
 * HDF5 (when built with it: rm_read_formats() lists "h5"): one dataset, by its path in
 * opt->dataset unless it is the only one; integer or float, contiguous or chunked, 1-D or
 * 2-D; read by blocks of rows; a "columns" attribute of d strings names the columns, else
 * a dimension scale of d strings on dimension 1 (netCDF-4 / xarray coordinates; a scale of
 * numbers names nothing). HDF5
 * has global state: the library's HDF5 calls run one at a time.
 * Compressed: CSV or .npy, compressed with gzip or Zstandard (known by the first bytes; a name
 * ending in .gz or .zst must hold such data), is decompressed as it is read; truncated or
 * corrupt compressed data is RM_EFORMAT, and no data is returned.
 * Columns: opt->columns and opt->skip_columns choose them (by number in every format, by
 * name in CSV with a header and in named HDF5 datasets); out->column_numbers and out->column_names say which were read.
 *
 * @param opt  NULL (the defaults of rm_read_options_init()), or the reading options.
 * @param out  receives the matrix on success (zeroed on failure); the caller owns
 *             out->values (or out->values_float) and releases it with rm_data_free().
 * @param err  NULL, or receives the place and reason of a failure.
 * Threads: calls may run at once with distinct out and err (standard input is one stream:
 * read it from one thread).
 * @return RM_OK, or RM_EIO, RM_EPARSE, RM_ERANGE, RM_ENONFINITE, RM_EEMPTY, RM_EFORMAT,
 *         RM_EOVERFLOW, RM_ENOMEM, RM_EINVAL (an invalid option, or columns that do not
 *         fit the file).
 */
RM_API int rm_read_file(const char *path, const rm_read_options *opt, rm_data *out,
                        rm_read_error *err);

/**
 * The inputs this build of the library reads, space-separated: "csv csv.gz csv.zst npy
 * npy.gz npy.zst" and more as built. Thread-safe. @return a static string, never NULL;
 * not freed.
 */
RM_API const char *rm_read_formats(void);

/** Release what rm_read_file() allocated and zero *data; NULL-safe, safe on a zeroed
 * rm_data, so calling it twice is harmless. Cannot fail. */
RM_API void rm_data_free(rm_data *data);

#ifdef __cplusplus
}
#endif

#endif /* ROBUSTMEAN_H */
