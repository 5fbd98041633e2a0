"""The measures, declared as data (docs/domain.md#measures, SPEC step 9).

Each ``Measure`` has a key, a name and a definition in words (Dutch through gettext), its
window, whether a lower value is better, its source and the function that computes it
from the database (``monitoring/figures.py``) for a project as of any date.
``measures_compute`` runs them for one project and date; the values are counts, shares in
percent, DDD per day, minutes, dates, or a dict per GP or per exclusion reason.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from patients.models import Project

from . import figures as f
from .scope import Scope


class Kind(StrEnum):
    """What a measure's value is."""

    COUNT = "count"
    PERCENT = "percent"  # a share or a change, in percent, one decimal
    DDD = "ddd"  # DDD per day, two decimals
    PER_1000 = "per_1000"  # per 1,000 registered patients, one decimal
    MINUTES = "minutes"
    SCORE = "score"  # a questionnaire score change, one decimal
    DATE = "date"
    PER_GP = "per_gp"  # {GP name as the export writes it: count}
    BY_REASON = "by_reason"  # {exclusion reason code: count}


# Kinds a result target can be set on: one number (or one number per GP).
TARGETABLE = frozenset({Kind.COUNT, Kind.PERCENT, Kind.DDD, Kind.PER_1000, Kind.MINUTES,
                        Kind.SCORE, Kind.PER_GP})


@dataclass(frozen=True)
class Measure:
    key: str
    name: Promise
    definition: Promise
    window: Promise
    low_is_good: bool | None  # None: neither (a count of work done, a date)
    source: Promise
    kind: Kind
    compute: Callable[[Scope], Any]

    @property
    def targetable(self) -> bool:
        return self.kind in TARGETABLE and self.low_is_good is not None


# Windows and sources several measures share.
UP_TO_E = _("up to and including the evaluation date")
GROSLIJST_START = _("the groslijst windows counted back from the project's reference date "
                    "(the earliest of its participations)")
GROSLIJST_E = _("the groslijst windows counted back from the evaluation date")
EVALUATION_E = _("the evaluation windows counted back from the evaluation date and the "
                 "letter date")
RECORDS = _("the project's records in this app")
EVALUATION_RULE = _("the evaluation rule of SPEC step 9, after the Benzoredux trial "
                    "(Gorgels et al. 2005)")
GROSLIJST_RULE = _("the groslijst rule of SPEC step 2 (POH-GGZ guide, IVM FTO module)")
BWSQ = _("BWSQ (Tyrer, Murphy & Riley 1990)")


def _count(key: str, name: Promise, definition: Promise,
           compute: Callable[[Scope], Any], low_is_good: bool | None = None,
           window: Promise = UP_TO_E, source: Promise = RECORDS,
           kind: Kind = Kind.COUNT) -> Measure:
    return Measure(key=key, name=name, definition=definition, window=window,
                   low_is_good=low_is_good, source=source, kind=kind, compute=compute)


def _span_measures(key: str, what: Promise, span: Callable[[Scope], dict[str, Any]],
                   definition: Promise) -> list[Measure]:
    """Count, first date and last date of one kind of work."""
    return [
        _count(f"{key}_count", what, definition, lambda s: span(s)["count"]),
        _count(f"{key}_first", format_lazy("{}: {}", what, _("first date")), definition,
               lambda s: span(s)["first"], kind=Kind.DATE),
        _count(f"{key}_last", format_lazy("{}: {}", what, _("last date")), definition,
               lambda s: span(s)["last"], kind=Kind.DATE),
    ]


FUNNEL = [
    _count("funnel_groslijst", _("On the groslijst"),
           _("Participations of the project made on or before the evaluation date, or with "
             "a letter date on or before it."), lambda s: f.funnel(s).groslijst),
    _count("funnel_screened", _("Screened"),
           _("Participations with a GP's decision (approach or exclude) standing at the "
             "evaluation date, or with a letter date on or before it."),
           lambda s: f.funnel(s).screened),
    _count("funnel_excluded", _("Excluded"),
           _("Participations with a standing decision not to approach them."),
           lambda s: f.funnel(s).excluded),
    _count("excluded_by_reason", _("Excluded by reason"),
           _("Standing decisions not to approach, counted per reason."),
           f.excluded_by_reason, kind=Kind.BY_REASON),
    _count("funnel_mailed", _("Sent a stop letter"),
           _("Participations with a letter date on or before the evaluation date."),
           lambda s: f.funnel(s).mailed, low_is_good=False),
    _count("funnel_responded", _("Responded on their own"),
           _("Participations whose patient phoned the practice after the letter, before "
             "the end of the evaluation date."), lambda s: f.funnel(s).responded),
    _count("funnel_reached", _("Reached by phone"),
           _("Participations with at least one call attempt that reached the patient."),
           lambda s: f.funnel(s).reached),
    _count("funnel_consult", _("Came to a consult"),
           _("Participations with at least one consultation held (any kind)."),
           lambda s: f.funnel(s).consult, low_is_good=False),
    _count("funnel_schedule", _("Tapering schedule started"),
           _("Participations with a tapering schedule made on or before the evaluation "
             "date whose start date is on or before it."), lambda s: f.funnel(s).schedule),
    _count("approached_share", _("Share approached"),
           _("Screened participations not excluded, as a percentage of those screened."),
           f.approached_share, low_is_good=False, kind=Kind.PERCENT),
    _count("consult_share", _("Share that came to a consult"),
           _("Participations that came to a consult as a percentage of those sent a stop "
             "letter."), f.consult_share, low_is_good=False, kind=Kind.PERCENT),
]

