"""What every admin form shares: the values typed, the errors beside each field.

The services are the judges of what is valid (the same calls the API makes); a view only
turns the posted text into the types a service takes (whole numbers, dates) and puts the
service's refusal next to the fields it names. A form that is refused is shown again with
everything the user typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from app.errors import DomainError
from app.request_scope import session
from app.web.i18n import half

#: The API's rule for agency codes (app/api/schemas.py, AgencySchema.code).
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")
#: Status of a page shown again because its form was refused.
REFUSED = 422


@dataclass
class FormState:
    """A form's values as typed, its field errors, and errors that name no field."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    @classmethod
    def posted(
        cls, form: Mapping[str, str], names: Iterable[str], as_typed: Iterable[str] = ()
    ) -> FormState:
        """The posted text of `names`, stripped except for `as_typed` (passwords);
        absent fields are empty."""
        kept = set(as_typed)
        return cls(
            values={
                name: form.get(name, "") if name in kept else form.get(name, "").strip()
                for name in names
            }
        )

    @property
    def ok(self) -> bool:
        """Nothing refused so far."""
        return not self.errors and not self.messages

    def add(self, name: str, message: str) -> None:
        """Put `message` next to the field `name`."""
        self.errors.setdefault(name, []).append(message)

    def refuse(
        self,
        err: DomainError,
        default: str | None = None,
        aliases: Mapping[str, str] | None = None,
    ) -> None:
        """Show a service's refusal: field errors beside their fields, the rest on top.

        The transaction is rolled back first, so what the page shows next is the data as
        it was (a service may have changed rows before it found the problem).

        Args:
            err: the service's refusal.
            default: the field a refusal without field errors is about, if any.
            aliases: the form's field for a name the service uses, where they differ.
        """
        session().rollback()
        named = err.errors if isinstance(err.errors, dict) else {}
        placed = False
        for key, messages in named.items():
            name = (aliases or {}).get(key, key)
            texts = messages if isinstance(messages, list) else [messages]
            if name in self.values:
                self.errors.setdefault(name, []).extend(half(str(text)) for text in texts)
                placed = True
            else:
                self.messages.extend(f"{name}: {half(str(text))}" for text in texts)
        if placed or default is None or default not in self.values:
            self.messages.insert(0, half(err.message))
        else:
            self.add(default, half(err.message))


def whole_number(
    state: FormState, name: str, *, required: bool = True, low: int | None = None
) -> int | None:
    """The field `name` as a whole number, or None with an error beside it.

    Args:
        state: the form; the error goes into it.
        name: the field.
        required: whether an empty field is an error (else it is None).
        low: the smallest number allowed, if any.
    """
    text = str(state.values.get(name, "")).strip()
    if not text:
        if required:
            state.add(name, _("Wajib diisi."))
        return None
    if not re.fullmatch(r"-?\d{1,9}", text):
        state.add(name, _("Harus bilangan bulat."))
        return None
    number = int(text)
    if low is not None and number < low:
        state.add(name, _("Paling kecil %(low)s.", low=low))
        return None
    return number


def required_text(state: FormState, name: str, longest: int) -> str:
    """The field `name`, with an error beside it when empty or longer than `longest`."""
    text = str(state.values.get(name, "")).strip()
    if not text:
        state.add(name, _("Wajib diisi."))
    elif len(text) > longest:
        state.add(name, _("Paling banyak %(count)s karakter.", count=longest))
    return text


def local_moment(state: FormState, name: str, zone: str) -> datetime | None:
    """A `datetime-local` field read in the time zone `zone`, or None with an error."""
    text = str(state.values.get(name, "")).strip()
    if not text:
        state.add(name, _("Wajib diisi."))
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        state.add(name, _("Tanggal dan jam tidak valid (YYYY-MM-DD JJ:MM)."))
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment
