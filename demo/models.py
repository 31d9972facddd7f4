"""What the demo loaded, so that a later ``seed_demo`` on the same database can tell that nothing needs doing."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoLoad(models.Model):
    """One completed demo load: its fingerprint (demo version and size), the day it was anchored on, what it produced.

    ``seed_demo`` skips the whole load when the latest row's fingerprint matches and the row counts it recorded
    (``checks``) still match the database; any difference runs the full, idempotent load again.
    """

    fingerprint = models.CharField(_("指纹"), max_length=64, db_index=True)
    version = models.PositiveIntegerField(_("演示数据版本"))
    anchor = models.DateField(_("基准日期"), help_text=_("演示数据按此日期之前的完整月份生成。"))
    partner_count = models.PositiveIntegerField(_("合作方数"))
    months = models.PositiveIntegerField(_("月数"))
    counts = models.JSONField(_("内容统计"), default=dict, blank=True)
    checks = models.JSONField(_("校验行数"), default=dict, blank=True)
    seconds = models.DecimalField(_("耗时（秒）"), max_digits=8, decimal_places=2)
    loaded_at = models.DateTimeField(_("加载时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("演示数据加载")
        verbose_name_plural = _("演示数据加载")
        ordering = ["-loaded_at", "-id"]

    def __str__(self) -> str:
        return f"v{self.version} {self.anchor:%Y-%m-%d} {self.partner_count}×{self.months}"
