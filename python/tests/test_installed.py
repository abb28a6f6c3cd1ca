"""The package works from where it was installed, over the installed library."""
import os

import robustmean
from robustmean import _core


def test_imported_from_the_install_not_the_source_tree():
    source = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    assert not os.path.abspath(robustmean.__file__).startswith(source + os.sep)
    assert not os.path.abspath(_core.__file__).startswith(source + os.sep)


def test_the_library_loaded_is_the_installed_one():
    prefix = os.environ.get("ROBUSTMEAN_PREFIX")
    with open("/proc/self/maps") as f:
        libraries = {line.split()[-1] for line in f if "librobustmean" in line}
    assert libraries, "librobustmean is not mapped"
    if prefix:
        assert all(path.startswith(os.path.realpath(prefix)) for path in libraries), libraries
    assert robustmean.library_version == robustmean.__version__
