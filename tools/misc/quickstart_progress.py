"""The quickstart's progress line, drawn inside the run by a hook."""
import os
import time
from datetime import timedelta

from mmengine.hooks import Hook
from mmengine.registry import HOOKS


@HOOKS.register_module()
class QuickstartProgressHook(Hook):
    """Write a run's progress to a file descriptor (the quickstart's
    terminal): ``iteration 120/600  loss 1.2345  elapsed 0:00:50  ETA
    0:03:12``, rewritten in place on a terminal, else a line per tenth.

    Args:
        fd (int): The file descriptor written to.
    """
    priority = 'LOW'  # after IterTimerHook has the ETA

    def __init__(self, fd: int) -> None:
        self.fd, self.tty = fd, os.isatty(fd)
        self.start, self.width, self.tenth = time.monotonic(), 0, -1

    def _show(self, runner, label: str, done: int, total: int) -> None:
        parts = [f'{label} {done:>{len(str(total))}}/{total}']
        if label == 'iteration':  # mmengine's log window: 10 iterations
            loss = runner.message_hub.get_scalar('train/loss').mean(10)
            parts.append(f'loss {loss:.4f}')
        for name, seconds in (('elapsed', time.monotonic() - self.start),
                              ('ETA', runner.message_hub.get_info('eta'))):
            parts.append(f'{name} {timedelta(seconds=int(seconds))}')
        text = '  '.join(parts)
        if self.tty:
            os.write(self.fd, f'\r  {text.ljust(self.width)}'.encode())
            self.width = len(text)
        elif done * 10 // total > self.tenth:
            self.tenth = done * 10 // total
            os.write(self.fd, f'  {text}\n'.encode())

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        self._show(runner, 'iteration', runner.iter + 1, runner.max_iters)

    def after_test_iter(self, runner, batch_idx, data_batch=None,
                        outputs=None) -> None:
        self._show(runner, 'image', batch_idx + 1, len(runner.test_dataloader))

    def after_train(self, runner) -> None:
        """End the line rewritten in place, if any."""
        if self.width:
            os.write(self.fd, b'\n')
        self.width, self.tenth = 0, -1

    after_test = after_train
