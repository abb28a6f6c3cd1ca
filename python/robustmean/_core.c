/* The C side of the Python package: NumPy arrays in, librobustmean's calls, NumPy arrays
 * and plain dicts out. Everything Pythonic (names, defaults, the result and estimator
 * classes, docstrings) lives in __init__.py; this file only converts and calls, and
 * releases the GIL while the library works. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

#include <math.h>
#include <string.h>

#include "robustmean.h"
#include "robustmean_generate.h"

/* ------------------------------------------------------------------------------------ */
/* Errors                                                                               */

/* The exception a failed call raises: invalid input and options are the caller's
 * (ValueError), memory is MemoryError, a numerical failure RuntimeError. */
static PyObject *exception_for(int status)
{
    switch (status) {
    case RM_ENOMEM:
        return PyExc_MemoryError;
    case RM_ENUMERIC:
    case RM_EIO:
        return PyExc_RuntimeError;
    default:
        return PyExc_ValueError;
    }
}

/* Raise for a failed library call: the report's message when it has one, else the
 * status's words, after what the caller knows (context, may be NULL). */
static PyObject *raise_status(int status, const rm_report *rep, const char *context)
{
    const char *words = rep && rep->message[0] ? rep->message : rm_strerror(status);
    /* an invalid option the message does not name: name it */
    if ((!context || !context[0]) && rep && rep->invalid_option &&
        !strstr(words, rep->invalid_option))
        context = rep->invalid_option;
    if (context && context[0])
        PyErr_Format(exception_for(status), "%s: %s", context, words);
    else
        PyErr_SetString(exception_for(status), words);
    return NULL;
}

/* ------------------------------------------------------------------------------------ */
/* The data                                                                             */

/* X as the library reads it: a 2-D, aligned float64 or float32 array, C-contiguous or
 * Fortran-contiguous (*by_columns = 1; the library reads columns in place). Such an
 * array is used as it is (a new reference to it, *copied = 0); anything else is converted
 * once to C order (float32 stays float32, every other type becomes float64). */
static PyArrayObject *as_rows(PyObject *X, int *copied, int *by_columns)
{
    *copied = *by_columns = 0;
    if (PyArray_Check(X)) {
        PyArrayObject *a = (PyArrayObject *)X;
        int type = PyArray_TYPE(a);
        if (PyArray_NDIM(a) == 2 && (type == NPY_DOUBLE || type == NPY_FLOAT) &&
            PyArray_ISALIGNED(a) && PyArray_ISNOTSWAPPED(a) &&
            (PyArray_IS_C_CONTIGUOUS(a) || PyArray_IS_F_CONTIGUOUS(a))) {
            *by_columns = !PyArray_IS_C_CONTIGUOUS(a);
            Py_INCREF(a);
            return a;
        }
    }
    PyArrayObject *probe = (PyArrayObject *)PyArray_FROMANY(X, NPY_NOTYPE, 0, 0, 0);
    if (!probe)
        return NULL;
    int type = PyArray_TYPE(probe);
    if (PyArray_ISCOMPLEX(probe) || !(PyArray_ISNUMBER(probe) || PyArray_ISBOOL(probe))) {
        PyErr_Format(PyExc_ValueError, "X must hold real numbers, not %s",
                     PyArray_DESCR(probe)->typeobj->tp_name);
        Py_DECREF(probe);
        return NULL;
    }
    if (PyArray_NDIM(probe) != 2) {
        PyErr_Format(PyExc_ValueError,
                     "X must be 2-D (n rows of d columns), not %d-D%s", PyArray_NDIM(probe),
                     PyArray_NDIM(probe) == 1 ? ": for one column use X.reshape(-1, 1)" : "");
        Py_DECREF(probe);
        return NULL;
    }
    int want = type == NPY_FLOAT ? NPY_FLOAT : NPY_DOUBLE;
    PyArrayObject *a = (PyArrayObject *)PyArray_FROMANY(
        (PyObject *)probe, want, 2, 2, NPY_ARRAY_C_CONTIGUOUS | NPY_ARRAY_ALIGNED | NPY_ARRAY_NOTSWAPPED);
    *copied = a && (PyObject *)a != X;
    Py_DECREF(probe);
    return a;
}

/* Where the first NaN or infinity of the rows is (the library says only that there is
 * one): "row i, column j" (0-based, as NumPy counts) into buf. */
