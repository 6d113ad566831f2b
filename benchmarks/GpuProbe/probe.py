"""Measures the hardware facts the step model rests on, on whatever NVIDIA GPU it runs: sustained HBM bandwidth,
GEMM throughput against the rows M of a decode/prefill step (bf16 and fp8), decode attention's KV read bandwidth,
prefill attention throughput, and the small-kernel floor of one transformer layer under CUDA graphs.

Usage: python3 benchmarks/GpuProbe/probe.py OUT_DIR   (writes probe.csv and prints a summary)
Timing: triton.testing.do_bench medians (L2 flushed between repetitions) or CUDA-graph replays timed with events.
"""
import csv
import math
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
    print(test, " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in fields.items() if k != "test"),
          flush=True)


def bench(fn):
    return do_bench(fn, warmup=25, rep=100, return_mode="median") * 1e3  # microseconds


def graph_time_us(fn, repeats):
    """Median time of one call of fn, from CUDA-graph replays of `repeats` calls (launch gaps removed)."""
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):
        for _ in range(3):
            fn()
    torch.cuda.current_stream().wait_stream(stream)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        for _ in range(repeats):
            fn()
    times = []
    for _ in range(20):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        graph.replay()
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end) * 1e3 / repeats)
    times.sort()
    return times[len(times) // 2]


def section(name, body):
    try:
        body()
    except Exception:  # one failing probe must not lose the others
        print(f"SECTION {name} FAILED", flush=True)
        traceback.print_exc()
        record(name + "-failed", error=traceback.format_exc().splitlines()[-1])
    torch.cuda.empty_cache()


dev = torch.cuda.get_device_properties(0)
record("device", name=dev.name, sms=dev.multi_processor_count, memory_gib=dev.total_memory / 2**30,
       torch=torch.__version__, cuda=torch.version.cuda)


def hbm():
    n = 2**31  # 4 GiB of bf16
    x = torch.randn(n, dtype=torch.bfloat16, device="cuda")
    y = torch.empty_like(x)
    t = bench(lambda: y.copy_(x))
    record("hbm-copy", bytes=2 * x.numel() * 2, time_us=t, gbps=2 * x.numel() * 2 / t / 1e3)
    t = bench(lambda: torch.sum(x, dtype=torch.float32))
    record("hbm-read", bytes=x.numel() * 2, time_us=t, gbps=x.numel() * 2 / t / 1e3)
    t = bench(lambda: y.fill_(1.0))
    record("hbm-write", bytes=x.numel() * 2, time_us=t, gbps=x.numel() * 2 / t / 1e3)


# (label, K, N): linear layers as engines run them (x[M,K] @ W[N,K]^T), Llama-3 8B and 70B shapes, whole and TP-8 slices.
SHAPES = [
    ("8b-gate-up", 4096, 28672),
    ("8b-down", 14336, 4096),
    ("70b-qkv", 8192, 10240),
    ("70b-gate-up", 8192, 57344),
    ("70b-tp8-gate-up", 8192, 7168),
    ("70b-tp8-down", 3584, 8192),
]
ROWS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384]


def gemm_bf16():
    for label, k, n in SHAPES:
        w = torch.randn(n, k, dtype=torch.bfloat16, device="cuda") / math.sqrt(k)
        for m in ROWS:
            x = torch.randn(m, k, dtype=torch.bfloat16, device="cuda")
            t = bench(lambda: F.linear(x, w))
            flops = 2.0 * m * n * k
            weight_bytes = n * k * 2
            record("gemm-bf16", shape=label, m=m, n=n, k=k, time_us=t, tflops=flops / t / 1e6,
                   weight_gbps=weight_bytes / t / 1e3)
        del w


def gemm_fp8():
    fp8 = torch.float8_e4m3fn
    for label, k, n in SHAPES:
        w = (torch.randn(n, k, device="cuda") / math.sqrt(k)).to(fp8)
        scale = torch.tensor(1.0, device="cuda")
        for m in ROWS:
            rows_padded = max(16, m)  # cuBLASLt fp8 needs multiples of 16; engines pad the same way
            x = torch.randn(rows_padded, k, device="cuda").to(fp8)
            t = bench(lambda: torch._scaled_mm(x, w.t(), scale_a=scale, scale_b=scale, out_dtype=torch.bfloat16))
            flops = 2.0 * m * n * k
            record("gemm-fp8", shape=label, m=m, n=n, k=k, time_us=t, tflops=flops / t / 1e6,
                   weight_gbps=n * k / t / 1e3)
        del w


