"""MoE layers at prefill and large-batch decode: how far grouped expert GEMMs fall below one dense GEMM of the same FLOPs,
and what routing (top-k), token permutation and combine cost beside them.

Usage: python3 benchmarks/GpuProbe/moe_probe.py OUT_DIR   (writes moe.csv; needs PyTorch >= 2.8 for torch._grouped_mm)
Each MoE shape is one GPU's share: (label, experts on the GPU, top-k over all experts, routed experts, hidden, expert
intermediate per GPU). Timing: triton.testing.do_bench medians, L2 flushed between repetitions.
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


def record(**fields):
    rows.append(fields)
    print(" ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in fields.items()), flush=True)


def bench(fn):
    return do_bench(fn, warmup=25, rep=100, return_mode="median") * 1e3


# Qwen3-30B-A3B and gpt-oss-120b at TP 1 (all experts local), Mixtral-8x7B at TP 1, DeepSeek-V3 at EP 8 (32 of 256 local).
SHAPES = [
    ("qwen3-30b-a3b", 128, 8, 128, 2048, 768),
    ("gpt-oss-120b", 128, 4, 128, 2880, 2880),
    ("mixtral-8x7b", 8, 2, 8, 4096, 14336),
    ("deepseek-v3-ep8", 32, 8, 256, 7168, 2048),
]
TOKENS = [256, 1024, 4096, 16384]


def offsets(counts):
    return torch.cumsum(torch.tensor(counts, device="cuda", dtype=torch.int32), 0).to(torch.int32)


def probe(label, local, k, experts, hidden, inter):
    w13 = torch.randn(local, hidden, 2 * inter, dtype=torch.bfloat16, device="cuda") * 0.02
    w2 = torch.randn(local, inter, hidden, dtype=torch.bfloat16, device="cuda") * 0.02
    dense13 = w13[0].contiguous()
    dense2 = w2[0].contiguous()
    for tokens in TOKENS:
        # Tokens the GPU's experts receive: all tokens pick k of `experts`; a share local/experts lands here.
        assigned = tokens * k * local // experts
        if assigned < local:
            continue
        uniform = [assigned // local] * local
        uniform[-1] += assigned - sum(uniform)
        # Random top-k routing: per-expert counts from a multinomial draw (the load imbalance of one step).
        draw = torch.multinomial(torch.ones(experts, device="cuda"), tokens * k, replacement=True)
        random_counts = torch.bincount(draw, minlength=experts)[:local].tolist()
        for name, counts in [("uniform", uniform), ("random", random_counts)]:
            m = sum(counts)
            if m == 0:
                continue
            x = torch.randn(m, hidden, dtype=torch.bfloat16, device="cuda")
            h = torch.randn(m, inter, dtype=torch.bfloat16, device="cuda")
            offs = offsets(counts)
            t13 = bench(lambda: torch._grouped_mm(x, w13, offs=offs))
            t2 = bench(lambda: torch._grouped_mm(h, w2, offs=offs))
            flops = 2.0 * m * hidden * 2 * inter + 2.0 * m * inter * hidden
            record(test="grouped", shape=label, routing=name, tokens=tokens, rows=m, max_rows=max(counts),
                   us=t13 + t2, tflops=flops / (t13 + t2) / 1e6)
        # One dense GEMM pair with the same rows: what the grouped kernel would reach if every row went to one expert.
        x = torch.randn(assigned, hidden, dtype=torch.bfloat16, device="cuda")
        h = torch.randn(assigned, inter, dtype=torch.bfloat16, device="cuda")
        t = bench(lambda: x @ dense13) + bench(lambda: h @ dense2)
        flops = 2.0 * assigned * hidden * 2 * inter + 2.0 * assigned * inter * hidden
        record(test="dense-equivalent", shape=label, tokens=tokens, rows=assigned, us=t, tflops=flops / t / 1e6)
        # Routing: router GEMM, softmax and top-k over all experts for every token.
        hidden_states = torch.randn(tokens, hidden, dtype=torch.bfloat16, device="cuda")
        router = torch.randn(experts, hidden, dtype=torch.bfloat16, device="cuda") * 0.02
        t = bench(lambda: torch.topk(torch.softmax(F.linear(hidden_states, router).float(), dim=-1), k, dim=-1))
        record(test="routing", shape=label, tokens=tokens, us=t)
        # Permutation and combine: gather each token's copies into expert order, scatter-add the outputs back.
        index = torch.randint(0, tokens, (assigned,), device="cuda")
        out = torch.zeros(tokens, hidden, dtype=torch.bfloat16, device="cuda")
        t = bench(lambda: hidden_states.index_select(0, index)) + bench(lambda: out.index_add_(0, index, x))
        record(test="permute-combine", shape=label, tokens=tokens, rows=assigned, us=t)
    del w13, w2


for shape in SHAPES:
    try:
        probe(*shape)
    except Exception:
        print(f"SHAPE {shape[0]} FAILED", flush=True)
        traceback.print_exc()
    torch.cuda.empty_cache()

os.makedirs(OUT, exist_ok=True)
keys = sorted({k for r in rows for k in r})
with open(os.path.join(OUT, "moe.csv"), "w", newline="") as f:
    writer = csv.DictWriter(f, fieldnames=keys)
    writer.writeheader()
    writer.writerows(rows)
print(f"wrote {len(rows)} rows")
