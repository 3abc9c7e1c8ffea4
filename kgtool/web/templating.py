"""The Jinja2 environment of kgtool's HTML pages: templates from ``templates/``, autoescaped, strict."""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup

from kgtool.output.names import compact
from kgtool.resources import resource_dir


def make_environment() -> jinja2.Environment:
    """Return a Jinja2 environment over ``templates/``: HTML autoescaped, undefined names an error.

    ``inline(name)`` inserts a stylesheet or script of ``templates/`` verbatim (never parsed as a template), so a
    page carries its own styles and scripts and fetches nothing.
    """
    folder = Path(resource_dir("templates"))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["compact"] = compact
    env.globals["inline"] = lambda name: Markup((folder / name).read_text(encoding="utf-8"))
    return env
