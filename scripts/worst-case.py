#!/usr/bin/env python3
"""Worst accepted request per endpoint, on loopback: its CPU time, 16 of them at once against /health/live, and the memory
of 60 s of the worst recommendation load under the deployment's GC settings.

    python3 scripts/worst-case.py [--port 5101] [--duration 60] [--skip-load] [--env DOTNET_gcServer=1 ...]

Publishes a Release build, starts it on 127.0.0.1 with the settings of deploy/deployment.yaml (GC, processor count 1, heap
limit as in the pod), and prints one line per measurement. CPU time is the server's utime + stime (from /proc) across one
request with nothing else in flight. The load phase needs wrk (Debian: apt-get install -y wrk). Standard library only.
"""
import argparse, concurrent.futures, json, os, re, shutil, subprocess, sys, tempfile, threading, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICK = os.sysconf("SC_CLK_TCK")


def deployment_env():
    """The DOTNET_* settings and the memory limit of deploy/deployment.yaml."""
    text = open(os.path.join(ROOT, "deploy", "deployment.yaml")).read()
    env = dict(re.findall(r"- name: (DOTNET_\w+)\n\s+value: \"?([^\"\n]+)\"?", text))
    limit = re.search(r"limits:\n(?:\s+\w+: .*\n)*?\s+memory: (\d+)Mi", text).group(1)
    return env, int(limit)


def config(layers, extra):
    base = {"model_type": "qwen2_moe", "hidden_size": 3584, "intermediate_size": 18944, "num_hidden_layers": layers,
            "num_attention_heads": 28, "num_key_value_heads": 4, "vocab_size": 151936, "num_experts": 64, "num_experts_per_tok": 8,
            "moe_intermediate_size": 2560, "shared_expert_intermediate_size": 20480, "max_position_embeddings": 131072}
    base.update(extra)
    return base


# The deepest accepted config with every per-layer list at full length.
DEEP = config(1024, {"mlp_only_layers": list(range(0, 1024, 2)), "layer_types": ["full_attention"] * 1024,
                     "sliding_window": 4096, "use_sliding_window": True})

WORST = {
    "estimates": ("/v1/estimates", {"modelConfig": DEEP, "hardware": {"gpu": "b200-180gb"}, "parallelism": {"tensor": 8, "pipeline": 8},
                                    "workload": {"inputTokens": 2_000_000, "outputTokens": 1_000_000, "concurrency": 3333, "batching": "static"},
                                    "engine": "trtllm", "chunkedPrefill": False, "maxNumBatchedTokens": 1_048_576, "maxNumSeqs": 100_000}),
    "resolve": ("/v1/models/resolve", DEEP),
    "sweeps": ("/v1/sweeps", {"base": {"modelConfig": DEEP, "hardware": {"gpu": "h100-sxm-80gb"}, "parallelism": {"tensor": 4},
                                       "workload": {"inputTokens": 8192, "outputTokens": 1024}},
                              "vary": {"parameter": "concurrency", "values": list(range(1, 257))}}),
    "collectives": ("/v1/collectives", {"operation": "all-to-all", "gpu": "gb200", "gpuCount": 4096, "gpusPerNode": 72,
                                        "intraNode": "nvswitch", "interNode": "ethernet", "messageBytes": 274_877_906_944}),
}


def recommendation(max_gpus):
    """Whole catalog, every precision, an MoE model with every expert degree (TensorRT-LLM), 50 plans."""
    return ("/v1/recommendations", {"model": "deepseek-v3", "hardware": {"maxGpus": max_gpus},
                                    "workload": {"inputTokens": 2048, "outputTokens": 256, "requestsPerSecond": 50},
                                    "precisions": ["fp32", "fp16", "bf16", "fp8", "int8", "int4", "fp4"], "engine": "trtllm", "limit": 50})


