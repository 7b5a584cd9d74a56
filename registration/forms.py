import functools

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from registration.models import Registration, normalise_phone
from wpsconf.form_fields import copied_cheaply

Category = Registration.Category

# What each category must tell us beyond the fields everyone fills in.
CATEGORY_FIELDS: dict[str, tuple[str, ...]] = {
    Category.PARLIAMENTARIAN: ("parliament", "chamber"),
    Category.GOVERNMENT: ("ministry",),
    Category.DIPLOMATIC: ("mission", "represented_country"),
    Category.INTERNATIONAL: ("organisation_country",),
    Category.CIVIL_SOCIETY: ("organisation_country",),
    Category.EXPERT: (),
    Category.MEDIA: (),
}
ALL_CATEGORY_FIELDS = ("parliament", "chamber", "ministry", "mission", "represented_country", "organisation_country")
COUNTRY_FIELDS = ("country", "represented_country", "organisation_country")
PERSONAL_FIELDS = ("honorific", "first_name", "last_name", "gender", "phone", "country", "organisation", "position")
NEEDS_FIELDS = ("interpretation_language", "accessibility_needs", "dietary_needs", "no_photography")


@functools.cache
def country_choices(language: str) -> list[tuple[str, str]]:
    """The country list sorted in one language, built once per process instead of per form and field."""
    with translation.override(language):
        return [("", "---------"), *((code, str(name)) for code, name in countries)]


def use_country_list(form: forms.BaseForm, names: tuple[str, ...]) -> None:
    """Give the form's country fields the cached list of the active language."""
    for name in names:
        if name in form.fields:
            # The cached list is already in Django's normal form: assigned past the `choices`
            # setters, which would normalise and copy all 250 entries for every form.
            field = form.fields[name]
            field._choices = field.widget._choices = country_choices(get_language())


def categories_needing(field: str) -> str:
    return " ".join(category for category, fields in CATEGORY_FIELDS.items() if field in fields)


def category_fieldsets() -> list:
    """One fieldset per group of category fields; register.js shows only the chosen category's."""
    return [
        Fieldset(_("Parliament"), "parliament", "chamber", data_for=categories_needing("parliament")),
        Fieldset(_("Government"), "ministry", data_for=categories_needing("ministry")),
        Fieldset(_("Diplomatic mission"), "mission", "represented_country", data_for=categories_needing("mission")),
        Fieldset(_("Your organisation"), "organisation_country", data_for=categories_needing("organisation_country")),
    ]


