import functools

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from delegations.models import Delegation
from registration.forms import (
    NEEDS_FIELDS,
    PERSONAL_FIELDS,
    DetailsForm,
    NeedsForm,
    RegistrationForm,
    category_fieldsets,
)
from registration.models import Registration, normalise_phone
from wpsconf import uploads
from wpsconf.countries import with_cached_country_lists

HEAD = forms.BooleanField(
    label=_("Head of delegation"),
    required=False,
    help_text=_("At most one member heads the delegation: marking this one unmarks the other."),
)


class MemberForm(RegistrationForm):
    """A member added by the focal point: the fields and rules of registration, for the member's
    category; the email address optional for someone who has none."""

    is_head = HEAD
    submit_label = _("Add this member")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("website")  # the page is behind a secret link: no bots to catch
        self.fields["category"].help_text = ""
        self.fields["email"].required = False
        self.fields["email"].help_text = _(
            "Optional for someone without an address of their own: you will then receive their badge link."
        )
        self.fields["consent"].label = _(
            "This person agrees to the processing of their personal data for the conference"
        )

    @functools.cached_property
    def helper(self) -> FormHelper:
        """Inside the page's own form tag, which says which of the page's forms was sent."""
        helper = FormHelper()
        helper.layout = self.layout()
        helper.form_tag = False
        return helper

    def layout(self) -> Layout:
        return Layout(
            Fieldset(_("The member"), "category", "email", "is_head"),
            Fieldset(_("About them"), *PERSONAL_FIELDS),
            *category_fieldsets(),
            Fieldset(_("Their needs"), *NEEDS_FIELDS),
            Fieldset(_("Consent"), "consent"),
            Submit("submit", self.submit_label, css_class="btn-lg"),
        )

    def is_bot(self) -> bool:
        return False


class WithHeadOfDelegation:
    """A member's form with the head-of-delegation mark (`is_head = HEAD`, declared on each form), first."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["is_head"].initial = getattr(
            getattr(self.instance, "delegation_membership", None), "is_head", False
        )

    def layout(self) -> Layout:
        layout = super().layout()
        layout.insert(0, Fieldset(_("Delegation"), "is_head"))
        return layout


class MemberDetailsForm(WithHeadOfDelegation, DetailsForm):
    """A member's details, changed by the focal point while their place is not yet confirmed."""

    is_head = HEAD


class MemberNeedsForm(WithHeadOfDelegation, NeedsForm):
    """Once confirmed: the needs and contact details, and the head's mark; who the member is stays."""

    is_head = HEAD


def member_form_class(registration: Registration) -> type[DetailsForm]:
    return MemberNeedsForm if registration.identity_is_frozen else MemberDetailsForm


class LetterForm(forms.Form):
    letter = forms.FileField(
        label=_("Official letter (PDF)"),
        help_text=_("A note verbale or a signed nomination letter, as a PDF of up to 5 MB."),
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
    )

    @functools.cached_property
    def helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        return helper

    def clean_letter(self):
        return uploads.pdf_document(
            self.cleaned_data["letter"],
            not_a_pdf=_("This file is not a PDF, whatever its name says. Please upload the letter as a PDF document."),
        )


class DelegationRequestForm(forms.ModelForm):
    consent = forms.BooleanField(label=_("I agree to the processing of my personal data"), required=True)

    class Meta:
        model = Delegation
        fields = (
            "country",
            "organisation",
            "kind",
            "seats_requested",
            "focal_point_name",
            "focal_point_position",
            "focal_point_email",
            "focal_point_phone",
        )
        formfield_callback = with_cached_country_lists
        labels = {
            "focal_point_name": _("Your name"),
            "focal_point_position": _("Your position"),
            "focal_point_email": _("Your email"),
            "focal_point_phone": _("Your phone"),
            "seats_requested": _("Seats you ask for"),
        }
        help_texts = {
            "country": _("For a country's delegation (a parliament or a government)."),
            "organisation": _("For an organisation's delegation: its name. Leave the country empty then."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seats_requested"].required = True
        self.fields["seats_requested"].min_value = 1
        self.fields["seats_requested"].widget.attrs["min"] = 1
        self.fields["focal_point_phone"].required = True
        self.fields["focal_point_position"].required = True

    @functools.cached_property
    def helper(self) -> FormHelper:
        helper = FormHelper()
        helper.layout = Layout(
            Fieldset(_("The delegation"), "country", "organisation", "kind", "seats_requested"),
            Fieldset(
                _("You, the focal point"),
                "focal_point_name",
                "focal_point_position",
                "focal_point_email",
                "focal_point_phone",
            ),
            Fieldset(_("Your consent"), "consent"),
            Submit("submit", _("Send the request"), css_class="btn-lg"),
        )
        return helper

    def clean_focal_point_phone(self) -> str:
        return normalise_phone(self.cleaned_data["focal_point_phone"])

    def details(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
