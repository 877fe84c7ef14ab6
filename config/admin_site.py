"""The admin site, with optional two-factor login for reviewers and editors.

Anyone may enrol an authenticator app (TOTP, django-otp) on *Two-factor login* in the user
menu. From then on their login asks for its six-digit code as well as the password, and a
session that was not opened with the code (say, one open when a superuser added a device) no
longer reaches the admin. Users without a device log in with their password alone.
"""

import base64

import segno
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_totp.models import TOTPDevice


class LoginForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    """The admin's login form; the code is asked only of users who enrolled a device."""

    otp_token = forms.CharField(
        label="Two-factor code",
        required=False,
        help_text="Only if you turned on two-factor login: the six digits your authenticator app shows.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": "Enter the six-digit code from your authenticator app: two-factor login is on for you.",
        "invalid_token": "That code is not right, or has expired. Enter the code your app shows now.",
    }

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is not None and user_has_device(user, confirmed=True):
            self.clean_otp(user)
        return cleaned

    def _chosen_device(self, user):
        # One authenticator app per person (see two_factor_view): no device list to pick from.
        return super()._chosen_device(user) or TOTPDevice.objects.filter(user=user, confirmed=True).first()

    def _update_form(self, user):
        # django-otp would offer a device list and a challenge button; a TOTP app needs neither.
        pass


class TwoFactorForm(forms.Form):
    code = forms.CharField(
        label="Code from the app",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class AdminSite(admin.AdminSite):
    login_form = LoginForm
    login_template = "admin/login_two_factor.html"

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        if request.user.is_verified():
            return True
        # Asked more than once a request: one query for it.
        if not hasattr(request, "_needs_two_factor"):
            request._needs_two_factor = user_has_device(request.user, confirmed=True)
        return not request._needs_two_factor

    def get_urls(self):
        return [path("two-factor/", self.admin_view(self.two_factor_view), name="two_factor"), *super().get_urls()]

    def two_factor_view(self, request):
        """Turn two-factor login on (scan, then confirm with a code) or off (with a code)."""
        user = request.user
        enrolled = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = enrolled or TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
        form = TwoFactorForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if not device.verify_token(form.cleaned_data["code"].strip().replace(" ", "")):
                form.add_error("code", "That code is not right, or has expired. Enter the code the app shows now.")
            elif enrolled:
                TOTPDevice.objects.filter(user=user).delete()
                messages.success(request, "Two-factor login is off: your password alone now logs you in.")
                return redirect("admin:index")
            else:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                otp_login(request, device)
                messages.success(request, "Two-factor login is on: from now on your login asks for the app's code.")
                return redirect("admin:index")
        context = {
            **self.each_context(request),
            "title": "Two-factor login",
            "enrolled": enrolled is not None,
            "form": form,
        }
        if not enrolled:
            qr = segno.make(device.config_url, error="m")
            context["qr_data_uri"] = "data:image/svg+xml;base64," + base64.b64encode(
                qr.svg_inline(scale=5).encode()
            ).decode("ascii")
            context["secret"] = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
        return TemplateResponse(request, "admin/two_factor.html", context)