class DetailsForm(forms.ModelForm):
    """What a registrant may write and later correct (not the email address or the category)."""

    class Meta:
        model = Registration
        fields = PERSONAL_FIELDS + ALL_CATEGORY_FIELDS + NEEDS_FIELDS
        widgets = {
            "accessibility_needs": forms.Textarea(attrs={"rows": 2}),
            "dietary_needs": forms.Textarea(attrs={"rows": 2}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }

    submit_label = _("Save changes")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        use_country_list(self, COUNTRY_FIELDS)
        self.fields["gender"].widget = forms.RadioSelect(choices=Registration.Gender.choices[1:])
        self.fields["interpretation_language"].widget = forms.RadioSelect(
            choices=self.fields["interpretation_language"].choices[1:]
        )
        self.keep_category_fields()
        if self.instance.is_media:
            self.fields.pop("no_photography", None)  # the press are the ones asked not to photograph
            self.fields["organisation"].label = _("Media outlet")
            self.fields["position"].label = _("Job title")

    @functools.cached_property
    def helper(self) -> FormHelper:
        """Built when the form is drawn, not for every post that only validates."""
        helper = FormHelper()
        helper.layout = self.layout()
        return helper

    def keep_category_fields(self) -> None:
        """A registrant corrects only the fields of the category they registered in."""
        for name in set(ALL_CATEGORY_FIELDS) - set(CATEGORY_FIELDS[self.instance.category]):
            self.fields.pop(name, None)

    def layout(self) -> Layout:
        return Layout(
            Fieldset(_("About you"), *PERSONAL_FIELDS),
            Div(*[name for name in ALL_CATEGORY_FIELDS if name in self.fields]),
            Fieldset(_("Your needs"), *[name for name in NEEDS_FIELDS if name in self.fields]),
            Submit("submit", self.submit_label, css_class="btn-lg"),
        )

    def chosen_category(self) -> str:
        return self.instance.category

    def _get_validation_exclusions(self) -> set[str]:
        # The form checked each country code against the cached list already; the model's
        # own check would build and scan the 250-name list again for each country field.
        return super()._get_validation_exclusions() | set(COUNTRY_FIELDS)

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data["phone"])

    def save(self, commit: bool = True) -> Registration:
        """Write only the fields on the form: a status changed meanwhile (by an organiser or a
        promotion) must not be overwritten with the one loaded when the page was opened."""
        registration = super().save(commit=False)
        if commit:
            registration.save(update_fields=[name for name in self.fields if name in self.Meta.fields])
        return registration

    def clean(self) -> dict:
        cleaned = super().clean()
        category = self.chosen_category()
        if category not in CATEGORY_FIELDS:
            return cleaned
        for name in CATEGORY_FIELDS[category]:
            if name in self.fields and not cleaned.get(name):
                self.add_error(name, _("Please fill this in for your category."))
        for name in set(ALL_CATEGORY_FIELDS) - set(CATEGORY_FIELDS[category]):
            if name in cleaned:
                cleaned[name] = ""  # answers left over from another category are not kept
        return cleaned


class RegistrationForm(DetailsForm):
    category = forms.ChoiceField(
        label=_("I am attending as"),
        choices=[("", "---------"), *[(value, label) for value, label in Category.choices if value != Category.MEDIA]],
        help_text=_("Journalists apply for accreditation on the media page."),
    )
    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    consent = forms.BooleanField(label=_("I agree to the processing of my personal data"), required=True)
    # Left empty by people; bots fill every field they see.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    submit_label = _("Register")

    class Meta(DetailsForm.Meta):
        fields = ("category", "email", *DetailsForm.Meta.fields)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent"].help_text = format_html(
            '<a href="{}">{}</a>',
            reverse("registration:privacy"),
            _("Read the privacy notice: who processes what, why and for how long."),
        )
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def layout(self) -> Layout:
        return Layout(
            Fieldset(_("Your registration"), "category", "email"),
            Fieldset(_("About you"), *PERSONAL_FIELDS),
            *category_fieldsets(),
            Fieldset(_("Your needs"), *NEEDS_FIELDS),
            Div("website", css_class="form-trap", aria_hidden="true"),
            Fieldset(_("Your consent"), "consent"),
            Submit("submit", self.submit_label, css_class="btn-lg"),
        )

    def keep_category_fields(self) -> None:
        """Every category's fields stay: the visitor has not chosen one yet."""

    def chosen_category(self) -> str:
        return self.cleaned_data.get("category", "")

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()

    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def registration_details(self) -> dict:
        """The model fields to store: everything but consent (stored as a time) and the trap."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


copied_cheaply(DetailsForm, empty_choices=COUNTRY_FIELDS)
copied_cheaply(RegistrationForm, empty_choices=COUNTRY_FIELDS)


class MediaApplicantForm(RegistrationForm):
    """The person in a media accreditation request; the category is media, always."""

    category = None

    class Meta(RegistrationForm.Meta):
        fields = ("email", *PERSONAL_FIELDS, "interpretation_language", "accessibility_needs", "dietary_needs")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, instance=Registration(category=Category.MEDIA), **kwargs)
        self.fields["country"].label = _("Country of residence")

    def chosen_category(self) -> str:
        return Category.MEDIA


class LostLinkForm(forms.Form):
    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Send me my link")))
