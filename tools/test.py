"""Test (and evaluate) a segmentor: mmseg's ``tools/test.py``, clear errors.

Same arguments as mmseg 1.x. Differences as in ``tools/train.py``: checked
``--cfg-options``, missing dataset/config reported without a traceback,
``runner_type`` honoured (so ``--launcher pytorch`` also runs on CPU), an
``--out`` that is a file or not writable refused before the model runs, a
checkpoint whose tensors do not fit the config (missing, unexpected, of
another shape) refused in one line (``SafeRunner``).
"""
import argparse
import os
import os.path as osp
import sys

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

from linknet_mm.errors import ConfigError, LinkNetError, error_line
from linknet_mm.utils import check_work_dir, load_config, quiet_known_warnings
from mmseg.registry import RUNNERS


def parse_args() -> argparse.Namespace:
    """Command-line arguments, as in mmseg's tools/test.py."""
    parser = argparse.ArgumentParser(
        description='MMSeg test (and eval) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--work-dir',
        help='directory for logs and the metrics as JSON')
    parser.add_argument(
        '--out',
        help='directory to save predictions for offline evaluation (the '
        'tables: per_class.json, confusion_matrix.*, per_image_dice.json '
        'go to the work dir)')
    parser.add_argument(
        '--show', action='store_true', help='show prediction results')
    parser.add_argument(
        '--show-dir',
        help='directory for painted images; a relative path is under '
        'the work dir, as in mmseg')
    parser.add_argument(
        '--wait-time', type=float, default=2, help='the interval of show (s)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, key=value pairs')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument(
        '--tta', action='store_true', help='test time augmentation')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def trigger_visualization_hook(cfg: Config,
                               args: argparse.Namespace) -> Config:
    """Switch on drawing in the config's ``SegVisualizationHook``.

    Args:
        cfg (Config): The config.
        args (argparse.Namespace): Parsed arguments.

    Returns:
        Config: ``cfg``, changed in place.
    """
    hook = cfg.default_hooks.get('visualization')
    if hook is None:
        raise ConfigError('--show/--show-dir need default_hooks.visualization'
                          " = dict(type='SegVisualizationHook')")
    hook['draw'] = True
    hook.setdefault('interval', 1)  # every image, unless the config thins
    if args.show:
        hook['show'] = True
        hook['wait_time'] = args.wait_time
    if args.show_dir:
        cfg.visualizer['save_dir'] = osp.join(cfg.work_dir, args.show_dir)
    return cfg


def check_out_dir(out: str) -> None:
    """Refuse an ``--out`` that cannot hold predictions, before testing.

    Args:
        out (str): The ``--out`` folder; created if missing.
    """
    if osp.exists(out) and not osp.isdir(out):
        raise ConfigError(f'--out {out} is a file; expected a folder for the '
                          'predictions (it is created if missing)')
    check_work_dir(out, '--out')


def main() -> None:
    """Build the runner from the config and test the checkpoint."""
    args = parse_args()
    quiet_known_warnings()
    cfg = load_config(args.config, args.cfg_options, args.work_dir,
                      args.launcher)
    cfg.load_from = args.checkpoint
    if args.show or args.show_dir:
        cfg = trigger_visualization_hook(cfg, args)
    if args.tta:
        cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
        cfg.tta_model.module = cfg.model
        cfg.model = cfg.tta_model
    if args.out is not None:
        check_out_dir(args.out)
        cfg.test_evaluator['output_dir'] = args.out
        cfg.test_evaluator['keep_results'] = True
        # tables beside the logs: --out holds only predictions, which
        # mmseg's stock confusion_matrix.py reads as images
        cfg.test_evaluator['tables_dir'] = cfg.work_dir
    if 'runner_type' in cfg:
        runner = RUNNERS.build(cfg)
    else:
        runner = Runner.from_cfg(cfg)
    runner.test()


if __name__ == '__main__':
    try:
        main()
    except LinkNetError as error:
        sys.exit(f'error: {error_line(error)}')
