"""Suggested words for the desk, the opening of the call-back, the voicemail and each
call-back response (docs/domain.md, steps 5-6).

Written by this project in the spirit of motivational interviewing: ask, listen,
leave the choice with the patient. The desk and the voicemail name no medicine:
others may hear them.
"""

from django.utils.translation import gettext_lazy as _

from .models import CallAttempt

R = CallAttempt.Response

DESK_REPLY = _(
    "Thank you for calling. I have noted that you called. %(poh)s, the practice's mental-health "
    "nurse, will call you back soon. Questions about the medicine are best answered by "
    "%(poh)s, so I will leave those for that call.")

# The first words of the POH-GGZ on the call-back (guide, Bijlage 2): who calls and
# why, without naming the medicine until the patient is on the line.
OPENING = _(
    "Good day, this is %(poh)s, practice nurse at %(practice)s. I am calling about the letter "
    "you received from your GP. Is this a good moment to talk for a few minutes?")

OPENING_HINT = _(
    "First make sure you are speaking to the patient. Only then talk about what the letter "
    "is about.")

# Left as a recorded message: it may be played back by someone else, so it names no
# medicine; it says who called, why, and that the practice tries again.
VOICEMAIL = _(
    "This is a message from %(poh)s, practice nurse at %(practice)s. I called you about the "
    "letter from your GP. I will call you again in a few days. You may also call the "
    "practice yourself on %(phone)s. Thank you, goodbye.")

VOICEMAIL_NO_PHONE = _(
    "This is a message from %(poh)s, practice nurse at %(practice)s. I called you about the "
    "letter from your GP. I will call you again in a few days. Thank you, goodbye.")

REPLIES = {
    R.NOT_RECEIVED: _(
        "How annoying that the letter did not reach you. May I first check your address with "
        "you? I will read out the address we have. Is it still right? Then I will send the "
        "letter again, to the right address. Shall I call you again once you have had time "
        "to read it?"),
    R.NOT_WANT: _(
        "Thank you for telling me; the choice is yours. I am curious: what do the tablets do "
        "for you? Would you like to come and talk about that, without having to decide "
        "anything?"),
    R.CANNOT: _(
        "I hear that you feel you cannot do without them. That makes sense. What worries you "
        "most about taking less? We can look at that together, calmly, in a conversation."),
    R.TRIED: _(
        "Good that you tried before; that takes courage. May I ask how it went then? I would "
        "like to invite you for a conversation with me. Together we look at what made it "
        "hard and what could help this time, for example smaller steps. Shall we make an "
        "appointment?"),
    R.ALREADY: _(
        "Well done for already working on it! How is it going so far? I would like to hear "
        "how you are doing it; come by and we will look at the next step together."),
    R.NOT_NOW: _(
        "I hear that you do want to, but that now is not a good time. Would you like to tell "
        "me what makes it hard at the moment? Shall we agree that I call you again later? "
        "When would suit you better?"),
    R.AGREES: _(
        "Good! Then let us plan a conversation. You are welcome to bring someone along. We "
        "will make a plan in small steps together; you set the pace."),
}


def opening_line(*, poh: str, practice: str) -> str:
    return str(OPENING) % {"poh": poh, "practice": practice}


def voicemail_text(*, poh: str, practice: str, phone: str) -> str:
    """The recorded message; without the practice's number it leaves that sentence out."""
    if phone.strip():
        return str(VOICEMAIL) % {"poh": poh, "practice": practice, "phone": phone.strip()}
    return str(VOICEMAIL_NO_PHONE) % {"poh": poh, "practice": practice}
