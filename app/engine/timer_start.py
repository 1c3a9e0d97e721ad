"""Timer start events: the periodic procedures' own start (docs/bpmn-conventions.md).

A timer start event with a `timeCycle` such as `"R/P1M"` says how often the procedure
runs. SpiffWorkflow would treat such a cycle inside one instance, adding a token every
month to the same workflow; a periodic procedure is rather a new instance per period,
and each PD keeps its own calendar of them. So the app's scheduler owns the cycle
(app/services/instances/schedules.py, one schedule per PD, defaulting to the diagram's cycle) and
fires the event when it starts an instance; the event never fires by itself. Beside it
the procedure keeps its message start event, for people and other procedures: whichever
fires first starts the instance and SpiffWorkflow cancels the other.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.serializer.default import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.spiff.parser.event_parsers import SpiffStartEventParser

#: The cycles a schedule may run on: how many months, or days for the week, each moves on.
CYCLES = {"P1W": (0, 7), "P1M": (1, 0), "P3M": (3, 0), "P6M": (6, 0), "P1Y": (12, 0)}
#: The start event property naming which period a start is for: the one just ended (a
#: review, report or evaluation looks back) or the one about to begin (a plan looks ahead).
PERIOD_PROPERTY = "schedulePeriod"
PERIODS = ("previous", "next")
_CYCLE_TEXT = re.compile(r"R/(P1W|P1M|P3M|P6M|P1Y)")


class ScheduledStartEventDefinition(TimerEventDefinition):
    """A timer start event fired only by the app's scheduler (never by the clock)."""

    def has_fired(self, my_task: Any) -> bool:
        fired: bool = my_task._get_internal_data("event_fired", False)
        return fired


class ScheduledStartEventParser(SpiffStartEventParser):  # type: ignore[misc]
    """Reads a start event's `timeCycle` as a scheduled start; other timers as usual."""

    def parse_timer_event(self, event: Any) -> Any:
        cycle = event.xpath(".//bpmn:timeCycle", namespaces=self.nsmap)
        if not cycle:
            return super().parse_timer_event(event)
        name = self.node.get("name", self.node.get("id"))
        description = self.get_event_description(event)
        return ScheduledStartEventDefinition(name, cycle[0].text or "", description=description)


#: The serializer stores the definition like Spiff's own timers (app/engine/serializer.py).
SERIALIZER_CONFIG = {ScheduledStartEventDefinition: TimerConditionalEventDefinitionConverter}


@dataclass(frozen=True)
class TimerStart:
    """The diagram's timer start event, the cycle it declares and the period it is for."""

    bpmn_id: str
    cycle: str
    period: str = "previous"


def cycle_of(expression: str) -> str | None:
    """The cycle `"R/P1M"` declares (`P1M`), or None when it is not one the app schedules.

    The expression is a Python string literal, as every Spiff expression is.
    """
    try:
        text = ast.literal_eval(expression.strip())
    except (ValueError, SyntaxError):
        return None
    if not isinstance(text, str):
        return None
    match = _CYCLE_TEXT.fullmatch(text.strip().upper())
    return match.group(1) if match else None
