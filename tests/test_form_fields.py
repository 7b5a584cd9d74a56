"""Forms copy their fields cheaply, and each form still owns what it may change."""

import pytest
from django import forms

from registration.forms import RegistrationForm
from wpsconf.form_fields import copied_cheaply


def test_each_form_owns_its_fields_widgets_and_messages():
    first, second = RegistrationForm(), RegistrationForm()

    first.fields["email"].widget.attrs["class"] = "is-invalid"
    first.fields["email"].error_messages["required"] = "changed"
    first.fields["email"].validators.append(lambda value: None)
    first.fields["category"].widget = forms.RadioSelect()

    assert "class" not in second.fields["email"].widget.attrs
    assert second.fields["email"].error_messages["required"] != "changed"
    assert len(second.fields["email"].validators) == len(RegistrationForm.base_fields["email"].validators)
    assert isinstance(second.fields["category"].widget, forms.Select)
    assert "class" not in RegistrationForm.base_fields["email"].widget.attrs
    assert second.fields["email"] is not RegistrationForm.base_fields["email"]


def test_choices_are_shared_but_still_offered_and_checked():
    form = RegistrationForm({"category": "astronaut"})

    assert form.fields["category"].choices is RegistrationForm.base_fields["category"].choices
    assert form.fields["category"].widget.choices is form.fields["category"].choices  # a tuple: nobody can change it
    assert ("parliamentarian", "Parliamentarian") in [
        (value, str(label)) for value, label in form.fields["category"].choices
    ]
    assert len(form.fields["country"].choices) > 200  # each form is given its language's list
    assert RegistrationForm.base_fields["country"].choices == ()
    assert "category" in form.errors


def test_it_refuses_a_field_that_copies_itself_in_its_own_way():
    class SplitDateTimeForm(forms.Form):
        when = forms.SplitDateTimeField()  # a MultiValueField deep-copies its sub-fields

    with pytest.raises(TypeError, match=r"SplitDateTimeForm\.when: SplitDateTimeField copies itself"):
        copied_cheaply(SplitDateTimeForm)
