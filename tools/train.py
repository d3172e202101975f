"""Train a segmentor: mmseg's ``tools/train.py`` with clear errors.

Same arguments as mmseg 1.x. Differences: ``--cfg-options`` keys are
checked (see :func:`linknet_mm.utils.load_config`; ``data_root=...``
moves every dataloader), a missing dataset or config is reported without a
traceback, ``runner_type`` from the config is honoured, and ``--amp``
also trains on a CPU with native bfloat16 (see
:func:`linknet_mm.engine.enable_amp`). The work dir's lock is taken before
the runner is built, so a run refused because another one trains there
writes nothing (see :func:`linknet_mm.engine.runner.work_dir_lock.
training_lock`); a full disk and Ctrl-C end in one line saying how to
resume, Ctrl-C with exit code 130.
"""
import argparse
import os
import sys

from mmengine.config import DictAction
from mmengine.runner import Runner

from linknet_mm.engine import enable_amp
from linknet_mm.engine.runner.work_dir_lock import training_lock
from linknet_mm.errors import LinkNetError, TrainingInterrupted, error_line
from linknet_mm.utils import load_config, quiet_known_warnings
from mmseg.registry import RUNNERS


def parse_args() -> argparse.Namespace:
    """Command-line arguments, as in mmseg's tools/train.py."""
    parser = argparse.ArgumentParser(description='Train a segmentor')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        action='store_true',
        help='resume from the latest checkpoint in the work_dir')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='enable automatic-mixed-precision training')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, key=value pairs such as '
        'data_root=data/x train_cfg.max_iters=1000 model.backbone.depth=34')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def main() -> None:
    """Build the runner from the config and train."""
    args = parse_args()
    quiet_known_warnings()
    cfg = load_config(args.config, args.cfg_options, args.work_dir,
                      args.launcher)
    if args.amp:
        enable_amp(cfg)
    cfg.resume = args.resume
    with training_lock(cfg.work_dir, args.launcher):
        if 'runner_type' in cfg:
            runner = RUNNERS.build(cfg)
        else:
            runner = Runner.from_cfg(cfg)
        runner.train()


#: Exit code of a run stopped by Ctrl-C: 128 + SIGINT, as a shell reports.
INTERRUPTED = 130

if __name__ == '__main__':
    try:
        main()
    except LinkNetError as error:
        sys.exit(f'error: {error_line(error)}')
    except TrainingInterrupted as interrupt:
        print(interrupt, file=sys.stderr)
        sys.exit(INTERRUPTED)
    except KeyboardInterrupt:
        print('stopped by Ctrl-C before training started', file=sys.stderr)
        sys.exit(INTERRUPTED)
