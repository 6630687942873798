"""Sphinx configuration for the leadflow documentation.

Build with ``sphinx-build -W --keep-going -b html docs docs/_build/html`` after installing
the package with its ``docs`` extra (``pip install -e ".[docs]"``): the project name, the
version and the API reference all come from the installed package. The build needs no
network: the theme, its fonts and every page's assets are local.
"""

from __future__ import annotations

import enum
import importlib
import pkgutil
import types
from importlib.metadata import metadata
from typing import Any

import attrs
from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.ext import napoleon
from sphinx.pycode import ModuleAnalyzer
from sphinx.util import logging

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
# A default is shown as written in the source (``policy=DEFAULT_POLICY``), not as the repr
# of its value, which for a policy or a CRM mapping runs to thousands of characters.
autodoc_preserve_defaults = True
# A type that links to its entry reads as ``Money``, not ``leadflow.money.Money``: the link
# says where it lives, and the module it is defined in is not where it is imported from.
python_use_unqualified_type_names = True
autodoc_typehints_description_target = "documented"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
# Render a class docstring's "Attributes:" section as :ivar: fields. The default emits
# `.. attribute::` directives, which collide ("duplicate object description") with the
# attributes autodoc finds on attrs classes, and -W turns that into a failed build.
napoleon_use_ivar = True

# -- HTML ----------------------------------------------------------------------------------------
# furo follows the reader's light or dark preference (with a toggle) and ships its assets:
# nothing is fetched at build or reading time. Its defaults are kept: no theme options.
html_theme = "furo"
html_title = f"{project} {release}"
html_short_title = project

# -- The API reference's own checks ----------------------------------------------------------------
# Each public module's page documents that module's ``__all__``. Two things would go wrong
# silently; the build warns instead (and -W fails it):
# - a name added to an ``__all__`` but to no page;
# - a constant shown with the repr of its value: a CRM field map's repr runs to thousands of
#   characters on one line. Short values (``DIALECT``, an enum member's spelling) stay.

#: The modules whose ``__all__`` the API reference documents, each on its own page.
PUBLIC_MODULES = (
    "leadflow",
    "leadflow.batch",
    "leadflow.serialization",
    "leadflow.records",
    "leadflow.schema",
    "leadflow.adapters",
    "leadflow.adapters.salesforce",
    "leadflow.adapters.hubspot",
    "leadflow.adapters.dynamics",
    "leadflow.adapters.odoo",
    "leadflow.learning",
    "leadflow.strategies",
)
#: The longest value a constant's signature shows; longer ones are left to its description.
LONGEST_VALUE = 80

_LOG = logging.getLogger("leadflow.docs")


def _default_text(field: attrs.Attribute[Any]) -> str:
    """How a field's default reads in a signature: short, as a reader would write it."""
    default: Any = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]  # Factory is a class
        made = getattr(default.factory, "__name__", "")
        return f"{made}()" if made.isidentifier() else "..."
    if isinstance(default, enum.Enum):
        return f"{type(default).__name__}.{default.name}"
    text = repr(default)
    return text if len(text) <= LONGEST_VALUE // 2 else "..."


def _attrs_signature(
    app: Sphinx,
    what: str,
    name: str,
    value: object,
    options: Any,
    signature: str | None,
    return_annotation: str | None,
) -> tuple[str, str | None] | None:
    """An attrs class's signature from its fields, with readable defaults; none for an enum.

    With ``autodoc_preserve_defaults``, autodoc shows the source text of a default, and
    for an attrs class that source is generated: ``attr_dict['currency'].default``.
    """
    if what not in {"class", "exception"} or not isinstance(value, type):
        return None
    if issubclass(value, enum.Enum):
        return "", return_annotation  # its members are listed; Enum's call signature is noise
    if not attrs.has(value):
        return None
    keyword: list[str] = []
    positional: list[str] = []
    for field in attrs.fields(value):
        if not field.init:
            continue
        text = (
            field.alias
            if field.default is attrs.NOTHING
            else f"{field.alias}={_default_text(field)}"
        )
        (keyword if field.kw_only else positional).append(text)
    parameters = positional + (["*", *keyword] if keyword else [])
    return f"({', '.join(parameters)})", return_annotation


def _hide_long_values(app: Sphinx, doctree: nodes.document) -> None:
    """Drop the `` = <value>`` of a data or attribute signature whose value is too long."""
    for signature in doctree.findall(addnodes.desc_signature):
        for annotation in list(signature.findall(addnodes.desc_annotation)):
            text = annotation.astext().strip()
            if text.startswith("=") and len(text) > LONGEST_VALUE:
                annotation.parent.remove(annotation)


def _private_doc_comment(package_name: str, name: str, value: object) -> list[str]:
    """The ``#:`` comment of *name* where *package_name* imports it from: a private module.

    autodoc reads a constant's doc comment in the module it documents, but
    ``leadflow.adapters`` and ``leadflow.learning`` re-export constants defined (and
    commented) in their private modules: without this they would show no description.
    ``automodule`` skips such a constant as undocumented, so its page names it in an
    ``autodata`` directive.
    """
    package = importlib.import_module(package_name)
    for info in pkgutil.iter_modules(getattr(package, "__path__", [])):
        if not info.name.startswith("_"):
            continue
        private_name = f"{package_name}.{info.name}"
        if getattr(importlib.import_module(private_name), name, None) is not value:
            continue
        comment = ModuleAnalyzer.for_module(private_name).find_attr_docs().get(("", name))
        if comment:
            return list(comment)
    return []


