"""Pages of the tapering app, one module per concern: ``callbacks`` (the call-back list,
the call screen, phone notes, reminders and the timeline), ``address`` (correcting
an address from the call screen), ``consultations`` (the consult pages),
``schedules`` (tapering schedules: make, change, adjust, confirm, print),
``relapse`` (the relapse-prevention plan: view, edit, review, versions, print),
``questionnaires``, ``outcomes`` (setting a participation's outcome) and
``relatives`` (relatives involved, hand-outs)."""
