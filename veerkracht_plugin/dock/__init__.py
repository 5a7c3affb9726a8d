"""The gemeente dock (``widget``: VeerkrachtDock) and its parts: ``sections`` (its widgets, section by section),
``state`` (what it remembers in a project), ``figures`` (class counts read once per layer), ``periods`` (a layer
of 'Veerkracht door de tijd'), ``fetch`` and ``fetch_parts`` (maps for any gemeente from open data, one click)."""

from .widget import VeerkrachtDock

__all__ = ["VeerkrachtDock"]
