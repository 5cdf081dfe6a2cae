"""Numbers as evaluators read them: the locale's decimal comma, "–" for a suppressed cell."""
from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import gettext as _

from ..statistics import EffectSize, Share

DASH = "–"


def decimal(value: float | None, digits: int = 1) -> str:
    """A figure with `digits` decimals, or "–" for a suppressed or undefined one."""
    if value is None:
        return DASH
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern)


def signed(value: float | None, digits: int = 1) -> str:
    """A change with its sign (+1,2 / −0,5)."""
    if value is None:
        return DASH
    text = decimal(abs(value), digits)
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


def percent(share: Share | None) -> str:
    """'62 %' for a share; "–" when suppressed or empty."""
    if share is None or share.proportion is None:
        return DASH
    return _("%(value)s %%", value=decimal(100 * share.proportion, 0))


def interval(share: Share | None) -> str:
    """The Wilson 95 % interval as '48–74'."""
    if share is None or share.proportion is None:
        return ""
    return f"{decimal(100 * share.low, 0)}–{decimal(100 * share.high, 0)}"


def effect(value: EffectSize | None) -> str:
    """'0,63 (−0,33 to 1,55)'."""
    if value is None:
        return DASH
    return _("%(d)s (%(low)s to %(high)s)", d=decimal(value.d, 2), low=signed(value.low, 2),
             high=signed(value.high, 2))


def p_value(value: float | None) -> str:
    if value is None:
        return DASH
    return f"< {decimal(0.001, 3)}" if value < 0.001 else decimal(value, 3)


FORMATTERS = {"decimal": decimal, "signed": signed, "percent": percent, "interval": interval,
              "effect": effect, "p_value": p_value, "DASH": DASH}
