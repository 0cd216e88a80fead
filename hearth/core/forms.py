from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError

from hearth.core.converters import MAX_ID


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to the field it names where the
    form has that field, otherwise at the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else NON_FIELD_ERRORS, message)
    else:
        for message in exc.messages:
            form.add_error(NON_FIELD_ERRORS, message)


def flash_service_errors(request, exc: ValidationError | PermissionDenied) -> None:
    """Show a service's refusal as error messages on the next page, for actions that
    redirect instead of re-rendering a form."""
    for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
        messages.error(request, message)


class IdField(forms.IntegerField):
    """An integer naming a row (a topic number, a member's id): a number too large for an
    id column is refused with the field's usual message instead of reaching the query."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)
