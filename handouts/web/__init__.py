"""``handouts serve``: the front desk's web app, on this computer only.

Built on Starlette rather than FastAPI: the app is a handful of HTML form
routes, and FastAPI's additions (request models, OpenAPI pages, dependency
injection) would bring more code and a larger start-up for nothing a form
needs; validation stays where it is for every command, in the pipeline's
pydantic models. Pages are Jinja2 templates (autoescaped) with one small CSS
file and a few lines of plain script for the class progress bar; nothing is
fetched from anywhere else.

Every page only describes what it wants (a routine, a layout, personal
details, a roster) and goes through the same pipeline as the command line:
``handouts.pipeline.run`` for handouts and cards, ``handouts.batch`` for a
class. A rule that makes ``handouts build`` refuse something makes the web
app refuse it with the same words, shown next to the field it concerns.
"""

from .app import create_app
from .settings import Settings

__all__ = ["Settings", "create_app"]
