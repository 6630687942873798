"""Sphinx configuration for the leadflow documentation.

Build with ``sphinx-build -W --keep-going -b html docs docs/_build/html`` after installing
the package with its ``docs`` extra (``pip install -e ".[docs]"``): the project name, the
version and the API reference all come from the installed package.
"""

from __future__ import annotations

from importlib.metadata import metadata

_META = metadata("leadflow")

project = _META["Name"]
author = "the leadflow authors"
copyright = "2026, the leadflow authors"
release = _META["Version"]
version = ".".join(release.split(".")[:2])

# No sphinx.ext.intersphinx: documentation builds must work without network access.
extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "conftest.py", "Thumbs.db", ".DS_Store"]
nitpicky = False

# -- MyST --------------------------------------------------------------------------------------
# Give headings ids so pages can link to "#some-section".
myst_heading_anchors = 3

# -- autodoc / napoleon --------------------------------------------------------------------------
autodoc_member_order = "bysource"
# Types go into the parameter descriptions, once, rather than into long keyword-only signatures.
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
# Render a class docstring's "Attributes:" section as :ivar: fields. The default emits
# `.. attribute::` directives, which collide ("duplicate object description") with the
# attributes autodoc finds on attrs classes, and -W turns that into a failed build.
napoleon_use_ivar = True

# -- HTML ----------------------------------------------------------------------------------------
html_theme = "alabaster"
html_title = f"{project} {release}"
