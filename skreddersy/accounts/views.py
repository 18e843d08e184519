from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from skreddersy.accounts import selectors, services
from skreddersy.accounts.forms import GrantForm, LoginForm, PasswordResetForm, RefuseGrantForm
from skreddersy.core.errors import Conflict, InvalidInput, NotFound
from skreddersy.core.forms import apply_service_error
from skreddersy.policy import access


class LoginView(auth_views.LoginView):
    """Django's login view. Failed logins are counted and locked by django-axes (core/login.py)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@require_POST
def set_language(request):
    """The language switch (on every page, the login pages too). Saves the choice in the language
    cookie and, for a logged-in user, on the user (``User.language``), so it follows them to the
    next login on any device and survives logging out; before login it is saved at login
    (``accounts.apps``). A code the product does not have gives bokmål and a notice, never an error."""
    from django.utils.http import url_has_allowed_host_and_scheme

    from skreddersy.core import language

    wanted = request.POST.get("language", "")
    code = language.supported(wanted)
    if code is None:
        code = language.fallback()
        messages.warning(request, language.notice(wanted))
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = reverse("home")
    if request.user.is_authenticated:
        services.set_language(user=request.user, language=code)
    else:
        request.session[LANGUAGE_CHOSEN] = code
    response = redirect(target)
    language.set_cookie(response, code)
    return response


# The session key a choice made before login waits under until the login saves it on the user.
LANGUAGE_CHOSEN = "language_chosen"


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


# Where each kind of login starts (the kind is the policy's to say: ``access.landing``).
LANDING_PAGES = {"client": "client_home", "followup": "overview", "analyst": "insight_home", "administrator": "audit_log"}


@login_required
def home(request):
    target = _first_url(LANDING_PAGES[kind]) if (kind := access.landing(request.user)) else None
    if target:
        return redirect(target)
    return render(request, "accounts/home.html")


@login_required
def audit_log(request):
    try:
        client_id = int(request.GET["bruker"]) if request.GET.get("bruker") else None
        if client_id is not None and not -(2**63) <= client_id < 2**63:
            raise ValueError
    except ValueError:
        client_id = None
        messages.error(request, _("Bruker-id må være et tall."))
    page = selectors.audit_log(user=request.user, client_id=client_id, page=request.GET.get("side") or 1)
    return render(request, "accounts/audit_log.html", {"page": page, "client_id": client_id})


@login_required
@require_http_methods(["GET", "POST"])
def grants(request):
    """Administrators: give or take away roles, clearances, employer and office memberships (with a
    reason), approve
    or refuse what waits for a second administrator, and the history."""
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            staff = services.staff_by_ident(d["nav_ident"])
            grant = services.request_grant(user=request.user, staff=staff, what=d["what"], change=d["change"],
                                           reason=d["reason"], office=d["office"], team=d["team"])
            if grant.status == grant.Status.PENDING and grant.what not in services.FOUR_EYES:
                messages.warning(request, _("Endringen venter på godkjenning fra en annen administrator, fordi du satte "
                                            "passordet til denne innloggingen."))
            elif grant.status == grant.Status.PENDING:
                messages.warning(request, _("Endringen venter på godkjenning fra en annen administrator."))
            else:
                messages.success(request, _("Endringen er gjennomført og logget."))
            return redirect("grants")
        except (InvalidInput, Conflict, NotFound) as exc:
            apply_service_error(form, exc)
    page = selectors.grants(user=request.user, page=_page_number(request))
    return render(request, "accounts/grants.html", {"form": form, "page": page, "refuse_form": RefuseGrantForm()},
                  status=422 if form.errors else 200)


@login_required
@require_POST
def grant_decide(request, grant_id: int, action: str):
    """Approve (``godkjenn``) or refuse (``avvis``, with a reason) a pending grant."""
    try:
        if action == "godkjenn":
            services.approve_grant(user=request.user, grant=grant_id)
            messages.success(request, _("Endringen er godkjent og trer i kraft nå."))
        elif action == "avvis":
            form = RefuseGrantForm(request.POST)
            reason = form.cleaned_data["decision_reason"] if form.is_valid() else ""
            services.refuse_grant(user=request.user, grant=grant_id, reason=reason)
            messages.success(request, _("Endringen er avvist."))
        else:
            raise NotFound(_("Ukjent handling."))
    except (InvalidInput, Conflict) as exc:
        messages.error(request, exc.message if not exc.errors else " ".join(exc.errors.values()))
    return redirect("grants")


@login_required
@require_http_methods(["GET", "POST"])
def password_reset(request, user_id: int):
    """An administrator sets another login's password, with a reason (who, whom and why in the
    audit trail, as for the grants). The admin site's password page comes here."""
    target = selectors.password_target(user=request.user, target=user_id)
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.reset_password(user=request.user, target=target.pk, password=d["password"],
                                    password_again=d["password_again"], reason=d["reason"])
            messages.success(request, _("Passordet for %(u)s er satt, og endringen er logget.") % {"u": target.username})
            return redirect("grants")
        except InvalidInput as exc:
            apply_service_error(form, exc)
    return render(request, "accounts/password_reset.html", {"form": form, "target": target},
                  status=422 if form.errors else 200)


def _page_number(request) -> int:
    try:
        return max(1, min(int(request.GET.get("side") or 1), 10_000))
    except ValueError:
        return 1


@login_required(login_url="client_login")
def own_access_log(request):
    """Min side: who at Nav has seen my record (office, role, when, why)."""
    page = _page_number(request)
    entries, has_next = selectors.own_access_log(user=request.user, page=page)
    return render(request, "accounts/own_access_log.html", {"entries": entries, "page": page, "has_next": has_next,
                                                            "show_names": settings.AUDIT_SHOW_STAFF_NAMES})


def health(request):
    """For the load balancer and monitoring: 200 when the product can answer, 503 when its
    database cannot (so the instance is taken out of rotation rather than serving 500s)."""
    if not selectors.database_answers():
        return JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