static void locate_nonfinite(PyArrayObject *a, int by_columns, char *buf, size_t size)
{
    npy_intp n = PyArray_DIM(a, 0), d = PyArray_DIM(a, 1);
    int single = PyArray_TYPE(a) == NPY_FLOAT;
    const void *data = PyArray_DATA(a);
    for (npy_intp i = 0; i < n; i++)
        for (npy_intp j = 0; j < d; j++) {
            npy_intp k = by_columns ? j * n + i : i * d + j;
            double v = single ? ((const float *)data)[k] : ((const double *)data)[k];
            if (!isfinite(v)) {
                snprintf(buf, size, "X[%zd, %zd] is %s", (Py_ssize_t)i, (Py_ssize_t)j,
                         isnan(v) ? "NaN" : "infinite");
                return;
            }
        }
    snprintf(buf, size, "X");
}

/* ------------------------------------------------------------------------------------ */
/* Options: a dict of the rm_options fields by name, None or absent for the default     */

typedef struct named {
    const char *name;
    int value;
} named;

static const named oracles[] = {{"auto", RM_ORACLE_AUTO},
                                {"lanczos", RM_ORACLE_LANCZOS},
                                {"dense", RM_ORACLE_DENSE},
                                {NULL, 0}};
static const named scalings[] = {{"auto", RM_SCALING_AUTO},
                                 {"none", RM_SCALING_NONE},
                                 {"robust", RM_SCALING_ROBUST},
                                 {NULL, 0}};
static const named shapings[] = {{"auto", RM_SHAPING_AUTO},
                                 {"none", RM_SHAPING_NONE},
                                 {"always", RM_SHAPING_ALWAYS},
                                 {NULL, 0}};

static const char *name_of(const named *table, int value)
{
    for (; table->name; table++)
        if (table->value == value)
            return table->name;
    return "";
}

/* The item key of dict, or NULL when absent or None (no exception set). */
static PyObject *item(PyObject *dict, const char *key)
{
    PyObject *v = PyDict_GetItemString(dict, key);
    return v == Py_None ? NULL : v;
}

static int get_double(PyObject *dict, const char *key, double *out)
{
    PyObject *v = item(dict, key);
    if (!v)
        return 0;
    double x = PyFloat_AsDouble(v);
    if (x == -1.0 && PyErr_Occurred()) {
        PyErr_Format(PyExc_TypeError, "%s must be a number", key);
        return -1;
    }
    *out = x;
    return 0;
}

static int get_size(PyObject *dict, const char *key, size_t *out)
{
    PyObject *v = item(dict, key);
    if (!v)
        return 0;
    if (!PyLong_Check(v) || PyBool_Check(v)) {
        PyErr_Format(PyExc_TypeError, "%s must be an integer", key);
        return -1;
    }
    long long x = PyLong_AsLongLong(v);
    if (x == -1 && PyErr_Occurred())
        return -1;
    if (x < 0) {
        PyErr_Format(PyExc_ValueError, "%s must be >= 0, not %lld", key, x);
        return -1;
    }
    *out = (size_t)x;
    return 0;
}

static int get_seed(PyObject *dict, uint64_t *out)
{
    PyObject *v = item(dict, "seed");
    if (!v)
        return 0;
    unsigned long long x = PyLong_Check(v) ? PyLong_AsUnsignedLongLong(v) : 0;
    if (!PyLong_Check(v) || PyBool_Check(v) || PyErr_Occurred()) {
        PyErr_Clear();
        PyErr_Format(PyExc_ValueError, "seed must be an integer in [0, 2**64), not %R", v);
        return -1;
    }
    *out = (uint64_t)x;
    return 0;
}

static int get_named(PyObject *dict, const char *key, const named *table, int *out)
{
    PyObject *v = item(dict, key);
    if (!v)
        return 0;
    const char *s = PyUnicode_Check(v) ? PyUnicode_AsUTF8(v) : NULL;
    for (const named *t = table; s && t->name; t++)
        if (strcmp(s, t->name) == 0) {
            *out = t->value;
            return 0;
        }
    char accepted[128] = "";
    for (const named *t = table; t->name; t++)
        snprintf(accepted + strlen(accepted), sizeof accepted - strlen(accepted), "%s'%s'",
                 t == table ? "" : ", ", t->name);
    PyErr_Format(PyExc_ValueError, "%s must be one of %s, not %R", key, accepted, v);
    return -1;
}

/* opt from the dict (the method's name points into the dict's str: keep the dict for the
 * call). */
