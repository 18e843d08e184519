"""What every staff page's menu needs from follow-up: the second approver's waiting count."""

from functools import cache


def approvals(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def approvals_waiting():
        # a callable, which the template calls when the menu renders it: counted at most once
        # per page, and only for a second approver (one statement; None for everyone else)
        from skreddersy.followup import selectors

        return selectors.approvals_waiting(user=user)

    return {"approvals_waiting": approvals_waiting}
