"""The plan of approach a new project starts with (docs/domain.md, step 1).

Written for this project, after the phases of a practice-wide reduction
round: prepare, find, screen, write, wait, call, consult, evaluate. The
practice edits the steps afterwards; they are stored as ordinary rows.
Each entry: (project month 1..15, what, how, who).
"""

from .models import Role

DEFAULT_PLAN: list[tuple[int, str, str, str]] = [
    (1, "Projectgroep en afspraken vastleggen",
     "Kort overleg met huisartsen, POH-GGZ en assistentes: wie doet wat, hoeveel brieven "
     "per ronde, wanneer evalueren.", Role.POH_GGZ),
    (1, "Voorschrijfgegevens aanleveren",
     "Export uit het HIS maken of de afleverlijst bij de apotheek opvragen en importeren.",
     Role.APOTHEKER),
    (1, "Groslijst opstellen",
     "Groslijst maken op de peildatum met het gekozen criterium; per huisarts het aantal "
     "chronische gebruikers meenemen naar het FTO.", Role.POH_GGZ),
    (2, "Groslijst screenen",
     "Elke huisarts loopt zijn patiënten na en kiest: wel of niet benaderen, met reden.",
     Role.HUISARTS),
    (2, "Stopbrieven nalezen en ondertekenen",
     "Briefsjabloon controleren, praktijklogo en namen nakijken, brieven ondertekenen.",
     Role.HUISARTS),
    (2, "Stopbrieven printen en versturen",
     "Printrun maken, adresetiketten plakken, versturen en de verzenddatum vastleggen.",
     Role.ASSISTENT),
    (3, "Telefoontjes van patiënten noteren",
     "Patiënten die na de brief bellen kort noteren; de POH-GGZ belt terug.", Role.ASSISTENT),
    (3, "Terugbellen na de wachtperiode",
     "Iedere patiënt die niet reageerde bellen; uitkomst en vervolgafspraak vastleggen.",
     Role.POH_GGZ),
    (4, "Consulten en afbouwschema's",
     "Gesprekken voeren, afbouwschema opstellen en vragenlijsten afnemen waar nodig.",
     Role.POH_GGZ),
    (6, "Tussenevaluatie",
     "Cijfers van het dashboard bespreken in het praktijkoverleg en zo nodig bijsturen.",
     Role.POH_GGZ),
    (9, "Uitnodiging evaluatieconsult versturen",
     "Patiënten die een brief kregen uitnodigen voor een evaluatieconsult.", Role.ASSISTENT),
    (10, "Evaluatieconsulten houden",
     "Nagaan hoe het afbouwen ging en wat de patiënt nog nodig heeft.", Role.POH_GGZ),
    (12, "Eindevaluatie opstellen",
     "Nieuwe voorschrijfgegevens importeren, eindrapport maken voor het kwaliteitsjaarverslag.",
     Role.POH_GGZ),
    (15, "Besluiten over een volgende ronde",
     "Met het team bespreken wat het opleverde en of een nieuwe ronde zinvol is.",
     Role.HUISARTS),
]
