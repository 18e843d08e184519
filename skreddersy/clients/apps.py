from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "skreddersy.clients"
    label = "clients"
    verbose_name = "Brukere"
