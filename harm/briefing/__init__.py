"""Briefing the panel: a pack of slides (PowerPoint and one self-contained HTML file) and single charts.

- :mod:`harm.briefing.context` — :class:`BriefingContext`, the data and filters a pack is built for
  (the page builds it from the sidebar, the CLI from its arguments).
- :mod:`harm.briefing.registry` — named charts (``CHARTS``: name -> builder returning
  ``(altair chart, data frame, ChartMeta)``) and named slides (``SLIDES``).
- :mod:`harm.briefing.slides` — :func:`build_slides`: every slide built on its own, so one that
  fails becomes a slide that says why instead of a broken pack.
- :mod:`harm.briefing.pptx_pack` / :mod:`harm.briefing.html_pack` — the two pack formats.
"""

from harm.briefing.context import BriefingContext, briefing_context, default_as_of
from harm.briefing.registry import CHARTS, DEFAULT_SLIDES, SLIDES, build_chart, chart_names, parse_slide_names
from harm.briefing.slides import Slide, SlideChart, build_slides
from harm.briefing.pptx_pack import pptx_pack
from harm.briefing.html_pack import html_pack

__all__ = ["BriefingContext", "briefing_context", "default_as_of", "CHARTS", "SLIDES", "DEFAULT_SLIDES",
           "build_chart", "chart_names", "parse_slide_names", "Slide", "SlideChart", "build_slides",
           "pptx_pack", "html_pack"]