static int options_from(PyObject *dict, rm_options *opt)
{
    rm_options_init(opt);
    if (!PyDict_Check(dict)) {
        PyErr_SetString(PyExc_TypeError, "options must be a dict");
        return -1;
    }
    PyObject *method = item(dict, "method");
    if (method) {
        if (!PyUnicode_Check(method)) {
            PyErr_SetString(PyExc_TypeError, "method must be a str");
            return -1;
        }
        opt->method = PyUnicode_AsUTF8(method); /* held by the dict for the call */
        if (!opt->method)
            return -1;
    }
    PyObject *eps = item(dict, "eps");
    if (eps && PyUnicode_Check(eps)) {
        if (strcmp(PyUnicode_AsUTF8(eps), "auto") != 0) {
            PyErr_Format(PyExc_ValueError, "eps must be a number or 'auto', not %R", eps);
            return -1;
        }
        opt->eps = RM_EPS_AUTO;
    } else if (get_double(dict, "eps", &opt->eps) < 0) {
        return -1;
    }
    if (get_seed(dict, &opt->seed) < 0)
        return -1;
    size_t threads = 0;
    int oracle = opt->oracle, scaling = opt->column_scaling, shaping = opt->shaping;
    if (get_size(dict, "max_iter", &opt->max_iter) < 0 || get_double(dict, "tol", &opt->tol) < 0 ||
        get_size(dict, "blocks", &opt->blocks) < 0 || get_double(dict, "delta", &opt->delta) < 0 ||
        get_double(dict, "sigma", &opt->sigma) < 0 ||
        get_double(dict, "max_seconds", &opt->max_seconds) < 0 ||
        get_size(dict, "max_directions", &opt->max_directions) < 0 ||
        get_size(dict, "threads", &threads) < 0 || get_named(dict, "oracle", oracles, &oracle) < 0 ||
        get_named(dict, "column_scaling", scalings, &scaling) < 0 ||
        get_named(dict, "shaping", shapings, &shaping) < 0)
        return -1;
    if (threads > RM_MAX_THREADS) {
        PyErr_Format(PyExc_ValueError, "threads must be at most %d, not %zu", RM_MAX_THREADS,
                     threads);
        return -1;
    }
    opt->threads = (int)threads;
    opt->oracle = (rm_oracle)oracle;
    opt->column_scaling = (rm_scaling)scaling;
    opt->shaping = (rm_shaping)shaping;
    return 0;
}

/* ------------------------------------------------------------------------------------ */
/* Results                                                                              */

/* A float, or None where the library says "not measured" (NaN). */
static PyObject *maybe(double x) { return isnan(x) ? Py_NewRef(Py_None) : PyFloat_FromDouble(x); }

static PyObject *text(const char *s) { return PyUnicode_FromString(s ? s : ""); }

/* The report as a dict, its keys as in the CLI's --format json where both have one. */
static PyObject *report_dict(const rm_report *r)
{
    return Py_BuildValue(
        "{s:N,s:i,s:N,s:N,s:N,s:i,s:N,s:n,s:n,s:N,s:K,s:n,s:N,s:d,s:N,s:n,s:n,s:N,s:n,s:N,"
        "s:N,s:N,s:N,s:N,s:n,s:N,s:N,s:N,s:N,s:N,s:N,s:N,s:N,s:N,s:N,s:N,s:N,s:N,s:N,s:N}",
        "method", text(r->method), "status", r->status, "invalid_option",
        r->invalid_option ? text(r->invalid_option) : Py_NewRef(Py_None), "message",
        text(r->message), "converged", PyBool_FromLong(r->converged), "stop", (int)r->stop,
        "stop_reason", text(r->stop_reason), "n", (Py_ssize_t)r->n, "d", (Py_ssize_t)r->d,
        "eps", r->eps == RM_EPS_AUTO ? text("auto") : maybe(r->eps), "seed",
        (unsigned long long)r->seed, "iterations", (Py_ssize_t)r->iterations, "objective",
        maybe(r->objective), "seconds", r->seconds, "oracle", text(r->oracle), "products",
        (Py_ssize_t)r->products, "passes", (Py_ssize_t)r->passes, "gap", maybe(r->gap),
        "directions", (Py_ssize_t)r->directions, "certified", PyBool_FromLong(r->certified),
        "bound_objective", maybe(r->bound_objective), "bound_error", maybe(r->bound_error),
        "sigma_certificate", maybe(r->sigma_certificate), "weight_cap", maybe(r->weight_cap),
        "outlier_count", (Py_ssize_t)r->outliers, "guarantee", PyBool_FromLong(r->guarantee),
        "eps_check", maybe(r->eps_check), "eps_chosen", maybe(r->eps_chosen),
        "outlier_fraction", maybe(r->outlier_fraction), "columns_scaled",
        PyBool_FromLong(r->columns_scaled), "anisotropy", maybe(r->anisotropy), "shape_gain",
        maybe(r->shape_gain), "shape_refined", PyBool_FromLong(r->shape_refined),
        "shape_shift", PyFloat_FromDouble(r->shape_shift), "shape_radius",
        maybe(r->shape_radius), "consistent", PyBool_FromLong(r->consistent),
        "eps_check_shift", maybe(r->eps_check_shift), "eps_check_excess",
        maybe(r->eps_check_excess), "eps_contradicted", PyBool_FromLong(r->eps_contradicted),
        "eps_check_in_metric", PyBool_FromLong(r->eps_check_in_metric));
}

