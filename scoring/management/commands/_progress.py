"""A tqdm bar driven by ``core.jobs`` progress callbacks."""

from tqdm import tqdm


class ProgressBar:
    def __init__(self, description: str, stream):
        self._bar = tqdm(desc=description, total=0, unit="项", file=stream, dynamic_ncols=True)

    def __call__(self, done: int, total: int) -> None:
        if self._bar.total != total:
            self._bar.total = total
        self._bar.n = done
        self._bar.refresh()

    def close(self) -> None:
        self._bar.close()
