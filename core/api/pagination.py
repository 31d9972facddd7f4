from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        """The first page reads one row more than it shows: when the list fits on it, its length is the count
        and no ``COUNT(*)`` query runs (most partner lists are one page); otherwise the count is queried as usual.
        Other pages are DRF's."""
        page_size = self.get_page_size(request)
        if not page_size or request.query_params.get(self.page_query_param, "1") != "1":
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        rows = list(queryset[: page_size + 1])
        paginator = self.django_paginator_class(queryset, page_size)
        paginator.count = len(rows) if len(rows) <= page_size else queryset.count()  # a cached_property: preset
        self.page = paginator.page(1)
        self.page.object_list = rows[:page_size]
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return self.page.object_list

    def get_page_size(self, request):
        """``page_size`` must be a whole number from 1 to ``max_page_size``: anything else is a 400
        naming the parameter (DRF's default silently falls back to the default size)."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= self.max_page_size):
            raise ValidationError({self.page_size_query_param: [f"应为 1–{self.max_page_size} 之间的整数"]})
        return super().get_page_size(request)

    def get_page_number(self, request, paginator):
        """``page`` must be a whole number from 1 (or ``last``): anything else is a 400 naming the parameter."""
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw not in self.last_page_strings and not (raw.isascii() and raw.isdigit()
                                                                           and int(raw) >= 1):
            raise ValidationError({self.page_query_param: ["应为不小于 1 的整数"]})
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
            elif parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters
