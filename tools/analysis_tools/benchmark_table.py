"""The results of ``benchmark.py`` as text (prettytable, as mmseg's)."""
from typing import List, Sequence

from prettytable import PrettyTable

from linknet_mm.deploy.parity_verdict import MAX_DICE_CHANGE, MAX_MIOU_CHANGE

#: Other processes' average busy cores above which timings are flagged.
BUSY_CORES = 0.25


def text_table(header: Sequence[str], rows: Sequence[Sequence]) -> str:
    """Columns without borders, the first left-aligned, the rest right."""
    table = PrettyTable(header, border=False, padding_width=0,
                        right_padding_width=2, align='r')
    table.align[header[0]] = 'l'
    table.add_rows(rows)
    return '\n'.join(line.rstrip() for line in table.get_string().split('\n'))


def format_table(result: dict) -> str:
    """The machine, the model, the inference and training tables, memory."""
    m, busy = result['machine'], result['other_cpu_cores']
    others = ', '.join(f'{phase} {cores:.2f}'
                       for phase, cores in busy.items() if cores is not None)
    rows = [[
        row['backend'], row['batch'], f"{row['latency_ms']:.1f}",
        f"{row['images_per_s']:.2f}", f"{row['x_eager']:.2f}",
        f"{row['peak_rss_mib']:.0f}", '-' if row['other_cpu_cores'] is None
        else f"{row['other_cpu_cores']:.2f}",
        *_parity_cells(result.get('parity', {}), row['backend'])
    ] for row in result['inference']]
    lines = [
        f"machine: {m['summary']}, torch threads {m['torch_threads']}; "
        f'cores kept busy by other processes: {others or "unknown"}',
        f"model: {result['config']}, {result['params'] / 1e6:.2f}M "
        f"parameters, {result['flops'] / 1e9:.2f} GFLOPs at "
        f"{result['size'][0]}x{result['size'][1]} (1 multiply-add = "
        '1 FLOP)\n',
        text_table(('backend', 'batch', 'latency ms', 'images/s', 'x eager',
                    'peak MiB', 'busy*', 'agree %', 'dmIoU', 'ddice',
                    'parity'), rows),
        '* cores kept busy by other processes while timing'
    ] + parity_notes(result) + training_lines(result)
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


def _parity_cells(parity: dict, backend: str) -> List[str]:
    """Agreement %, mIoU and Dice change, verdict; '-' where unchecked."""
    figures = parity.get('fp32' if backend == 'eager' else backend)
    if figures is None:
        return ['-'] * 4
    dice = figures.get('Dice_change')
    return [
        f'{100 * figures["agreement"]:.3f}', f'{figures["mIoU_change"]:+.2f}',
        '-' if dice is None else f'{dice:+.2f}', 'ref' if backend == 'eager'
        else ('ok' if figures['ok'] else 'FAIL')
    ]


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
    rows = [[
        name, f'{row["images_per_s"]:.2f}',
        f'{row["images_per_s"] / paths["fp32"]["images_per_s"]:.2f}',
        f'{row["iter_ms"]:.0f}', f'{row["data_ms"]:.1f}',
        f'{row["peak_rss_mib"]:.0f}'
    ] for name, row in paths.items()]
    return [
        f'\ntraining (mmengine Runner), batch {result["batch"]} at '
        f'{size[0]}x{size[1]}, on {result["machine"]["cpu"]}:',
        text_table(('path', 'images/s', 'x fp32', 'iter ms', 'data ms',
                    'peak MiB'), rows)
    ] + (['amp not timed: --amp is refused on this machine']
         if 'amp' not in paths else []) + [
        f'DataLoader workers: {paths["fp32"]["num_workers"]}']