PROCESS = [
    *_span_measures("stop_letters", _("Stop letters"), f.stop_letters,
                    _("Stop letters by their letter date (one per participation), mailed by "
                      "the app or imported from an earlier round.")),
    *_span_measures("invitations", _("Consult invitations"), f.invitations,
                    _("Invitation letters mailed, by their mailing date.")),
    _count("resends_count", _("Stop letters sent again"),
           _("Stop letters sent a second time, by their mailing date."),
           lambda s: f.resends(s)["count"]),
    *_span_measures("consultations", _("Consultations held"), f.consultations_held,
                    _("Consultations and monitoring contacts recorded as held, by the day "
                      "they took place.")),
    *_span_measures("calls", _("Call attempts"), f.calls,
                    _("Call-back attempts, reached or not, by the day they were made.")),
    _count("minutes_letters", _("Minutes on letters"),
           _("The minutes noted with the print runs (stop letters, invitations, re-sends) "
             "when they were marked mailed, summed by mailing date."), f.minutes_letters,
           kind=Kind.MINUTES),
    _count("minutes_calls", _("Minutes on calls"),
           _("The minutes noted with the call attempts, summed."), f.minutes_calls,
           kind=Kind.MINUTES),
    _count("minutes_consultations", _("Minutes on consultations"),
           _("The minutes noted with the consultations held, summed."),
           f.minutes_consultations, kind=Kind.MINUTES),
]

RESULTS = [
    _count("evaluated", _("Evaluated"),
           _("Participations with a letter date on or before the evaluation date, less "
             "those who died, moved or left the practice by then: the denominator of the "
             "shares."), f.evaluated_count, window=EVALUATION_E, source=EVALUATION_RULE),
    _count("left", _("Died, moved or left the practice"),
           _("Participations with a letter date whose outcome died, moved or left the "
             "practice is dated on or before the evaluation date."), f.left_count,
           source=EVALUATION_RULE),
    _count("stopped", _("Stopped"),
           _("Evaluated participations without a benzodiazepine prescription in the 3 months "
             "before the evaluation date, at least 3 months after the letter."),
           f.stopped_count, low_is_good=False, window=EVALUATION_E, source=EVALUATION_RULE),
    _count("reduced", _("Reduced"),
           _("Evaluated participations not stopped whose DDD per day in the 6 months before "
             "the evaluation date is at most 75 percent of that in the 12 months before the "
             "letter."),
           f.reduced_count, low_is_good=False, window=EVALUATION_E, source=EVALUATION_RULE),
    _count("stopped_share", _("Share stopped"),
           _("Stopped as a percentage of the evaluated participations."), f.stopped_share,
           low_is_good=False, window=EVALUATION_E, source=EVALUATION_RULE, kind=Kind.PERCENT),
    _count("reduced_share", _("Share reduced"),
           _("Reduced as a percentage of the evaluated participations."), f.reduced_share,
           low_is_good=False, window=EVALUATION_E, source=EVALUATION_RULE, kind=Kind.PERCENT),
    _count("ddd_before", _("Mean DDD per day before the letter"),
           _("The mean over the evaluated participations of the DDD per day in the 12 "
             "months up to the letter date."), f.ddd_before_mean, window=EVALUATION_E,
           source=EVALUATION_RULE, kind=Kind.DDD),
    _count("ddd_after", _("Mean DDD per day after"),
           _("The mean over the evaluated participations of the DDD per day in the 6 "
             "months up to the evaluation date."), f.ddd_after_mean, low_is_good=True,
           window=EVALUATION_E, source=EVALUATION_RULE, kind=Kind.DDD),
    _count("ddd_change", _("Change in DDD per day"),
           _("The evaluated participations' DDD per day after, summed, against before, "
             "summed, as a change in percent."), f.ddd_change, low_is_good=True,
           window=EVALUATION_E, source=EVALUATION_RULE, kind=Kind.PERCENT),
    _count("restarts", _("Restarted after stopping"),
           _("Evaluated participations counted stopped at the end of some month on or before "
             "the evaluation date, with a benzodiazepine prescription dated after that "
             "month's end and on or before the evaluation date."), f.restarts,
           low_is_good=True, source=EVALUATION_RULE),
]

