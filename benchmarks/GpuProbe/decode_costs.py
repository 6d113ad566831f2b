"""Measures the fixed costs of a decode step on one NVIDIA GPU: how a GEMM's time splits into bytes / bandwidth and a fixed
latency for small weight matrices (the TP-sliced ones), what that latency is when GEMMs run back to back inside a CUDA
graph (as engines replay decode steps), and what grouped expert GEMMs (MoE) cost against the experts touched and the rows
each receives.

Usage: python3 benchmarks/GpuProbe/decode_costs.py OUT_DIR   (writes decode-costs.csv and prints each row; about 15 s on H200)
Timing: triton.testing.do_bench medians (L2 flushed between repetitions) or CUDA-graph replays timed with events.
"""
import csv
import os
import sys
import traceback

import torch
import torch.nn.functional as F
from triton.testing import do_bench

OUT = sys.argv[1] if len(sys.argv) > 1 else "."
rows = []


def record(test, **fields):
    fields["test"] = test
    rows.append(fields)
    print(test, fields, flush=True)


def section(name, body):
    try:
        body()
    except Exception:  # one failing probe must not lose the others
        print(f"SECTION {name} FAILED", flush=True)
        traceback.print_exc()
        record(name + "-failed", error=traceback.format_exc().splitlines()[-1])
    torch.cuda.empty_cache()


def bench(fn):
    return do_bench(fn, warmup=10, rep=40, return_mode="median") * 1e3  # microseconds


def graph_us(fn, replays=10):
    """Median time of one replay of a CUDA graph that captures fn once."""
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):
        fn()
        fn()
    torch.cuda.current_stream().wait_stream(stream)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        fn()
    times = []
    for _ in range(replays):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        graph.replay()
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end) * 1e3)
    times.sort()
    return times[len(times) // 2]


def small_gemm():
    """Isolated GEMMs from 0.5 to 64 MB of bf16 weights at decode-sized M: time = bytes / bandwidth + latency?"""
    for k in [2048, 4096, 8192]:
        for n in [128, 512, 1024, 2048, 4096]:
            w = torch.randn(n, k, dtype=torch.bfloat16, device="cuda")
            for m in [1, 16, 64]:
                x = torch.randn(m, k, dtype=torch.bfloat16, device="cuda")
                record("small-gemm", k=k, n=n, m=m, bytes=n * k * 2, us=bench(lambda: F.linear(x, w)))


# Per-layer linear shapes (K, N) of decode steps as engines shard them: qkv, o, gate_up, down.
# l8 = Llama-3 8B at TP 1, l70t8 = Llama-3 70B at TP 8, q32 = Qwen3-32B at TP 1, oss = gpt-oss-120b attention at TP 8.
LAYERS = {
    "l8": [(4096, 6144), (4096, 4096), (4096, 28672), (14336, 4096)],
    "l70t8": [(8192, 1280), (1024, 8192), (8192, 7168), (3584, 8192)],
    "q32": [(5120, 10240), (8192, 5120), (5120, 51200), (25600, 5120)],
    "oss": [(2880, 640), (512, 2880)],
}


def graph_chain():
    """Many layers' GEMMs back to back in one CUDA graph (distinct weights, no L2 reuse): the in-graph latency per GEMM."""
    for label, shapes in LAYERS.items():
        layer_bytes = sum(k * n * 2 for k, n in shapes)
        layers = max(4, min(48, int(6e9 // layer_bytes)))
        weights = [[torch.randn(n, k, dtype=torch.bfloat16, device="cuda") for k, n in shapes] for _ in range(layers)]
        for m in [1, 16, 64]:
            xs = [torch.randn(m, k, dtype=torch.bfloat16, device="cuda") for k, _ in shapes]

            def chain():
                for layer in weights:
                    for x, w in zip(xs, layer):
                        F.linear(x, w)

            t = graph_us(chain)
            isolated = sum(bench(lambda x=x, w=w: F.linear(x, w)) for x, w in zip(xs, weights[0]))
            record("graph-chain", shape=label, m=m, layers=layers, gemms=layers * len(shapes), lbytes=layer_bytes, us=t,
                   per_layer=t / layers, iso_layer=isolated)
        del weights


def grouped_experts():
    """Grouped expert GEMMs (torch._grouped_mm, as MoE kernels group them) over the touched experts: time against experts
    touched and rows per expert, one layer's gate_up projection (bf16; isolated, L2 flushed)."""
    # (label, hidden, 2 x expert intermediate per GPU): gpt-oss at TP 1, DeepSeek-V3 and Qwen3-235B at TP 8.
    for label, hidden, inter in [("oss", 2880, 5760), ("dsv3t8", 7168, 512), ("q235t8", 4096, 384)]:
        w = torch.randn(128, hidden, inter, dtype=torch.bfloat16, device="cuda")
        for touched in [1, 4, 8, 16, 32, 64, 128]:
            for per_expert in [1, 16, 64, 256]:
                a = torch.randn(touched * per_expert, hidden, dtype=torch.bfloat16, device="cuda")
                offs = torch.arange(1, touched + 1, device="cuda", dtype=torch.int32) * per_expert
                b = w[:touched]
                try:
                    t, kind = bench(lambda: torch._grouped_mm(a, b, offs=offs)), "g"
                except Exception:
                    t, kind = bench(lambda: [a[i * per_expert:(i + 1) * per_expert] @ b[i] for i in range(touched)]), "loop"
                record("grouped", shape=label, kind=kind, touched=touched, rows=per_expert, bytes=touched * hidden * inter * 2, us=t)
        del w


for name, body in [("small-gemm", small_gemm), ("graph-chain", graph_chain), ("grouped", grouped_experts)]:
    section(name, body)

os.makedirs(OUT, exist_ok=True)
keys = sorted({k for r in rows for k in r})
with open(os.path.join(OUT, "decode-costs.csv"), "w", newline="") as f:
    writer = csv.DictWriter(f, fieldnames=keys)
    writer.writeheader()
    writer.writerows(rows)
