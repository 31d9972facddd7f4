from django import forms
from django.utils.translation import gettext_lazy as _

from partners.choices import ImportKind


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("导入类型"), choices=ImportKind.choices)
    file = forms.FileField(label=_("文件"), help_text=_("CSV（UTF-8，可带 BOM，首行为列名）或 .xlsx（第一个工作表）"))
    dry_run = forms.BooleanField(label=_("仅校验，不写入（试运行）"), required=False)