def _fill_constant_docs(
    app: Sphinx, what: str, name: str, value: object, options: Any, lines: list[str]
) -> None:
    """Give a re-exported constant the doc comment it has in its private module."""
    if what == "data" and not any(line.strip() for line in lines):
        package_name, _, attribute = name.rpartition(".")
        lines.extend(_private_doc_comment(package_name, attribute, value))


def _documented_objects(env: BuildEnvironment) -> dict[int, list[str]]:
    """The documented classes and functions, by identity, with the names they are under."""
    found: dict[int, list[str]] = {}
    for name, entry in env.domains["py"].objects.items():
        if entry.aliased:
            continue
        module_name, _, attribute = name.rpartition(".")
        try:
            value = getattr(importlib.import_module(module_name), attribute)
        except (ImportError, AttributeError, ValueError):
            continue  # not a module-level name (a method, an attribute, a field)
        if isinstance(value, (type, types.FunctionType)):
            found.setdefault(id(value), []).append(name)
    return found


#: The documented classes and functions by identity, as of the last consistency check.
_DOCUMENTED: dict[int, list[str]] = {}


def _resolve_alias(
    app: Sphinx, env: BuildEnvironment, node: addnodes.pending_xref, contnode: nodes.Element
) -> nodes.Element | None:
    """Link a name to where its object is documented, under another of its names.

    Docstrings and type annotations name an object where it is defined
    (``leadflow.contacts.Organisation``) or where it is re-exported
    (``leadflow.qualify_many``); each is documented once, under its public name.
    """
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not target.startswith("leadflow."):
        return None
    parts = target.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            module = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        names = _DOCUMENTED.get(id(getattr(module, parts[cut], None)), [])
        if len(names) != 1:
            return None
        alias = ".".join([names[0], *parts[cut + 1 :]])
        if alias == target:
            return None
        if contnode.astext() == target:  # the name as written: show the public one
            contnode = contnode.deepcopy()
            contnode.clear()
            contnode += nodes.Text(alias)
        return env.domains["py"].resolve_xref(
            env, node["refdoc"], app.builder, node["reftype"], alias, node, contnode
        )
    return None


def _check_public_names(app: Sphinx, env: BuildEnvironment) -> None:
    """Warn for a public name documented nowhere, or twice (under two of its names).

    A class or a function counts as documented under any public name it has: ``leadflow``
    re-exports :func:`leadflow.batch.qualify_many`, and its page is leadflow.batch's. A
    constant counts only under its own name: ``DEFAULT_POLICY`` *is* ``BANT``, yet each
    name says something of its own.
    """
    documented = _documented_objects(env)
    _DOCUMENTED.clear()
    _DOCUMENTED.update(documented)
    objects = env.domains["py"].objects
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, types.ModuleType):
                continue  # a submodule: it has its own page, checked on its own
            if isinstance(value, (type, types.FunctionType)):
                names = documented.get(id(value), [])
            else:
                names = [f"{module_name}.{name}"] if f"{module_name}.{name}" in objects else []
            if not names:
                _LOG.warning(
                    "%s.%s is public (in __all__) but no API page documents it",
                    module_name,
                    name,
                    type="leadflow",
                    subtype="undocumented",
                )
            elif len(names) > 1:
                _LOG.warning(
                    "%s.%s is documented %d times (%s): document it once",
                    module_name,
                    name,
                    len(names),
                    ", ".join(sorted(names)),
                    type="leadflow",
                    subtype="duplicate",
                )


def _napoleon_except_constants(app: Sphinx) -> None:
    """Keep napoleon away from the doc comments of constants and class attributes.

    napoleon reads an attribute's docstring as ``type: description``, so a comment such as
    "Option set values as the Web API returns them: ints" would render as a type. leadflow's
    constants are documented in plain prose.
    """
    listeners = app.events.listeners["autodoc-process-docstring"]
    for index, listener in enumerate(listeners):
        if listener.handler is not napoleon._process_docstring:
            continue

        def handler(
            app: Sphinx,
            what: str,
            name: str,
            value: object,
            options: Any,
            lines: list[str],
            _napoleon: Any = listener.handler,
        ) -> None:
            if what not in {"data", "attribute"}:
                _napoleon(app, what, name, value, options, lines)

        listeners[index] = listener._replace(handler=handler)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the API reference's checks."""
    _napoleon_except_constants(app)
    app.connect("autodoc-process-docstring", _fill_constant_docs)
    app.connect("autodoc-process-signature", _attrs_signature)
    app.connect("doctree-read", _hide_long_values)
    app.connect("env-check-consistency", _check_public_names)
    app.connect("missing-reference", _resolve_alias)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
