from skreddersy.policy import access


def acting(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    a = access.actor(user)
    return {
        "acting": a,
        "acting_is_client": a.is_client,
        "acting_is_leader": a.is_leader,
        "acting_does_followup": a.does_followup,
        "acting_is_analyst": access.is_analyst(user),
        "acting_is_admin": access.is_administrator(user),
        "acting_uses_employer_register": access.can_use_employer_register(user),
        "acting_is_job_specialist": access.is_job_specialist(user),
        "acting_supervises": bool(a.staff is not None and a.roles & access.SUPERVISOR_ROLES),
    }