/* ------------------------------------------------------------------------------------ */
/* Module functions                                                                     */

/* Ctrl-C while the library works: the hook it polls between iterations takes the GIL
 * back, lets Python run its signal handlers (KeyboardInterrupt is raised there, in the
 * main thread), and latches, as rm_options.interrupt asks. */
typedef struct interrupt_state {
    PyThreadState *saved;
    int latched;
} interrupt_state;

static int interrupted(void *data)
{
    interrupt_state *it = data;
    if (!it->latched) {
        PyEval_RestoreThread(it->saved);
        if (PyErr_CheckSignals() < 0)
            it->latched = 1; /* the exception stays set for the caller */
        it->saved = PyEval_SaveThread();
    }
    return it->latched;
}

static PyObject *py_estimate(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *X, *options;
    int want_weights;
    if (!PyArg_ParseTuple(args, "OO!p", &X, &PyDict_Type, &options, &want_weights))
        return NULL;
    rm_options opt;
    if (options_from(options, &opt) < 0)
        return NULL;
    int copied, by_columns;
    PyArrayObject *a = as_rows(X, &copied, &by_columns);
    if (!a)
        return NULL;
    opt.layout = by_columns ? RM_LAYOUT_COLUMNS : RM_LAYOUT_ROWS;
    npy_intp n = PyArray_DIM(a, 0), d = PyArray_DIM(a, 1), wdims[1] = {n}, mdims[1] = {d};
    PyObject *result = NULL;
    PyArrayObject *mean = NULL, *weights = NULL;
    if (n == 0 || d == 0) {
        PyErr_Format(PyExc_ValueError, "X has no %s (shape (%zd, %zd))", n == 0 ? "rows" : "columns",
                     (Py_ssize_t)n, (Py_ssize_t)d);
        goto done;
    }
    mean = (PyArrayObject *)PyArray_SimpleNew(1, mdims, NPY_DOUBLE);
    weights = want_weights ? (PyArrayObject *)PyArray_SimpleNew(1, wdims, NPY_DOUBLE) : NULL;
    if (!mean || (want_weights && !weights))
        goto done;
    rm_report rep;
    int status, single = PyArray_TYPE(a) == NPY_FLOAT;
    const void *data = PyArray_DATA(a);
    double *m = (double *)PyArray_DATA(mean), *w = weights ? (double *)PyArray_DATA(weights) : NULL;
    interrupt_state it = {.saved = PyEval_SaveThread(), .latched = 0};
    opt.interrupt = interrupted;
    opt.interrupt_data = &it;
    if (single)
        status = w ? rm_mean_float_weights(data, (size_t)n, (size_t)d, &opt, m, w, &rep)
                   : rm_mean_float(data, (size_t)n, (size_t)d, &opt, m, &rep);
    else
        status = w ? rm_mean_weights(data, (size_t)n, (size_t)d, &opt, m, w, &rep)
                   : rm_mean(data, (size_t)n, (size_t)d, &opt, m, &rep);
    PyEval_RestoreThread(it.saved);
    if (it.latched) /* KeyboardInterrupt (or what the handler raised) is set */
        goto done;
    if (status < 0) {
        char where[96] = "";
        if (status == RM_ENONFINITE)
            locate_nonfinite(a, by_columns, where, sizeof where);
        raise_status(status, &rep, where);
        goto done;
    }
    PyObject *report = report_dict(&rep);
    if (report) {
        result = Py_BuildValue("OOOO", mean, weights ? (PyObject *)weights : Py_None, report,
                               copied ? Py_True : Py_False);
        Py_DECREF(report);
    }
done:
    Py_DECREF(a);
    Py_XDECREF(mean);
    Py_XDECREF(weights);
    return result;
}

