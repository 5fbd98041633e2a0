"""Template filters of the schedule pages: tablets as fractions (``tapering.tablets``) and
doses with a comma (``tapering.schedule.mg_text``)."""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django import template

from ..schedule import mg_text
from ..tablets import tablets_amount

register = template.Library()


def _decimal(value: object) -> Decimal | None:
    """A number from a model, the engine or a form's raw input ('7,5'); None otherwise."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (int, str)):
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


@register.filter
def tablets(value: object) -> str:
    """1.75 -> '1¾' (tablets as a patient reads them); a figure that is no whole number of
    quarter tablets (never made by the engine) as it is, rather than rounded."""
    number = _decimal(value)
    if number is None:
        return ""
    try:
        return tablets_amount(number)
    except ValueError:
        return format(number.normalize(), "f")


@register.filter
def mg(value: object) -> object:
    """7.500 -> '7,5'; anything that is not a number (what was typed) as it is."""
    number = _decimal(value)
    return value if number is None else mg_text(number)


@register.filter
def last_day(step) -> date | None:
    """The last day a step is taken (its end is the first day after it); None for the last
    row (dose 0), which has no length."""
    if not step.days:
        return None
    return step.end - timedelta(days=1)
