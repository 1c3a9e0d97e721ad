"""The letterhead (kop) of a PD's documents, from the agency's record."""

from __future__ import annotations

from app.models import Agency
from app.services.documents.pdf import Letterhead


def letterhead_of(agency: Agency) -> Letterhead:
    """The heading a PD's documents carry: its name, over the words that say what it is.

    The agency record holds a name and a code, no address or logo yet, so the letterhead
    prints what there is rather than inventing the rest.
    """
    return Letterhead(
        name=agency.name,
        lines=(f"Perangkat Daerah penyelenggara layanan SPBE · kode {agency.code}",),
    )
