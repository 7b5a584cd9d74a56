"""Giving each form its own fields, without Django's deep copy of every field.

Django deep-copies a form class's fields for every form it builds, choice lists included.
For the registration form that copy was a fifth of a registration's CPU time. Here each
field is copied the way Django's own `__deepcopy__` methods do it (the field, its widget,
the widget's attrs, the error messages and validators), but without the generic copy
protocol, and choice lists become tuples shared by every form, since nothing changes one
in place.

Only field and widget classes whose copying is exactly Django's are accepted; any other
makes `copied_cheaply` refuse the form class when it is defined.
"""

from django import forms

FIELD_COPIERS = {forms.Field.__deepcopy__, forms.ChoiceField.__deepcopy__}
WIDGET_COPIERS = {forms.Widget.__deepcopy__, forms.widgets.ChoiceWidget.__deepcopy__}


def shallow_copy(thing):
    copy = object.__new__(type(thing))
    copy.__dict__.update(thing.__dict__)
    return copy


def copy_field(field: forms.Field) -> forms.Field:
    copy = shallow_copy(field)
    copy.widget = shallow_copy(field.widget)
    copy.widget.attrs = field.widget.attrs.copy()
    copy.error_messages = field.error_messages.copy()
    copy.validators = field.validators[:]
    return copy


class FieldTemplates(dict):
    """A form class's `base_fields`; `BaseForm.__init__` deep-copies it into the form's fields."""

    def __deepcopy__(self, memo: dict) -> dict[str, forms.Field]:
        return {name: copy_field(field) for name, field in self.items()}


def copied_cheaply(form_class: type[forms.BaseForm], *, empty_choices: tuple[str, ...] = ()) -> type[forms.BaseForm]:
    """Make each form of this class copy its fields cheaply (see the module's docstring).

    Fields named in `empty_choices` lose their class-level choices; each form assigns its own.
    Other choice lists are read once, here (model fields' choices come as callables): a
    list that changes while the site runs belongs in `empty_choices`.
    """
    for name, field in form_class.base_fields.items():
        if type(field).__deepcopy__ not in FIELD_COPIERS or type(field.widget).__deepcopy__ not in WIDGET_COPIERS:
            raise TypeError(f"{form_class.__name__}.{name}: {type(field).__name__} copies itself in its own way")
        if isinstance(field, forms.ChoiceField):
            # Past the `choices` setters, which would turn the tuple back into a list.
            field._choices = field.widget._choices = () if name in empty_choices else tuple(field.choices)
    form_class.base_fields = FieldTemplates(form_class.base_fields)
    return form_class
