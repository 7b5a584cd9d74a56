"""The page an admin action shows before it acts: a reason to give, a date to choose, a document to see."""

from django.contrib import admin
from django.template.response import TemplateResponse


def ask_first(modeladmin: admin.ModelAdmin, request, template: str, **context) -> TemplateResponse:
    """The admin's frame around `template`, with what the page needs to send the same action back on
    the same selection (`opts`, `action_checkbox_name`)."""
    return TemplateResponse(
        request,
        template,
        {
            **modeladmin.admin_site.each_context(request),
            "opts": modeladmin.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            **context,
        },
    )
