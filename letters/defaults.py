# ruff: noqa: E501 - each paragraph is one line, as it appears in the editor
"""The default letter texts, written for this project in plain Dutch (language level B1).

docs/domain.md, step 4 lists what a stop letter says; the letter's layout adds the
rest (practice logo, name and address, the patient's address in the window,
place and date, the GP's signature, the practice's phone number in the
footer). Short sentences, everyday words, one idea per sentence. A practice
changes these texts in the editor; the defaults stay here for "Standaardtekst
terugzetten".

Syntax (see ``letters/text.py``): a blank line starts a new paragraph, a line
starting with ``#`` is a small heading, lines starting with ``-`` make a list,
``{name}`` is filled in.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class DefaultText:
    subject: str
    body: str


STOP = DefaultText(
    subject="Uw gebruik van {middel}",
    body="""\
{aanhef},

Volgens onze gegevens gebruikt u al lange tijd {middel} {sterkte}. Dat is een slaapmiddel of een middel tegen angst en onrust. Wij willen u vragen om te proberen hier minder van te gebruiken. Of om er helemaal mee te stoppen.

# Waarom minder gebruiken?
Uw lichaam went aan dit middel. Daardoor werkt het na een paar weken minder goed. U slaapt er dan niet beter van. En u wordt er niet rustiger van.

Het middel heeft ook nadelen. U kunt er suf of duizelig van worden. Daardoor valt u sneller. En de kans op een ongeluk is groter, ook in het verkeer. Uw geheugen kan er slechter van worden. Dat geldt vooral als u wat ouder bent.

# Wat kunt u merken?
Als u minder gaat gebruiken, kunt u een tijdje klachten hebben. U slaapt bijvoorbeeld slechter. Of u voelt zich wat onrustig. Dat is normaal. Deze klachten gaan vanzelf weer over. Meestal duurt dat een paar dagen tot een paar weken.

# Hoe pakt u het aan?
Stop niet in één keer. Ga stap voor stap minder gebruiken. Bijvoorbeeld zo:

- Neem elke dag een kwart tablet minder.
- Houd dat een week of twee weken vol.
- Gaat het goed? Neem dan weer een kwart tablet minder.
- Is het zwaar? Wacht dan wat langer met de volgende stap.

# Wij helpen u graag
Over ongeveer een maand nodigt {poh} u uit voor een gesprek. {poh} is praktijkondersteuner GGZ in onze praktijk. Samen kijkt u wat bij u past. U mag ook nu al zelf beginnen. Dat hoeft niet.

Hebt u vragen? Of wilt u liever meteen een afspraak? Bel dan de praktijk op {telefoon}.
""",
)

INVITATION = DefaultText(
    subject="Uitnodiging voor een gesprek over {middel}",
    body="""\
{aanhef},

Een tijd geleden kreeg u van ons een brief over uw gebruik van {middel}. Daarin stond dat wij u zouden uitnodigen voor een gesprek. Dat doen wij met deze brief.

# Het gesprek
U praat met {poh}, praktijkondersteuner GGZ. U vertelt hoe het nu gaat. Misschien gebruikt u al minder. Of misschien vindt u minderen moeilijk. Dat mag allebei. Samen kijkt u wat bij u past. Als u wilt, maakt u samen een plan om rustig minder te gebruiken.

# Uw afspraak
{afspraak}

Neem uw medicijnen of de doosjes mee naar het gesprek.

Komt de afspraak niet goed uit? Of hebt u nog geen afspraak? Bel dan de praktijk op {telefoon}.
""",
)

RESEND = DefaultText(
    subject="Nogmaals onze brief over {middel}",
    body="""\
{aanhef},

U hebt ons laten weten dat u onze brief niet hebt gekregen. Daarom sturen wij u de brief nog een keer. U vindt hem bij deze brief.

Lees de brief rustig door. {poh} belt u over een paar weken om te horen hoe het gaat.

Hebt u vragen? Bel dan de praktijk op {telefoon}.
""",
)

DEFAULTS: dict[str, DefaultText] = {"stop": STOP, "invitation": INVITATION, "resend": RESEND}
