import copy
import functools

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms
from django.forms.boundfield import BoundField
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from registration.corrections import changed_identity
from registration.models import (
    ALL_CATEGORY_FIELDS,
    CATEGORY_FIELDS,
    IDENTITY_FIELDS,
    Registration,
    normalise_phone,
)
from wpsconf import uploads
from wpsconf.countries import with_cached_country_lists

Category = Registration.Category

PERSONAL_FIELDS = ("honorific", "first_name", "last_name", "gender", "phone", "country", "organisation", "position")
NEEDS_FIELDS = ("interpretation_language", "accessibility_needs", "dietary_needs", "no_photography")
# Freely changed at any time: how to reach the person, and the optional, never-shown gender.
CONTACT_FIELDS = ("phone", "gender")


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


class CategoryField(BoundField):
    """A field of one category (parliament, chamber…), which the server requires of that category's
    registrants (`DetailsForm.clean`): it carries the form's * wherever it is shown.

    The browser's `required` goes on it where the category is known (the personal page). On the
    registration form register.js sets it on the group it shows for the chosen category: without
    JavaScript every group shows, and only the server knows which one applies.
    """

    def __init__(self, form, field, name) -> None:
        super().__init__(form, field, name)
        self.label = format_html('{}<span class="asteriskField">*</span>', self.label)

    def build_widget_attrs(self, attrs, widget=None) -> dict:
        attrs = super().build_widget_attrs(attrs, widget)
        if self.form.category_known and self.form.use_required_attribute:
            attrs["required"] = True
        return attrs


class DetailsForm(forms.ModelForm):
    """What a registrant may write and later correct (not the email address or the category)."""

    form_tag = True  # crispy draws the <form> tag and its token around the fields

    class Meta:
        model = Registration
        fields = PERSONAL_FIELDS + ALL_CATEGORY_FIELDS + NEEDS_FIELDS
        formfield_callback = with_cached_country_lists
        widgets = {
            "accessibility_needs": forms.Textarea(attrs={"rows": 2}),
            "dietary_needs": forms.Textarea(attrs={"rows": 2}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }

    submit_label = _("Save changes")
    # The registrant's category, whose own fields the form requires (CategoryField).
    category_known = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "gender" in self.fields:
            self.fields["gender"].widget = forms.RadioSelect(choices=Registration.Gender.choices[1:])
        if "interpretation_language" in self.fields:
            self.fields["interpretation_language"].widget = forms.RadioSelect(
                choices=self.fields["interpretation_language"].choices[1:]
            )
        self.keep_category_fields()
        for name in ALL_CATEGORY_FIELDS:
            if name in self.fields:
                self.fields[name].bound_field_class = CategoryField
        if self.instance.is_media:
            self.fields.pop("no_photography", None)  # the press are the ones asked not to photograph
            if "organisation" in self.fields:
                self.fields["organisation"].label = _("Media outlet")
                self.fields["position"].label = _("Job title")

    @functools.cached_property
    def helper(self) -> FormHelper:
        """Built when the form is drawn, not for every post that only validates."""
        helper = FormHelper()
        helper.layout = self.layout()
        helper.form_tag = self.form_tag
        helper.disable_csrf = not self.form_tag  # the page's own form tag carries the token
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

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data["phone"])

    def changed_values(self) -> dict:
        """What the registrant wrote, field by field, for `services.save_own_details`."""
        return {name: self.cleaned_data[name] for name in self.fields if name in self.Meta.fields}

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


class NeedsForm(DetailsForm):
    """Once the place is confirmed: what the registrant still changes directly. Who they are
    (names, organisation, country…) changes only through a reviewed correction (CorrectionForm)."""

    class Meta(DetailsForm.Meta):
        fields = CONTACT_FIELDS + NEEDS_FIELDS

    def layout(self) -> Layout:
        return Layout(
            Fieldset(_("Contact"), *CONTACT_FIELDS),
            Fieldset(_("Your needs"), *[name for name in NEEDS_FIELDS if name in self.fields]),
            Submit("submit", self.submit_label, css_class="btn-lg"),
        )


class CorrectionForm(DetailsForm):
    """Who the person is, corrected for the organisers' review; media may send a new badge photo.

    Nothing is saved by the form: `proposed()` goes to `registration.corrections`.
    """

    photo = forms.FileField(
        label=_("New photo for the badge"),
        required=False,
        help_text=_("Only if your badge photo must change: a recent passport-style photo, JPEG or PNG, up to 3 MB."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    class Meta(DetailsForm.Meta):
        fields = IDENTITY_FIELDS + ALL_CATEGORY_FIELDS

    submit_label = _("Send the correction for review")

    def __init__(self, *args, instance: Registration, **kwargs) -> None:
        # The form's checks write into the instance it holds; the registration itself stays as it is.
        self.original = instance
        super().__init__(*args, instance=copy.copy(instance), **kwargs)
        if not instance.is_media:
            self.fields.pop("photo")

    def layout(self) -> Layout:
        return Layout(
            Fieldset(_("Who you are"), *IDENTITY_FIELDS),
            Div(*[name for name in ALL_CATEGORY_FIELDS if name in self.fields]),
            *([Fieldset(_("Badge photo"), "photo")] if "photo" in self.fields else []),
            Submit("submit", self.submit_label, css_class="btn-lg"),
        )

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        return uploads.badge_photo(photo) if photo else None

    def proposed(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name in self.Meta.fields}

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.errors and not changed_identity(self.original, self.proposed()) and not cleaned.get("photo"):
            raise forms.ValidationError(_("Change at least one detail, or choose a new photo, before sending."))
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
    category_known = False
    form_tag = False  # the page writes the form tag: the fields are drawn once per language, the token each time

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
        # The page writes the form tag and its token: the field is drawn once per language.
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.add_input(Submit("submit", _("Send me my link")))
