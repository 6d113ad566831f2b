// Calls every operation with bodies typed by the types openapi-typescript generates (generated/sizing.d.ts, made by
// .ci/run), and checks each answer. Compiling this file is half the test: the bodies must match the generated types, and
// the @ts-expect-error lines must fail to compile, which proves the enums and required fields reached the types.
import type { components } from "./generated/sizing.js";

type Schemas = components["schemas"];

declare const process: { argv: string[]; exitCode?: number };
declare function fetch(url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }): Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

const baseUrl = (process.argv[2] ?? "http://127.0.0.1:5112").replace(/\/$/, "");

const estimate: Schemas["EstimateRequest"] = {
  model: "llama-3-70b",
  hardware: { gpu: "h100-sxm-80gb", gpusPerNode: 8, intraNode: "nvswitch", interNode: "infiniband" },
  parallelism: { tensor: 4, pipeline: 1, expert: 1, data: 1 },
  precision: { weights: "bf16", kvCache: "bf16" },
  workload: { inputTokens: 2048, outputTokens: 256, concurrency: 64, batching: "continuous" },
  engine: "vllm",
  gpuMemoryUtilization: 0.9,
};
const collective: Schemas["CollectiveRequest"] = {
  operation: "all-reduce", gpu: "h100-sxm-80gb", gpuCount: 8, messageBytes: 1073741824, implementation: "nccl",
};
const recommendation: Schemas["RecommendationRequest"] = {
  model: "llama-3-70b",
  hardware: { gpus: ["h100-sxm-80gb", "a100-sxm-80gb"], maxGpus: 16 },
  workload: { inputTokens: 2048, outputTokens: 256, requestsPerSecond: 10 },
  slo: { ttftMs: 500, tpotMs: 50 },
  precisions: ["bf16", "fp8"],
  engine: "vllm",
  objective: "min-cost",
  limit: 3,
};
const sweep: Schemas["SweepRequest"] = {
  base: { model: "llama-3-70b", hardware: { gpu: "h100-sxm-80gb" }, parallelism: { tensor: 4 }, workload: { inputTokens: 2048, outputTokens: 256 } },
  vary: { parameter: "concurrency", values: [1, 8, 64] },
};
const config: Schemas["HuggingFaceConfig"] = {
  model_type: "llama", hidden_size: 4096, intermediate_size: 14336, num_hidden_layers: 32, num_attention_heads: 32,
  num_key_value_heads: 8, vocab_size: 128256, max_position_embeddings: 131072, tie_word_embeddings: false, torch_dtype: "bfloat16",
  rope_theta: 500000.0,
};

// @ts-expect-error "cheapest" is not an objective: the schema's enum reaches the generated type.
const wrongObjective: Schemas["RecommendationRequest"]["objective"] = "cheapest";
// @ts-expect-error a workload without outputTokens: the schema's required list reaches the generated type.
const missingOutput: Schemas["WorkloadRequest"] = { inputTokens: 1 };
void wrongObjective;
void missingOutput;

let passed = 0;
const failed: string[] = [];

async function call<T>(operation: string, method: "GET" | "POST", path: string, body: unknown, check: (value: T) => string): Promise<void> {
  try {
    const response = await fetch(baseUrl + path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status < 200 || response.status > 299) {
      throw new Error(`HTTP ${response.status}: ${text.slice(0, 300)}`);
    }
    const value = (response.headers.get("content-type") ?? "").startsWith("application/json") ? (JSON.parse(text) as T) : (text as T);
    console.log(`typescript: ok   ${operation}: ${check(value)}`);
    passed++;
  } catch (error) {
    failed.push(operation);
    console.log(`typescript: FAIL ${operation}: ${error}`);
  }
}

function require(condition: boolean, what: string): void {
  if (!condition) {
    throw new Error("unexpected response: " + what);
  }
}

await call<Schemas["GpuResponse"][]>("listGpus", "GET", "/v1/gpus", undefined, (g) => `${g.length} GPUs`);
await call<Schemas["GpuResponse"]>("getGpu", "GET", "/v1/gpus/h100-sxm-80gb", undefined, (g) => g.name);
await call<Schemas["ModelResponse"][]>("listModels", "GET", "/v1/models", undefined, (m) => `${m.length} models`);
await call<Schemas["ModelResponse"]>("getModel", "GET", "/v1/models/deepseek-r1", undefined, (m) => `${m.totalParameters} parameters`);
await call<Schemas["ModelResponse"]>("resolveModelConfig", "POST", "/v1/models/resolve", config, (m) => `${m.kvCacheBytesPerToken} KV bytes/token`);
await call<Schemas["EstimateResponse"]>("estimateDeployment", "POST", "/v1/estimates", estimate, (e) => {
  require(e.fits && e.communication?.pipeline === null && (e.latency?.tpotMs ?? 0) > 0, "a dense TP 4 estimate fits, with no pipeline block");
  return `TPOT ${e.latency?.tpotMs} ms`;
});
await call<Schemas["CollectiveResponse"]>("estimateCollective", "POST", "/v1/collectives", collective, (c) => `${c.busBandwidthGBps} GB/s bus bandwidth`);
await call<Schemas["RecommendationResponse"]>("recommendDeployments", "POST", "/v1/recommendations", recommendation,
  (r) => `${r.recommendations.length} plans, ${r.rejectedCount} rejected`);
await call<Schemas["SweepResponse"]>("sweepEstimate", "POST", "/v1/sweeps", sweep, (s) => `${s.points.length} points`);
await call<string>("getLiveness", "GET", "/health/live", undefined, (s) => s);
await call<string>("getReadiness", "GET", "/health/ready", undefined, (s) => s);
await call<Schemas["VersionResponse"]>("getVersion", "GET", "/version", undefined, (v) => `${v.version} (${v.commit})`);

console.log(`typescript: ${passed} calls passed, ${failed.length} failed${failed.length ? ": " + failed.join(", ") : ""}`);
process.exitCode = failed.length;