PER_GP = [
    _count("letters_per_gp", _("Stop letters per GP"),
           _("Stop letters with a letter date on or before the evaluation date, per GP of "
             "the patient; every GP with a patient in the project is listed."),
           f.letters_per_gp, low_is_good=False, kind=Kind.PER_GP),
    _count("chronic_start_per_gp", _("Chronic users per GP at the start"),
           _("Patients on the groslijst under the project's criterion at the project's "
             "reference date, per GP."), f.chronic_start_per_gp, window=GROSLIJST_START,
           source=GROSLIJST_RULE, kind=Kind.PER_GP),
    _count("chronic_now_per_gp", _("Chronic users per GP now"),
           _("Patients on the groslijst under the project's criterion at the evaluation "
             "date, per GP."), f.chronic_now_per_gp, low_is_good=True, window=GROSLIJST_E,
           source=GROSLIJST_RULE, kind=Kind.PER_GP),
    _count("chronic_start", _("Chronic users at the start"),
           _("Patients on the groslijst under the project's criterion at the project's "
             "reference date."), f.chronic_start, window=GROSLIJST_START,
           source=GROSLIJST_RULE),
    _count("chronic_now", _("Chronic users now"),
           _("Patients on the groslijst under the project's criterion at the evaluation "
             "date."), f.chronic_now, low_is_good=True, window=GROSLIJST_E,
           source=GROSLIJST_RULE),
    _count("chronic_change", _("Change in chronic users"),
           _("Chronic users now against at the start, as a change in percent."),
           f.chronic_change, low_is_good=True, window=GROSLIJST_E, source=GROSLIJST_RULE,
           kind=Kind.PERCENT),
    _count("chronic_start_per_1000", _("Chronic users per 1,000 patients at the start"),
           _("Chronic users at the start per 1,000 registered patients (the practice's list "
             "size; empty when not set)."), f.chronic_start_per_1000, window=GROSLIJST_START,
           source=GROSLIJST_RULE, kind=Kind.PER_1000),
    _count("chronic_now_per_1000", _("Chronic users per 1,000 patients now"),
           _("Chronic users now per 1,000 registered patients (the practice's list size; "
             "empty when not set)."), f.chronic_now_per_1000, low_is_good=True,
           window=GROSLIJST_E, source=GROSLIJST_RULE, kind=Kind.PER_1000),
]

QUESTIONNAIRES = [
    _count("bwsq_change", _("Change in BWSQ score"),
           _("Per participation with at least two BWSQ answer sets dated on or before the "
             "evaluation date: the last total minus the first; the mean of those."),
           lambda s: f.score_change(s, "bwsq").mean_change, low_is_good=True, source=BWSQ,
           kind=Kind.SCORE),
    _count("bwsq_pairs", _("Participations with two BWSQ scores or more"),
           _("Participations with at least two BWSQ answer sets dated on or before the "
             "evaluation date."), lambda s: f.score_change(s, "bwsq").participations,
           source=BWSQ),
]

MEASURES: list[Measure] = [*FUNNEL, *PROCESS, *RESULTS, *PER_GP, *QUESTIONNAIRES]
BY_KEY: dict[str, Measure] = {m.key: m for m in MEASURES}
if len(BY_KEY) != len(MEASURES):  # checked at import, also under python -O
    raise ValueError("measure keys must be unique")


def all_measure_choices() -> list[tuple[str, Promise]]:
    """Every measure (ReferenceFigure.measure's choices: the line is drawn beside it)."""
    return [(m.key, m.name) for m in MEASURES]


def measure_choices() -> list[tuple[str, Promise]]:
    """The measures a result target can be set on (ResultTarget.measure's choices)."""
    return [(m.key, m.name) for m in MEASURES if m.targetable]


def target_problem(key: str, *, per_gp: bool) -> str | None:
    """Why a result target cannot be set on measure ``key`` (None when it can)."""
    measure = BY_KEY.get(key)
    if measure is None or not measure.targetable:
        return str(_("No target can be set on this measure."))
    if per_gp and measure.kind != Kind.PER_GP:
        return str(_("'Every GP' needs a measure with a value per GP."))
    if not per_gp and measure.kind == Kind.PER_GP:
        return str(_("This measure has a value per GP: tick 'every GP'."))
    return None


def measures_compute(project: Project, as_of: date, keys: Iterable[str] | None = None, *,
                     groslijst_memo: dict | None = None) -> dict[str, Any]:
    """Every measure (or those of ``keys``) for ``project`` as of ``as_of``; computations of
    several dates of this one project may share ``groslijst_memo`` (``Scope.groslijst_memo``;
    never across projects: it holds the list under this project's criterion)."""
    scope = Scope(project=project, as_of=as_of,
                  groslijst_memo=groslijst_memo if groslijst_memo is not None else {})
    chosen = MEASURES if keys is None else [BY_KEY[k] for k in keys]
    return {m.key: m.compute(scope) for m in chosen}
