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
    }