def decode_attention():
    # GQA decode as a flash kernel sees it: the 8 query heads of one KV head form the query "rows".
    heads_kv, group, dim = 8, 8, 128
    for batch in [1, 8, 32, 128]:
        for context in [1024, 4096, 16384]:
            if batch * context > 128 * 4096 * 4:
                continue
            q = torch.randn(batch, heads_kv, group, dim, dtype=torch.bfloat16, device="cuda")
            kv = torch.randn(2, batch, heads_kv, context, dim, dtype=torch.bfloat16, device="cuda")
            t = bench(lambda: F.scaled_dot_product_attention(q, kv[0], kv[1]))
            kv_bytes = kv.numel() * 2
            record("decode-attention", batch=batch, context=context, time_us=t, kv_gbps=kv_bytes / t / 1e3)
            del kv


def prefill_attention():
    heads, dim = 64, 128
    for seq in [1024, 4096, 16384]:
        q, k, v = (torch.randn(1, heads, seq, dim, dtype=torch.bfloat16, device="cuda") for _ in range(3))
        t = bench(lambda: F.scaled_dot_product_attention(q, k, v, is_causal=True))
        flops = 4.0 * seq * seq * heads * dim / 2  # causal: half the score matrix
        record("prefill-attention", seq=seq, time_us=t, tflops=flops / t / 1e6)


def kernel_floor():
    tiny = torch.zeros(1, device="cuda")
    record("tiny-kernel", time_us=graph_time_us(lambda: tiny.add_(1), 200))
    small = torch.randn(4096, device="cuda", dtype=torch.bfloat16)
    record("small-elementwise", elements=4096, time_us=graph_time_us(lambda: small.mul_(1.0001), 200))


def rms_norm(x, weight):
    variance = x.float().pow(2).mean(-1, keepdim=True)
    return (x.float() * torch.rsqrt(variance + 1e-5)).to(x.dtype) * weight


def decode_layer():
    """One Llama decoder layer at decode (unfused PyTorch ops under a CUDA graph) vs its weight-streaming floor."""
    for label, hidden, inter, heads, kv_heads in [("8b", 4096, 14336, 32, 8), ("70b-tp8", 8192 // 8, 28672 // 8, 8, 1)]:
        dim = 128
        q_out = heads * dim
        kv_out = kv_heads * dim
        in_dim = 8192 if label.startswith("70b") else hidden  # a TP slice still reads the full hidden state
        w_qkv = torch.randn(q_out + 2 * kv_out, in_dim, dtype=torch.bfloat16, device="cuda") * 0.02
        w_o = torch.randn(in_dim, q_out, dtype=torch.bfloat16, device="cuda") * 0.02
        w_gu = torch.randn(2 * inter, in_dim, dtype=torch.bfloat16, device="cuda") * 0.02
        w_d = torch.randn(in_dim, inter, dtype=torch.bfloat16, device="cuda") * 0.02
        norm = torch.ones(in_dim, dtype=torch.bfloat16, device="cuda")
        weight_bytes = 2 * (w_qkv.numel() + w_o.numel() + w_gu.numel() + w_d.numel())
        for batch in [1, 8, 32, 128]:
            context = 1024
            x = torch.randn(batch, in_dim, dtype=torch.bfloat16, device="cuda")
            kv = torch.randn(2, batch, kv_heads, context, dim, dtype=torch.bfloat16, device="cuda")

            def layer():
                h = rms_norm(x, norm)
                qkv = F.linear(h, w_qkv)
                q = qkv[:, :q_out].view(batch, kv_heads, heads // kv_heads, dim)
                a = F.scaled_dot_product_attention(q, kv[0], kv[1]).reshape(batch, q_out)
                h2 = x + F.linear(a, w_o)
                g, u = F.linear(rms_norm(h2, norm), w_gu).chunk(2, dim=-1)
                return h2 + F.linear(F.silu(g) * u, w_d)

            t = graph_time_us(layer, 20)
            kv_bytes = kv.numel() * 2
            record("decode-layer", shape=label, batch=batch, context=context, time_us=t,
                   weight_bytes=weight_bytes, kv_bytes=kv_bytes, stream_gbps=(weight_bytes + kv_bytes) / t / 1e3)


for name, body in [("hbm", hbm), ("gemm-bf16", gemm_bf16), ("gemm-fp8", gemm_fp8), ("decode-attention", decode_attention),
                   ("prefill-attention", prefill_attention), ("kernel-floor", kernel_floor), ("decode-layer", decode_layer)]:
    section(name, body)

os.makedirs(OUT, exist_ok=True)
keys = sorted({k for r in rows for k in r})
with open(os.path.join(OUT, "probe.csv"), "w", newline="") as f:
    writer = csv.DictWriter(f, fieldnames=["test"] + [k for k in keys if k != "test"])
    writer.writeheader()
    writer.writerows(rows)
print(f"wrote {len(rows)} rows")