/* For the tests of zero copy: the address of the buffer estimate() would hand to the
 * library for X, whether it had to convert X, and whether it reads it by columns. */
static PyObject *py_input_address(PyObject *self, PyObject *X)
{
    (void)self;
    int copied, by_columns;
    PyArrayObject *a = as_rows(X, &copied, &by_columns);
    if (!a)
        return NULL;
    PyObject *out = Py_BuildValue("(KOO)", (unsigned long long)(uintptr_t)PyArray_DATA(a),
                                  copied ? Py_True : Py_False, by_columns ? Py_True : Py_False);
    Py_DECREF(a);
    return out;
}

static PyObject *py_option_defaults(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    rm_options o;
    rm_options_init(&o);
    return Py_BuildValue("{s:s,s:N,s:K,s:n,s:d,s:n,s:d,s:d,s:d,s:n,s:s,s:s,s:s,s:i}", "method",
                         o.method ? o.method : rm_method_default(), "eps", maybe(o.eps), "seed",
                         (unsigned long long)o.seed, "max_iter", (Py_ssize_t)o.max_iter, "tol",
                         o.tol, "blocks", (Py_ssize_t)o.blocks, "delta", o.delta, "sigma",
                         o.sigma, "max_seconds", o.max_seconds, "max_directions",
                         (Py_ssize_t)o.max_directions, "oracle", name_of(oracles, o.oracle),
                         "column_scaling", name_of(scalings, o.column_scaling), "shaping",
                         name_of(shapings, o.shaping), "threads", o.threads);
}

static PyObject *py_methods(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    size_t count = rm_method_count();
    PyObject *list = PyList_New((Py_ssize_t)count);
    for (size_t i = 0; list && i < count; i++) {
        const rm_method_info *m = rm_method_at(i);
        PyObject *entry = Py_BuildValue(
            "{s:s,s:s,s:N,s:d,s:d,s:N,s:N,s:s}", "name", m->name, "summary", m->summary,
            "needs_eps", PyBool_FromLong(m->needs_eps), "eps_min", m->eps_min, "eps_max",
            m->eps_max, "weights_rows", PyBool_FromLong(m->weights_rows), "auto_eps",
            PyBool_FromLong(m->auto_eps), "options", m->options);
        if (!entry) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, entry);
    }
    return list;
}

static PyObject *model_list(size_t count, const rm_model_info *(*at)(size_t))
{
    PyObject *list = PyList_New((Py_ssize_t)count);
    for (size_t i = 0; list && i < count; i++) {
        const rm_model_info *m = at(i);
        PyObject *entry = Py_BuildValue("{s:s,s:s,s:s}", "name", m->name, "summary", m->summary,
                                        "parameters", m->parameters);
        if (!entry) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, entry);
    }
    return list;
}

static PyObject *py_models(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return Py_BuildValue("{s:N,s:N}", "corruption", model_list(rm_corruption_count(), rm_corruption_at),
                         "inliers", model_list(rm_inlier_model_count(), rm_inlier_model_at));
}

/* A NumPy array holding a copy of count values of type size at data. */
static PyObject *copy_array(int nd, npy_intp *dims, int type, const void *data, size_t bytes)
{
    PyObject *a = PyArray_SimpleNew(nd, dims, type);
    if (a && bytes)
        memcpy(PyArray_DATA((PyArrayObject *)a), data, bytes);
    return a;
}

