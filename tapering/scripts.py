"""Suggested words for the desk, the voicemail and each call-back response
(docs/domain.md, steps 5-6).

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

VOICEMAIL = _(
    "Good morning, this is %(poh)s from %(practice)s. I am calling about the letter your GP "
    "sent you. I will try again in a few days. You may also call us yourself on %(phone)s. "
    "Goodbye.")

REPLIES = {
    R.NOT_RECEIVED: _(
        "What a pity the letter did not reach you. I will send it again today. Shall I call you "
        "again in a few weeks, once you have had time to read it?"),
    R.NOT_WANT: _(
        "Thank you for telling me; the choice is yours. I am curious: what do the tablets do "
        "for you? Would you like to come and talk about that, without having to decide "
        "anything?"),
    R.CANNOT: _(
        "I hear that you feel you cannot do without them. That makes sense. What worries you "
        "most about taking less? We can look at that together, calmly, in a conversation."),
    R.TRIED: _(
        "Good that you tried before; that takes courage. What happened then? If we know what "
        "made it hard, we can do it differently this time, for example with smaller steps."),
    R.ALREADY: _(
        "Well done for already working on it! How is it going so far? I would like to hear "
        "how you are doing it; come by and we will look at the next step together."),
    R.NOT_NOW: _(
        "That is clear: you want to, but now is not a good time. When would it suit you "
        "better? I will note that and call you again around then."),
    R.AGREES: _(
        "Good! Then let us plan a conversation. You are welcome to bring someone along. We "
        "will make a plan in small steps together; you set the pace."),
}
