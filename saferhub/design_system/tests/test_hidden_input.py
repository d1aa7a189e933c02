from django import forms

from saferhub.design_system.renderers import GovukFormRenderer


class WithHidden(forms.Form):
    step = forms.CharField(widget=forms.HiddenInput)
    name = forms.CharField(label="Name")


def test_a_hidden_field_is_drawn_as_a_hidden_input_with_its_value_escaped():
    form = WithHidden(initial={"step": 'cpw"><script>'}, renderer=GovukFormRenderer())
    html = str(form)
    assert '<input type="hidden" name="step" value="cpw&#34;&gt;&lt;script&gt;" id="id_step">' in html
