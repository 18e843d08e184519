from django.urls import path

from skreddersy.work import views

urlpatterns = [
    path("arbeidsgivere/", views.employers, name="work_employers"),
    path("arbeidsgivere/<int:employer_id>/", views.employer, name="work_employer"),
    path("arbeidsgivere/<int:employer_id>/kontakt/", views.employer_contact, name="work_employer_contact"),
    path("arbeidsgivere/<int:employer_id>/kontaktperson/", views.employer_person, name="work_employer_person"),
    path("arbeidsgivere/<int:employer_id>/stilling/", views.employer_vacancy, name="work_employer_vacancy"),
    path("jobbspesialist/", views.caseload, name="work_caseload"),
    path("kandidat/<int:case_id>/", views.case, name="work_case"),
    path("kandidat/<int:case_id>/fase/", views.case_phase, name="work_case_phase"),
    path("kandidat/<int:case_id>/apenhet/", views.case_disclosure, name="work_case_disclosure"),
    path("kandidat/<int:case_id>/forleng/", views.case_renew, name="work_case_renew"),
    path("kandidat/<int:case_id>/jobbstart/", views.case_start, name="work_case_start"),
    path("kandidat/<int:case_id>/oppfolging/<int:follow_along_id>/", views.follow_along_done, name="work_follow_along_done"),
    path("kandidat/<int:case_id>/status/<int:start_id>/", views.checkpoint, name="work_checkpoint"),
    path("bruker/<int:client_id>/", views.client_page, name="work_client"),
    path("bruker/<int:client_id>/panel/", views.client_panel, name="work_client_panel"),
    path("bruker/<int:client_id>/jobbprofil/", views.client_profile, name="work_client_profile"),
    path("bruker/<int:client_id>/henvis/", views.client_refer, name="work_client_refer"),
    path("bruker/<int:client_id>/presenter/", views.client_present, name="work_client_present"),
    path("bruker/<int:client_id>/samtykke/<int:consent_id>/trekk/", views.consent_withdraw, name="work_consent_withdraw"),
    path("metodeveileder/", views.supervisor, name="work_supervisor"),
    path("metodeveileder/kontor/<int:office_id>/innstillinger/", views.office_settings, name="work_office_settings"),
    path("troskap/", views.fidelity_home, name="work_fidelity_home"),
    path("troskap/<int:team_id>/", views.fidelity, name="work_fidelity"),
    path("resultater/", views.outcomes, name="work_outcomes"),
]
