from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500

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
