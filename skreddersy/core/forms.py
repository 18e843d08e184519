from django import forms

from skreddersy.core.errors import ServiceError


def apply_service_error(form: forms.Form, exc: ServiceError) -> None:
    """Put a service's field errors on the form's fields (unknown fields become form-wide errors)."""
    placed = False
    for fld, reason in (exc.errors or {}).items():
        name = fld.split(".")[0] if fld else None
        if name in form.fields:
            form.add_error(name, reason)
            placed = True
        elif fld:
            form.add_error(None, reason)
            placed = True
    if not placed:
        form.add_error(None, exc.message)
