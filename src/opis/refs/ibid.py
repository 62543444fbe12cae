"""``Ibid.`` resolution: a partial reference completed from the previous one.

Only the parts the ``Ibid.`` gives change. Giving a level of the hierarchy (fond → opis → delo)
keeps every level above it from the previous reference and drops those below it that are not
given: ``Ibid., op. 166, d. 576, l. 11–14`` after ``RGASPI, f. 17, op. 3, d. 921`` keeps
archive and fond and takes the new opis, delo and folios; ``Ibid., l. 75`` keeps the whole file.
"""

from __future__ import annotations

import copy
from typing import Any

from opis.model import ArchivalRef

LEVELS = ("archive", "fond", "opis", "delo")


def resolve_archival(ibid: ArchivalRef, previous: ArchivalRef) -> ArchivalRef:
    """A full reference for ``ibid`` (parts given) on top of ``previous`` (a resolved reference)."""
    out = copy.deepcopy(previous)
    out.raw = ibid.raw
    out.ibid = True
    out.note = ibid.note
    out.start, out.end = ibid.start, ibid.end
    given = [lvl for lvl in LEVELS if getattr(ibid, lvl)]
    if given:
        top = LEVELS.index(given[0])
        for lvl in LEVELS[top:]:
            setattr(out, lvl, getattr(ibid, lvl))
        out.extra = dict(ibid.extra)
    else:
        out.extra = {**previous.extra, **ibid.extra}
    out.folios = list(ibid.folios)
    out.pages = ibid.pages
    return out


def resolve_citation(pages: str | None, previous: dict[str, Any]) -> dict[str, Any]:
    """A bibliographic ``Ibid., 202–203``: the previous citation with new pages (``locator``)."""
    out = copy.deepcopy(previous)
    out["ibid"] = True
    if pages:
        out["locator"] = pages
    else:
        out.pop("locator", None)
    return out
