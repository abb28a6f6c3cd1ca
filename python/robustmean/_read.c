/* The reader of the Python package: librobustmean's rm_read_file() on a path, its matrix
 * handed to NumPy without a copy: the array's base owns the rm_data and frees it with the
 * array, so a .npy the library maps stays mapped (privately: writes never reach the file).
 * Like _core.c, this file only converts and calls, with the GIL released; the names,
 * defaults, messages' hints and exceptions are in _reading.py. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

#include <stdlib.h>
#include <string.h>

#include "robustmean.h"

static const char capsule_name[] = "robustmean.rm_data";

static void data_release(PyObject *capsule)
{
    rm_data *data = PyCapsule_GetPointer(capsule, capsule_name);
    rm_data_free(data);
    free(data);
}

/* The matrix of data as an (n, d) array over its memory, which the array then owns. */
static PyObject *values_array(rm_data *data)
{
    npy_intp dims[2] = {(npy_intp)data->n, (npy_intp)data->d};
    int single = data->values_float != NULL;
    void *values = single ? (void *)data->values_float : (void *)data->values;
    PyObject *capsule = PyCapsule_New(data, capsule_name, data_release);
    if (!capsule) {
        rm_data_free(data);
        free(data);
        return NULL;
    }
    PyObject *array = PyArray_SimpleNewFromData(2, dims, single ? NPY_FLOAT : NPY_DOUBLE, values);
    if (!array || PyArray_SetBaseObject((PyArrayObject *)array, capsule) < 0) {
        Py_XDECREF(array);
        Py_DECREF(capsule); /* SetBaseObject took it only on success */
        return NULL;
    }
    return array;
}

/* A list of d items, item(data, k) each (a new reference, NULL on failure). */
static PyObject *list_of(const rm_data *data, PyObject *(*item)(const rm_data *, size_t))
{
    PyObject *list = PyList_New((Py_ssize_t)data->d);
    for (size_t k = 0; list && k < data->d; k++) {
        PyObject *v = item(data, k);
        if (!v) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)k, v);
    }
    return list;
}

static PyObject *column_number(const rm_data *data, size_t k)
{
    return PyLong_FromSize_t(data->column_numbers[k]);
}

static PyObject *column_name(const rm_data *data, size_t k)
{
    const char *name = data->column_names[k];
    return PyUnicode_DecodeUTF8(name, (Py_ssize_t)strlen(name), "replace");
}

/* What the reader says of the columns and rows it read, as a dict. */
static PyObject *data_info(const rm_data *data)
{
    npy_intp count = (npy_intp)data->dropped_rows;
    PyObject *numbers = list_of(data, column_number),
             *names = data->column_names ? list_of(data, column_name) : Py_NewRef(Py_None),
             *dropped = PyArray_SimpleNew(1, &count, NPY_INTP);
    for (size_t k = 0; dropped && k < data->dropped_rows; k++)
        ((npy_intp *)PyArray_DATA((PyArrayObject *)dropped))[k] = (npy_intp)data->dropped[k];
    if (!names || !numbers || !dropped) {
        Py_XDECREF(names);
        Py_XDECREF(numbers);
        Py_XDECREF(dropped);
        return NULL;
    }
    return Py_BuildValue("{s:N,s:N,s:N,s:N,s:N}", "column_names", names, "column_numbers",
                         numbers, "dropped", dropped, "had_header",
                         PyBool_FromLong(data->had_header), "skipped_label_column",
                         PyBool_FromLong(data->skipped_label_column));
}

/* Why reading failed, as a dict: the status, the library's message and its place. */
static PyObject *error_info(int status, const rm_read_error *err)
{
    const char *message = err->message[0] ? err->message : rm_strerror(status);
    return Py_BuildValue("{s:i,s:N,s:n,s:n,s:n,s:N,s:N,s:N}", "status", status, "message",
                         PyUnicode_DecodeUTF8(message, (Py_ssize_t)strlen(message), "replace"),
                         "line", (Py_ssize_t)err->line, "row", (Py_ssize_t)err->row, "column",
                         (Py_ssize_t)err->column, "column_name",
                         PyUnicode_DecodeUTF8(err->column_name,
                                              (Py_ssize_t)strlen(err->column_name), "replace"),
                         "text_field", PyBool_FromLong(err->text_field), "needs_dataset",
                         PyBool_FromLong(err->needs_dataset));
}

/* read(path, columns, skip_columns, dataset, delimiter, decimal, header, drop_nonfinite,
 * storage, threads) -> (values, info) or (None, error): each option as rm_read_options
 * takes it (None: the default; delimiter and decimal one character; header -1, 0, 1;
 * storage an rm_storage). */
static PyObject *py_read(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *path;
    const char *columns, *skip_columns, *dataset, *delimiter, *decimal;
    int header, drop_nonfinite, storage, threads;
    if (!PyArg_ParseTuple(args, "O&zzzzzipii", PyUnicode_FSConverter, &path, &columns,
                          &skip_columns, &dataset, &delimiter, &decimal, &header,
                          &drop_nonfinite, &storage, &threads))
        return NULL;
    rm_read_options opt;
    rm_read_options_init(&opt);
    opt.columns = columns;
    opt.skip_columns = skip_columns;
    opt.dataset = dataset;
    opt.delimiter = delimiter ? delimiter[0] : 0;
    opt.decimal = decimal ? decimal[0] : '.';
    opt.header = (rm_header)header;
    opt.drop_nonfinite = drop_nonfinite;
    opt.storage = (rm_storage)storage;
    opt.threads = threads;
    rm_data *data = calloc(1, sizeof *data);
    if (!data) {
        Py_DECREF(path);
        return PyErr_NoMemory();
    }
    rm_read_error err;
    memset(&err, 0, sizeof err);
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = rm_read_file(PyBytes_AS_STRING(path), &opt, data, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(path);
    if (status != RM_OK) {
        free(data);
        PyObject *error = error_info(status, &err);
        return error ? Py_BuildValue("(ON)", Py_None, error) : NULL;
    }
    PyObject *info = data_info(data);
    if (!info) {
        rm_data_free(data);
        free(data);
        return NULL;
    }
    PyObject *values = values_array(data);
    if (!values) {
        Py_DECREF(info);
        return NULL;
    }
    return Py_BuildValue("(NN)", values, info);
}

static PyObject *py_formats(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyUnicode_FromString(rm_read_formats());
}

static PyMethodDef methods[] = {
    {"read", py_read, METH_VARARGS,
     "read(path, columns, skip_columns, dataset, delimiter, decimal, header, drop_nonfinite, "
     "storage, threads) -> (values, info) or (None, error)"},
    {"formats", py_formats, METH_NOARGS, "the inputs the loaded library reads"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_read",
                                    "librobustmean's reader for the robustmean package", -1,
                                    methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__read(void)
{
    import_array();
    PyObject *m = PyModule_Create(&module);
    if (m && (PyModule_AddIntConstant(m, "EIO", RM_EIO) < 0 ||
              PyModule_AddIntConstant(m, "ENOMEM", RM_ENOMEM) < 0 ||
              PyModule_AddIntConstant(m, "ENONFINITE", RM_ENONFINITE) < 0 ||
              PyModule_AddIntConstant(m, "STORAGE_DOUBLE", RM_STORAGE_DOUBLE) < 0 ||
              PyModule_AddIntConstant(m, "STORAGE_FLOAT", RM_STORAGE_FLOAT) < 0 ||
              PyModule_AddIntConstant(m, "STORAGE_AS_FILE", RM_STORAGE_AS_FILE) < 0)) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
