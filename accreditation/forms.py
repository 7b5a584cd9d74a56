from django import forms
from django.core.files import File
from django.utils.translation import gettext_lazy as _

from accreditation import held
from accreditation.models import (
    DOCUMENT_FIELDS,
    AccreditationRequest,
    Equipment,
    IdentityDocument,
    OutletType,
    WorkingLanguage,
)
from wpsconf import uploads
from wpsconf.countries import with_cached_country_lists
from wpsconf.storage import private_storage


def held_field(name: str) -> str:
    return f"held_{name}"


PRESS_CARD_FIELDS = ("press_card_number", "press_card_issuer", "press_card")
DOCUMENT_TYPES = "application/pdf,image/jpeg,image/png"
IMAGE_TYPES = "image/jpeg,image/png"


class DocumentsForm(forms.ModelForm):
    """The press card, the assignment letter and the photo, each checked by its content.

    A document that passed its checks is kept (accreditation.held) when something else on
    the form did not: the form is then sent with its token instead of the file.
    """

    class Meta:
        model = AccreditationRequest
        fields = DOCUMENT_FIELDS
        formfield_callback = with_cached_country_lists
        widgets = {
            "press_card": forms.FileInput(attrs={"accept": DOCUMENT_TYPES}),
            "assignment_letter": forms.FileInput(attrs={"accept": "application/pdf"}),
            "photo": forms.FileInput(attrs={"accept": IMAGE_TYPES}),
        }
        help_texts = {
            "press_card": _(
                "Both sides, as a PDF, JPEG or PNG file of up to 5 MB. "
                "Freelancers without a press card may leave it out."
            ),
            "assignment_letter": _(
                "On your outlet's letterhead, signed by an editor, naming you and this conference. "
                "Freelancers: from the outlet that commissioned you. A PDF of up to 5 MB."
            ),
            "photo": _(
                "For your badge: a recent passport-style photo, head and shoulders, taller than wide. "
                "JPEG or PNG, up to 3 MB."
            ),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.held = {
            name: stored
            for name in DOCUMENT_FIELDS
            if (stored := held.held_name(self.data.get(held_field(name), ""), field=name))
        }
        for name in self.held:
            self.fields[name].required = False  # sent before; a new file would replace it

    def hold_checked_documents(self, *, visitor: str) -> dict[str, str]:
        """After a failed check of the whole form: keep each good document; their tokens by field."""
        tokens = {name: self.data[held_field(name)] for name in self.held}
        for name in DOCUMENT_FIELDS:
            if name in self.files and self.cleaned_data.get(name):
                token = held.hold(self.cleaned_data[name], field=name, visitor=visitor)
                if token is None:
                    continue  # no room: the visitor chooses this file again
                if name in self.held:
                    held.release([self.held[name]])  # replaced by the new one
                tokens[name] = token
        for name in tokens:
            self.fields[name].required = False
        return tokens

    def release_held(self) -> None:
        """Once the documents are stored for good, their held copies go."""
        held.release(self.held.values())

    def clean_press_card(self):
        return self.checked("press_card", uploads.press_card)

    def clean_assignment_letter(self):
        return self.checked("assignment_letter", uploads.assignment_letter)

    def clean_photo(self):
        return self.checked("photo", uploads.badge_photo)

    def checked(self, name: str, check):
        upload = self.cleaned_data.get(name)
        # A new upload is checked; a held one was checked when it came.
        if name in self.files:
            return check(upload)
        if name in self.held:
            return File(private_storage.open(self.held[name]), name=self.held[name])
        return upload


class AccreditationForm(DocumentsForm):
    """What a media applicant tells the press office beyond the personal details."""

    equipment = forms.MultipleChoiceField(
        label=_("Equipment you will bring"),
        choices=Equipment.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    outlet_website = forms.URLField(
        label=AccreditationRequest._meta.get_field("outlet_website").verbose_name,
        help_text=AccreditationRequest._meta.get_field("outlet_website").help_text,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    working_languages = forms.MultipleChoiceField(
        label=_("Working languages"), choices=WorkingLanguage.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta(DocumentsForm.Meta):
        fields = (
            "nationality",
            "outlet_type",
            "outlet_country",
            "outlet_website",
            "role",
            "press_card_number",
            "press_card_issuer",
            "working_languages",
            "equipment",
            "crew",
            "technical_needs",
            "interview_requests",
            *DOCUMENT_FIELDS,
        )
        widgets = {
            **DocumentsForm.Meta.widgets,
            "crew": forms.Textarea(attrs={"rows": 2}),
            "technical_needs": forms.Textarea(attrs={"rows": 2}),
            "interview_requests": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self) -> dict:
        cleaned = super().clean()
        staff_journalist = cleaned.get("outlet_type") not in (None, "", OutletType.FREELANCE)
        if staff_journalist and not cleaned.get("outlet_website") and "outlet_website" not in self.errors:
            self.add_error("outlet_website", _("Give your outlet's website; only freelancers may leave it empty."))
        for name in PRESS_CARD_FIELDS:
            if staff_journalist and not cleaned.get(name) and name not in self.errors:
                self.add_error(name, _("Please fill this in; only freelancers without a press card may leave it out."))
        return cleaned

    def accreditation_details(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ResubmitDocumentsForm(DocumentsForm):
    """The documents the press office asked for, sent again from the personal page."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.new_documents() and not self.errors:
            raise forms.ValidationError(_("Choose at least one document to send."))
        return cleaned

    def new_documents(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in DOCUMENT_FIELDS
            if name in self.files and name in self.cleaned_data
        }


class BadgePickupForm(forms.Form):
    identity_document = forms.ChoiceField(
        label=_("Identity document shown"),
        choices=[("", "---------"), *IdentityDocument.choices],
        help_text=_("Check that the photo and the name on the ID match the applicant and the badge."),
    )


class ReviewForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the applicant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required to ask for more information, to reject or to revoke; optional with an approval. "
            "The applicant reads it as you write it."
        ),
    )
