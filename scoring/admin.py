import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import RuleEntry, RuleSet
from .rule_validation import validate_rule_value
from .services import rule_entry_update, rule_set_activate, rule_set_copy_as_draft


class RuleEntryForm(forms.ModelForm):
    class Meta:
        model = RuleEntry
        fields = ["rule_id", "key", "kind", "value", "unit", "description", "assumed"]
        widgets = {"value": forms.Textarea(attrs={"rows": 3, "cols": 80})}

    def clean(self):
        cleaned = super().clean()
        kind, value = cleaned.get("kind") or self.instance.kind, cleaned.get("value")
        if kind and value is not None:
            errors = validate_rule_value(kind, value)
            if errors:
                raise ValidationError({"value": errors})
        return cleaned


class RuleEntryInline(admin.TabularInline):
    model = RuleEntry
    form = RuleEntryForm
    extra = 0
    fields = ["rule_id", "key", "kind", "value", "unit", "description", "assumed"]
    ordering = ["rule_id", "key"]

    def has_add_permission(self, request, obj=None):
        return bool(obj and obj.is_editable)

    def has_change_permission(self, request, obj=None):
        return bool(obj and obj.is_editable) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return bool(obj and obj.is_editable)

    def get_readonly_fields(self, request, obj=None):
        if obj and obj.is_editable:
            return ["rule_id", "key", "kind"]
        return self.fields


@admin.register(RuleSet)
class RuleSetAdmin(SimpleHistoryAdmin):
    list_display = ["version", "name", "status", "effective_from", "locked", "assumed_count", "activated_at"]
    list_filter = ["status", "locked"]
    search_fields = ["name", "note", "entries__rule_id", "entries__key"]
    inlines = [RuleEntryInline]
    actions = ["copy_as_draft", "activate"]
    fields = ["version", "name", "status", "effective_from", "based_on", "locked", "note", "activated_at",
              "activated_by"]

    @admin.display(description=_("假定参数数"))
    def assumed_count(self, obj):
        return obj.entries.filter(assumed=True).count()

    def get_readonly_fields(self, request, obj=None):
        always = ["version", "status", "based_on", "locked", "activated_at", "activated_by"]
        if obj is None or obj.is_editable:
            return always
        return always + ["name", "effective_from", "note"]

    def has_add_permission(self, request):
        return False  # new versions are copies of an existing set (action "复制为新版本草稿")

    def has_delete_permission(self, request, obj=None):
        return bool(obj and obj.is_editable) and super().has_delete_permission(request, obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not RuleEntry:
            return super().save_formset(request, form, formset, change)
        entries = formset.save(commit=False)
        for entry in entries:
            if entry.pk:
                value, assumed = entry.value, entry.assumed
                entry.refresh_from_db()
                rule_entry_update(entry=entry, value=value, assumed=assumed, actor=request.user)
            else:
                entry.save()
        for entry in formset.deleted_objects:
            entry.delete()

    @admin.action(description=_("复制为新版本草稿"))
    def copy_as_draft(self, request, queryset):
        for rule_set in queryset:
            draft = rule_set_copy_as_draft(source=rule_set, actor=request.user)
            self.message_user(request, _("已创建草稿 %(d)s") % {"d": draft})

    @admin.action(description=_("启用（按草稿中填写的生效日期）"))
    def activate(self, request, queryset):
        for rule_set in queryset:
            if not rule_set.effective_from:
                self.message_user(request, _("%(s)s 未填写生效日期") % {"s": rule_set}, messages.ERROR)
                continue
            try:
                rule_set_activate(rule_set=rule_set, effective_from=rule_set.effective_from, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{rule_set}: {'; '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("%(s)s 已启用") % {"s": rule_set})


@admin.register(RuleEntry)
class RuleEntryAdmin(SimpleHistoryAdmin):
    list_display = ["rule_id", "key", "rule_set", "kind", "value_text", "unit", "assumed", "description"]
    list_filter = ["rule_set", "rule_id", "kind", "assumed"]
    search_fields = ["rule_id", "key", "description"]
    list_select_related = ["rule_set"]

    @admin.display(description=_("取值"))
    def value_text(self, obj):
        text = json.dumps(obj.value, ensure_ascii=False)
        return text if len(text) < 120 else text[:117] + "…"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return bool(obj and obj.rule_set.is_editable) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False
