"""The plan of approach a new project starts with (docs/domain.md, step 1).

The months follow the FTO module's plan of approach (its Bijlage 3): set up and
inform the pharmacist first; tell patients in advance (for instance a notice in
the local paper); letters from month 5; phoning those who did not respond in
month 6; progress checks over months 2-4, 5-6 and 7-14; the final evaluation
in months 9-12. A step that covers several months sits in the first of them,
and its "how" names the whole span. The texts are this project's own.

A step with a ``milestone`` is one the app can see done: it checks it off
itself (``patients.services.plan_milestone_reached``). The practice edits the
steps afterwards; they are stored as ordinary rows.
"""

from datetime import date
from typing import NamedTuple

from dateutil.relativedelta import relativedelta

from .models import PlanMilestone, Role

# The final evaluation falls in project months 9 to 12; the project ends with month 12.
# Its reminder is due 9 or 12 months after the start (Project.evaluation_months).
FINAL_EVALUATION_MONTHS = (9, 12)


class DefaultStep(NamedTuple):
    month: int
    what: str
    how: str
    who: str
    milestone: str = ""


M = PlanMilestone

DEFAULT_PLAN: list[DefaultStep] = [
    DefaultStep(1, "Projectgroep en afspraken vastleggen",
                "Kort overleg met huisartsen, POH-GGZ en assistentes: wie doet wat, hoeveel "
                "brieven er in één keer uitgaan en wanneer jullie de voortgang bespreken.",
                Role.POH_GGZ),
    DefaultStep(1, "Apotheek informeren",
                "Vertel de apotheker dat het project start. Vraag of de apotheek de "
                "afleverlijst wil leveren en let op vragen van patiënten aan de balie.",
                Role.POH_GGZ),
    DefaultStep(1, "Voorschrijfgegevens aanleveren",
                "Export uit het HIS maken of de afleverlijst van de apotheek importeren. De "
                "app vinkt deze stap af zodra een import gelukt is.",
                Role.APOTHEKER, M.IMPORTED),
    DefaultStep(2, "Voortgang bespreken (maand 2 tot en met 4)",
                "Elke maand kort nagaan: is de groslijst klaar, loopt het screenen, zijn de "
                "brieven op tijd klaar?", Role.POH_GGZ),
    DefaultStep(2, "Groslijst opstellen",
                "Groslijst maken op de peildatum en de chronische gebruikers naar de screening "
                "sturen. Neem per huisarts het aantal gebruikers mee naar het FTO.",
                Role.POH_GGZ, M.GROSLIJST),
    DefaultStep(3, "Groslijst screenen",
                "Elke huisarts loopt zijn patiënten na en kiest: wel of niet benaderen, met "
                "reden. De app vinkt deze stap af als niemand meer op screening wacht.",
                Role.HUISARTS, M.SCREENED),
    DefaultStep(4, "Patiënten vooraf informeren",
                "Bijvoorbeeld een bericht in de lokale krant, op de website en in de "
                "wachtkamer: de praktijk helpt mensen minderen met slaap- en kalmeringsmiddelen.",
                Role.POH_GGZ),
    DefaultStep(4, "Stopbrieven nalezen en ondertekenen",
                "Brieftekst controleren, praktijklogo en namen nakijken, handtekening "
                "toevoegen.", Role.HUISARTS),
    DefaultStep(5, "Stopbrieven printen en versturen",
                "Printrun maken, adresetiketten plakken, versturen en de verzenddatum "
                "vastleggen.", Role.ASSISTENT, M.MAILED),
    DefaultStep(5, "Voortgang bespreken (maand 5 en 6)",
                "Zijn alle brieven weg, worden de telefoontjes van patiënten genoteerd, lukt "
                "het terugbellen?", Role.POH_GGZ),
    DefaultStep(5, "Telefoontjes van patiënten noteren",
                "Patiënten die na de brief bellen kort noteren; de POH-GGZ belt terug.",
                Role.ASSISTENT),
    DefaultStep(6, "Niet-reageerders bellen",
                "Na de wachttijd iedereen bellen die niet zelf reageerde; uitkomst en "
                "vervolgafspraak vastleggen. De app vinkt deze stap af als de terugbellijst "
                "leeg is.", Role.POH_GGZ, M.CALLED),
    DefaultStep(6, "Consulten en afbouwschema's",
                "Gesprekken voeren, afbouwschema opstellen en vragenlijsten afnemen waar nodig.",
                Role.POH_GGZ),
    DefaultStep(7, "Voortgang bespreken (maand 7 tot en met 14)",
                "Elke maand of twee: hoe gaat het afbouwen, wie heeft extra steun nodig, wie "
                "krijgt een evaluatieconsult?", Role.POH_GGZ),
    DefaultStep(9, "Eindevaluatie (maand 9 tot en met 12)",
                "Nieuwe voorschrijfgegevens importeren en bekijken hoeveel mensen gestopt of "
                "geminderd zijn. Bespreek de uitkomst met het team en besluit over een "
                "volgende ronde.", Role.POH_GGZ, M.EVALUATED),
]


def default_planned_end(start: date) -> date:
    """The last day of the final evaluation's last project month (month 1 = the start's)."""
    return start + relativedelta(months=FINAL_EVALUATION_MONTHS[1] - 1, day=31)
