from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from skreddersy.core import selectors
from skreddersy.core.errors import AccessDenied
from skreddersy.core.forms import LoginForm
from skreddersy.policy import access


class LoginView(auth_views.LoginView):
    """Django's login view. Failed logins are counted and locked by django-axes (core/login.py)."""

    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@require_POST
def logout_view(request):
    logout(request)
    return redirect("login")


def _first_url(*names: str) -> str | None:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


@login_required
def home(request):
    a = access.actor(request.user)
    if a.is_client:
        target = _first_url("client_home")
    elif a.does_followup:
        target = _first_url("overview")
    elif access.is_analyst(request.user):
        target = _first_url("insight_home")
    elif access.is_administrator(request.user):
        target = _first_url("audit_log")
    else:
        target = None
    if target:
        return redirect(target)
    return render(request, "core/home.html")


@login_required
def audit_log(request):
    try:
        client_id = int(request.GET["bruker"]) if request.GET.get("bruker") else None
    except ValueError:
        client_id = None
        messages.error(request, _("Bruker-id må være et tall."))
    try:
        entries = selectors.audit_log(user=request.user, client_id=client_id)
    except AccessDenied as exc:
        return render(request, "core/denied.html", {"reason": exc.message}, status=403)
    page = Paginator(entries, 100).get_page(request.GET.get("side"))
    return render(request, "core/audit_log.html", {"page": page, "client_id": client_id})


def health(request):
    return JsonResponse({"status": "ok"})


def denied(request, reason: str) -> HttpResponse:
    return render(request, "core/denied.html", {"reason": reason}, status=403)
