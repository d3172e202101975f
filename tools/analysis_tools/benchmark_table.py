"""The results of ``benchmark.py`` as text."""
from typing import List

from linknet_mm.deploy.parity_verdict import MAX_DICE_CHANGE, MAX_MIOU_CHANGE

#: Other processes' average busy cores above which timings are flagged.
BUSY_CORES = 0.25


def format_table(result: dict) -> str:
    """The machine, the model, the inference and training tables, memory."""
    m, busy = result['machine'], result['other_cpu_cores']
    others = ', '.join(f'{phase} {cores:.2f}'
                       for phase, cores in busy.items() if cores is not None)
    lines = [
        f"machine: {m['summary']}, torch threads {m['torch_threads']}; "
        f'cores kept busy by other processes: {others or "unknown"}',
        f"model: {result['config']}, {result['params'] / 1e6:.2f}M "
        f"parameters, {result['flops'] / 1e9:.2f} GFLOPs at "
        f"{result['size'][0]}x{result['size'][1]} (1 multiply-add = "
        '1 FLOP)', '',
        f'{"backend":<13}{"batch":>6}{"latency ms":>12}{"images/s":>10}'
        f'{"x eager":>9}{"peak MiB":>10}{"busy*":>7}{"agree %":>9}'
        f'{"dmIoU":>7}{"ddice":>7}  parity'
    ]
    for row in result['inference']:
        other = row['other_cpu_cores']
        lines.append(
            f"{row['backend']:<13}{row['batch']:>6}{row['latency_ms']:>12.1f}"
            f"{row['images_per_s']:>10.2f}{row['x_eager']:>9.2f}"
            f"{row['peak_rss_mib']:>10.0f}"
            f"{'-' if other is None else f'{other:.2f}':>7}"
            f"{_parity_cells(result.get('parity', {}), row['backend'])}")
    lines.append('* cores kept busy by other processes while timing')
    lines += parity_notes(result) + training_lines(result)
    lines.append(
        f"\npeak RSS of the whole run: {result['peak_rss_mib']:.0f} MiB "
        '(largest child process, e.g. a DataLoader worker, shared pages '
        f"included: {result['children_peak_rss_mib']:.0f} MiB)")
    lines += [
        f'WARNING: other processes kept {cores:.2f} of {m["cores"]} cores '
        f'busy during the {phase} timings; they are slowed by it: run '
        'again on an idle machine' for phase, cores in busy.items()
        if cores is not None and cores > BUSY_CORES
    ]
    return '\n'.join(lines)


def _parity_cells(parity: dict, backend: str) -> str:
    """Agreement, mIoU and Dice change and verdict; '-' where unchecked."""
    figures = parity.get('fp32' if backend == 'eager' else backend)
    if figures is None:
        return f'{"-":>9}{"-":>7}{"-":>7}  -'
    dice = figures.get('Dice_change')
    verdict = 'ref' if backend == 'eager' else (
        'ok' if figures['ok'] else 'FAIL')
    return (f'{100 * figures["agreement"]:>9.3f}'
            f'{figures["mIoU_change"]:>+7.2f}'
            f'{"-" if dice is None else f"{dice:+.2f}":>7}  {verdict}')


def parity_notes(result: dict) -> List[str]:
    """What the parity columns were measured on and judged by, the INT8
    model, and why each refused or untimed backend is so."""
    if 'parity' not in result:
        return []
    fp32, low = result['parity']['fp32'], result['low_precision']
    dice = (f', Dice.{fp32["Dice_class"]} {fp32["Dice"]:.2f}'
            if 'Dice' in fp32 else '')
    ddice = f', |ddice| <= {MAX_DICE_CHANGE}' if dice else ''
    lines = [
        f'parity: against eager fp32 on {fp32["images"]} test images of '
        f'{result["parity_data"]} (fp32 mIoU {fp32["mIoU"]:.2f}{dice}); '
        f'dmIoU, ddice in points; ok = |dmIoU| <= {MAX_MIOU_CHANGE}'
        f'{ddice}, then agreement >= {100 * fp32["agreement_floor"]:.3f} % '
        "(1 - fp32's near-ties)", f'int8: {low["int8"]}'
    ]
    lines += [row['verdict'] for row in result['parity'].values()
              if not row['ok']]
    if low['bf16'] != 'offered':
        lines.append(f'bf16 not timed: {low["bf16"]}')
    return lines


def training_lines(result: dict) -> List[str]:
    """One line per Runner training path, with its speed-up over fp32."""
    if not result.get('training'):
        return []
    paths, size = result['training']['paths'], result['training']['size']
    lines = [
        f'\ntraining (mmengine Runner), batch {result["batch"]} at '
        f'{size[0]}x{size[1]}, on {result["machine"]["cpu"]}:',
        f'{"path":<20}{"images/s":>10}{"x fp32":>8}{"iter ms":>10}'
        f'{"data ms":>9}{"peak MiB":>10}'
    ]
    for name, row in paths.items():
        lines.append(
            f'{name:<20}{row["images_per_s"]:>10.2f}'
            f'{row["images_per_s"] / paths["fp32"]["images_per_s"]:>8.2f}'
            f'{row["iter_ms"]:>10.0f}{row["data_ms"]:>9.1f}'
            f'{row["peak_rss_mib"]:>10.0f}')
    if 'amp' not in paths:
        lines.append('amp not timed: --amp is refused on this machine')
    return lines + [f'DataLoader workers: {row["num_workers"]}']
