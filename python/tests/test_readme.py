"""The README's Python examples run as shown."""
import os
import re

import numpy as np


def test_every_python_block_of_the_readme_runs():
    readme = os.path.join(os.path.dirname(__file__), "..", "..", "README.md")
    with open(readme) as f:
        blocks = re.findall(r"```python\n(.*?)```", f.read(), re.S)
    assert blocks, "README.md shows no Python"
    for block in blocks:
        scope = {}
        exec(compile(block, "README.md", "exec"), scope)
        # the first block's claims
        if "X[:100] += 10" in block:
            r = scope["r"]
            assert np.linalg.norm(r.mean) < 0.3 < 1 < np.linalg.norm(scope["X"].mean(axis=0))
            assert len(r.outliers) == 100 and r.certified
