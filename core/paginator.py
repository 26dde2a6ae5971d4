"""A paginator that counts only when it must."""

from django.core.paginator import Page, Paginator


class CountWhenFullPaginator(Paginator):
    """The first page is fetched with one row more than it shows: when that row is absent the list
    fits on one page, and its length is the count (no COUNT query). Otherwise, and for any other
    page, it pages as Django's Paginator does, without fetching the first page twice."""

    _first: list | None = None

    def get_page(self, number) -> Page:
        if number in (None, "", "1", 1):
            rows = list(self.object_list[: self.per_page + 1])
            if len(rows) <= self.per_page:
                self.__dict__["count"] = len(rows)  # Paginator.count is a cached_property
            self._first = rows[: self.per_page]
        return super().get_page(number)

    def page(self, number) -> Page:
        if self._first is not None and self.validate_number(number) == 1:
            return Page(self._first, 1, self)
        return super().page(number)