def post(base, path, body, timeout=60):
    data = json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, content = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, content = error.code, error.read()
    return status, content, time.perf_counter() - start


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=5101)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE over the deployment's settings, to compare GC modes")
    parser.add_argument("--app", help="an already published folder (skips the Release publish)")
    parser.add_argument("--dotnet", default="dotnet", help="the dotnet host to run it with")
    parser.add_argument("--wrk", default=shutil.which("wrk"), help="the wrk binary")
    parser.add_argument("--pin-cpu", help="taskset CPU list for the server (e.g. 0: one core, like the pod's 1-CPU limit)")
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    work = tempfile.mkdtemp(prefix="sizing-worst-")
    server = None
    try:
        app = args.app or os.path.join(work, "app")
        if not args.app:
            subprocess.run(["dotnet", "publish", os.path.join(ROOT, "src/Api/Api.csproj"), "-c", "Release", "-p:UseAppHost=false",
                            "-o", app, "--nologo", "-v", "quiet"], check=True, stdout=subprocess.DEVNULL)
        env, limit_mib = deployment_env()
        env.update(item.split("=", 1) for item in args.env)
        # The pod's cgroup limit, emulated: the heap limit the runtime would derive from it, and the pod's one CPU.
        percent = int(env.get("DOTNET_GCHeapHardLimitPercent", "0x4B"), 16)
        env = {**os.environ, **env, "ASPNETCORE_URLS": base, "ASPNETCORE_ENVIRONMENT": "Production", "Serilog__MinimumLevel__Default": "Warning",
               "DOTNET_GCHeapHardLimit": hex(limit_mib * 1024 * 1024 * percent // 100), "DOTNET_PROCESSOR_COUNT": "1"}
        env.pop("DOTNET_GCHeapHardLimitPercent", None)
        command = [args.dotnet, "Sizing.Api.dll"]
        server = subprocess.Popen((["taskset", "-c", args.pin_cpu] if args.pin_cpu else []) + command, cwd=app, env=env,
                                  stdout=open(os.path.join(work, "server.log"), "w"), stderr=subprocess.STDOUT)
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/health/ready", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        print(f"server pid {server.pid}; pod limit {limit_mib} Mi; settings {sorted((k, v) for k, v in env.items() if k.startswith('DOTNET_') and 'CLI' not in k and k not in ('DOTNET_NOLOGO', 'DOTNET_GENERATE_ASPNET_CERTIFICATE'))}")

        # The largest recommendation budget the search-size cap accepts.
        worst = dict(WORST)
        for max_gpus in (1024, 512, 256, 128, 64, 32, 16):
            status, content, _ = post(base, *recommendation(max_gpus))
            if status == 200:
                worst["recommendations"] = recommendation(max_gpus)
                print(f"recommendations: largest accepted whole-catalog search has maxGpus {max_gpus}")
                break

        for name, (path, body) in worst.items():
            post(base, path, body)  # warm-up (JIT)
            samples = []
            for _ in range(3):
                before = cpu_seconds(server.pid)
                status, content, wall = post(base, path, body)
                samples.append((cpu_seconds(server.pid) - before, wall, status, len(content)))
            cpu, wall, status, size = max(samples)
            print(f"{name:16} status {status}, {size:,} bytes, CPU {cpu * 1000:.0f} ms, wall {wall * 1000:.0f} ms (worst of 3, body {len(json.dumps(body)):,} bytes)")

        # 16 of the most expensive at once (the recommendation), /health/live probed every 20 ms meanwhile.
        path, body = worst["recommendations"]
        latencies, stop = [], threading.Event()

        def probe():
            while not stop.is_set():
                start = time.perf_counter()
                urllib.request.urlopen(base + "/health/live", timeout=10).read()
                latencies.append(time.perf_counter() - start)
                time.sleep(0.02)

        # The same probes with nothing in flight: what the machine alone adds (other processes share its cores).
        prober = threading.Thread(target=probe)
        prober.start()
        time.sleep(5)
        stop.set()
        prober.join()
        idle = sorted(latencies)
        print(f"/health/live idle over {len(idle)} probes: median {idle[len(idle) // 2] * 1000:.1f} ms, p99 {idle[int(len(idle) * 0.99)] * 1000:.1f} ms, "
              f"max {idle[-1] * 1000:.1f} ms; load average {os.getloadavg()[0]:.1f}")
        latencies.clear()
        stop.clear()
        prober = threading.Thread(target=probe)
        prober.start()
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            results = list(pool.map(lambda _: post(base, path, body, timeout=120), range(16)))
        stop.set()
        prober.join()
        statuses = sorted(r[0] for r in results)
        latencies.sort()
        print(f"16 concurrent recommendations: statuses {statuses}, slowest {max(r[2] for r in results) * 1000:.0f} ms; "
              f"/health/live over {len(latencies)} probes: median {latencies[len(latencies) // 2] * 1000:.1f} ms, "
              f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms; load average {os.getloadavg()[0]:.1f}")

        if args.skip_load or not args.wrk:
            return
        body_file = os.path.join(work, "body.json")
        json.dump(body, open(body_file, "w"))
        lua = os.path.join(work, "post.lua")
        open(lua, "w").write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = io.open(os.getenv("BODY")):read("*a")\n'
                             'done = function(s, l, r) io.write(string.format("RESULT %d %d %d %.1f %.1f\\n", s.requests, s.errors.status, '
                             's.errors.connect + s.errors.read + s.errors.write + s.errors.timeout, l:percentile(50) / 1000, l:percentile(99) / 1000)) end\n')
        peak, samples, stop = 0.0, [], threading.Event()

        def sample():
            nonlocal peak
            while not stop.is_set():
                value = rss_mib(server.pid)
                samples.append(value)
                peak = max(peak, value)
                time.sleep(0.25)

        sampler = threading.Thread(target=sample)
        before = rss_mib(server.pid)
        sampler.start()
        run = subprocess.run([args.wrk, "-t1", "-c16", f"-d{args.duration}s", "--timeout", "30s", "-s", lua, base + path],
                             env={**os.environ, "BODY": body_file}, capture_output=True, text=True)
        stop.set()
        sampler.join()
        requests, non2xx, errors, p50, p99 = re.search(r"RESULT (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+)", run.stdout).groups()
        print(f"{args.duration} s of the worst recommendation, 16 connections: {requests} requests, {non2xx} non-2xx, {errors} socket errors, "
              f"p50 {p50} ms, p99 {p99} ms; RSS {before:.0f} MiB before, peak {peak:.0f} MiB = {peak / limit_mib:.0%} of the {limit_mib} Mi limit")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
