"""Time recorded where the work happens (issue 14, part 1): the minutes a contact, a message, a
decision, an assessment, a mapping or a referral took, with a default per kind that the
counsellor corrects in one field, and the documentation time apart from the time with the client.

The rows hold plain client ids (like the audit log), so this app sits just above core and every
app's services can record time through ``timeuse.record`` inside their own transaction."""
