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
``{name}`` is filled in, ``[ … {name} … ]`` is printed only when the value is
known, and a line starting with ``[tabletten]`` or ``[capsules]`` only for a
patient whose medicine has that form.

The stop letter is signed by a GP, so the advice is in the GP's voice ("Ik raad
u aan"); the letter's close names the GP and the POH-GGZ.
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

Volgens onze gegevens gebruikt u al lange tijd {middel_en_sterkte}. Zulke middelen helpen bij slecht slapen, angst of onrust. Maar ze zijn bedoeld voor korte tijd: een paar weken.

# Waarom minder gebruiken?
Uw lichaam went aan het middel. Daardoor werkt het na een paar weken minder goed. U slaapt er dan niet beter van. En u wordt er niet rustiger van. U kunt er ook afhankelijk van worden. Zonder het middel voelt u zich dan slecht. Daarom is stoppen niet altijd makkelijk.

U kunt er ook suf of duizelig van worden. Daardoor valt u sneller. En de kans op een ongeluk is groter, ook in het verkeer. Uw geheugen kan er slechter van worden, vooral als u wat ouder bent.

Ik raad u aan om minder te gebruiken, en als het kan helemaal te stoppen. Dat is al veel mensen gelukt. U kunt het ook.

# Wat kunt u merken?
Als u minder gaat gebruiken, kunt u een tijdje klachten hebben. U slaapt bijvoorbeeld slechter. Of u voelt zich wat angstig of onrustig. Dat is normaal. De klachten gaan vanzelf weer over, meestal binnen een paar weken.

# Hoe pakt u het aan?
[tabletten] Stop niet in één keer, maar ga stap voor stap minder gebruiken. Bijvoorbeeld zo:
[capsules] Stop niet in één keer, maar ga stap voor stap minder gebruiken. Uw middel zit in een capsule. Een capsule kunt u niet in stukjes delen. Bespreek daarom met {poh} hoe u het beste kunt minderen.

[tabletten] - Neem een week lang elke dag een kwart tablet minder dan nu.
[tabletten] - Gaat dat goed? Haal er dan de week daarna weer een kwart tablet af.
[tabletten] - Is het zwaar? Wacht dan een week langer met de volgende stap.

# Wij helpen u graag
Over ongeveer een maand nodigt {poh} u uit voor een gesprek. {poh} is praktijkondersteuner GGZ in onze praktijk. Samen kijken we wat bij u past. U mag ook nu al zelf beginnen, maar dat hoeft niet. Hebt u vragen of wilt u meteen een afspraak? Bel dan de praktijk op {telefoon}.
""",
)

INVITATION = DefaultText(
    subject="Uitnodiging voor een gesprek over {middel}",
    body="""\
{aanhef},

Een tijd geleden kreeg u van ons een brief over uw gebruik van {middel}. Daarin stond dat wij u zouden uitnodigen voor een gesprek. Dat doen wij met deze brief.

# Het gesprek
U praat met {poh}, praktijkondersteuner GGZ. U vertelt hoe het nu gaat. Misschien gebruikt u al minder. Of misschien vindt u minderen moeilijk. Dat mag allebei. Samen kijken we wat bij u past. Als u wilt, maken we samen een plan om rustig minder te gebruiken.

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
