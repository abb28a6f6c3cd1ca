"""The robustmean extension, built against an installed librobustmean.

The library is found with pkg-config (set PKG_CONFIG_PATH to PREFIX/lib/pkgconfig for a
prefix of your own, e.g. after `cmake --install build --prefix PREFIX`). The extension
records the library's directory as its run path, so the installed package finds the
library without LD_LIBRARY_PATH.
"""
import subprocess

import numpy
from setuptools import Extension, setup


def pkg_config(*args):
    try:
        out = subprocess.run(["pkg-config", *args, "robustmean"], check=True,
                             capture_output=True, text=True).stdout
    except FileNotFoundError:
        raise SystemExit("robustmean: pkg-config is needed to find librobustmean")
    except subprocess.CalledProcessError as e:
        raise SystemExit("robustmean: pkg-config cannot find librobustmean "
                         "(install it, or set PKG_CONFIG_PATH to PREFIX/lib/pkgconfig): "
                         + e.stderr.strip())
    return out.strip()


libdir = pkg_config("--variable=libdir")


def extension(name):
    """robustmean.NAME from robustmean/NAME.c, over librobustmean."""
    return Extension(
        "robustmean." + name,
        sources=[f"robustmean/{name}.c"],
        include_dirs=[pkg_config("--variable=includedir"), numpy.get_include()],
        library_dirs=[libdir],
        libraries=["robustmean"],
        runtime_library_dirs=[libdir],
        extra_compile_args=["-std=c11", "-Wall", "-Wextra"],
    )


# _core: the estimators and generators; _read: the file reader.
setup(version=pkg_config("--modversion"), ext_modules=[extension("_core"), extension("_read")])