static PyObject *py_generate(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *dict;
    if (!PyArg_ParseTuple(args, "O!", &PyDict_Type, &dict))
        return NULL;
    rm_generate_options g;
    rm_generate_options_init(&g);
    if (get_seed(dict, &g.seed) < 0)
        return NULL;
    const struct {
        const char *key;
        const char **field;
    } texts[] = {{"model", &g.corruption}, {"inliers", &g.inliers}, {"direction", &g.direction}};
    for (size_t k = 0; k < sizeof texts / sizeof *texts; k++) {
        PyObject *v = item(dict, texts[k].key);
        if (!v)
            continue;
        if (!PyUnicode_Check(v)) {
            PyErr_Format(PyExc_TypeError, "%s must be a str", texts[k].key);
            return NULL;
        }
        *texts[k].field = PyUnicode_AsUTF8(v);
    }
    const struct {
        const char *key;
        double *field;
    } numbers[] = {{"eps", &g.eps},           {"scale", &g.scale},
                   {"decay", &g.decay},       {"nu", &g.nu},
                   {"separation", &g.separation}, {"spike", &g.spike},
                   {"distance", &g.distance}, {"angle", &g.angle},
                   {"split", &g.split},       {"shift", &g.shift},
                   {"spread", &g.spread},     {"column_lo", &g.column_lo},
                   {"column_hi", &g.column_hi}};
    for (size_t k = 0; k < sizeof numbers / sizeof *numbers; k++)
        if (get_double(dict, numbers[k].key, numbers[k].field) < 0)
            return NULL;
    if (get_size(dict, "n", &g.n) < 0 || get_size(dict, "d", &g.d) < 0 ||
        get_size(dict, "spikes", &g.spikes) < 0 || get_size(dict, "axes", &g.axes) < 0)
        return NULL;
    rm_sample s;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = rm_generate(&g, &s);
    Py_END_ALLOW_THREADS
    if (status != RM_OK) {
        PyErr_Format(exception_for(status), "cannot generate: %s", rm_strerror(status));
        return NULL;
    }
    npy_intp xd[2] = {(npy_intp)s.n, (npy_intp)s.d}, md[1] = {(npy_intp)s.d},
             nd[1] = {(npy_intp)s.n};
    PyObject *X = copy_array(2, xd, NPY_DOUBLE, s.X, s.n * s.d * sizeof *s.X),
             *mu = copy_array(1, md, NPY_DOUBLE, s.mu, s.d * sizeof *s.mu),
             *inlier = copy_array(1, nd, NPY_BOOL, s.inlier, s.n),
             *scales = s.column_scales
                           ? copy_array(1, md, NPY_DOUBLE, s.column_scales, s.d * sizeof(double))
                           : Py_NewRef(Py_None);
    const rm_generate_options *u = &s.used;
    PyObject *info = X && mu && inlier && scales
                         ? Py_BuildValue(
                               "{s:n,s:n,s:d,s:d,s:N,s:{s:s,s:s,s:d,s:d,s:d,s:d,s:d,s:n,s:d,s:d,"
                               "s:d,s:d,s:d,s:n,s:s}}",
                               "outliers", (Py_ssize_t)s.outliers, "removed",
                               (Py_ssize_t)s.removed, "sigma", s.sigma, "trace", s.trace,
                               "column_scales", scales, "parameters", "model",
                               u->corruption ? u->corruption : "none", "inliers",
                               u->inliers ? u->inliers : "gaussian", "scale", u->scale, "decay",
                               u->decay, "nu", u->nu, "separation", u->separation, "spike",
                               u->spike, "spikes", (Py_ssize_t)u->spikes, "distance",
                               u->distance, "angle", u->angle, "split", u->split, "shift",
                               u->shift, "spread", u->spread, "axes", (Py_ssize_t)u->axes,
                               "direction", u->direction ? u->direction : "")
                         : NULL;
    rm_sample_free(&s);
    if (!info) {
        Py_XDECREF(X);
        Py_XDECREF(mu);
        Py_XDECREF(inlier);
        if (!X || !mu || !inlier)
            Py_XDECREF(scales);
        return NULL;
    }
    return Py_BuildValue("NNNN", X, mu, inlier, info);
}

static PyObject *py_version(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyUnicode_FromString(rm_version());
}

static PyMethodDef methods[] = {
    {"estimate", py_estimate, METH_VARARGS,
     "estimate(X, options, weights) -> (mean, weights or None, report, copied)"},
    {"input_address", py_input_address, METH_O,
     "input_address(X) -> (address of the buffer the library would read, copied, by_columns)"},
    {"option_defaults", py_option_defaults, METH_NOARGS, "the library's rm_options_init()"},
    {"methods", py_methods, METH_NOARGS, "the method table"},
    {"models", py_models, METH_NOARGS, "the corruption and inlier models"},
    {"generate", py_generate, METH_VARARGS, "generate(options) -> (X, mu, inlier, info)"},
    {"version", py_version, METH_NOARGS, "the loaded library's version"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_core",
                                    "librobustmean's calls for the robustmean package", -1,
                                    methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__core(void)
{
    import_array();
    return PyModule_Create(&module);
}
