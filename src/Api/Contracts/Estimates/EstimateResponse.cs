
namespace Sizing.Api.Contracts.Estimates;

/// <summary>What one deployment needs and does. <c>fits: false</c> is an answer: the reasons are in <c>warnings</c>.</summary>
/// <remarks>A deployment that cannot run (it does not fit, or its layout is invalid) has no communication, latency, throughput
/// or performance figures: they are null, since no such deployment could reach them. Its memory figures say why.</remarks>
/// <param name="Fits">Whether the model, its runtime and this workload fit on the GPUs.</param>
/// <param name="Concurrency">Concurrent requests per replica the figures are for (the requested one, or as many as fit).</param>
/// <param name="GpusPerReplica">tensor × pipeline.</param>
/// <param name="TotalGpus">GPUs across all replicas.</param>
/// <param name="Memory">Per-GPU memory on the most loaded GPU.</param>
/// <param name="Communication">Tensor, pipeline and expert parallel communication per step; null when it does not fit.</param>
/// <param name="Latency">Per-request latency at this concurrency; null when it does not fit.</param>
/// <param name="Throughput">Per-replica throughput at this concurrency; null when it does not fit.</param>
/// <param name="Load">How requests arrive, how many the engine runs at once and how many wait; null when it does not fit.</param>
/// <param name="Performance">The decode and prefill steps the latency comes from, and what bounds them; null when it does not fit.</param>
/// <param name="Warnings">Why it does not fit, and anything else worth knowing.</param>
/// <param name="Uncertainty">The error band of each latency, throughput and memory figure: the range a measurement should fall in.</param>
/// <param name="Assumptions">Every assumed constant used, with its value, basis and source.</param>
/// <param name="Disaggregation">Both pools, the KV hand-over and the rate match of a disaggregated deployment; null when
/// aggregated. With it, memory, communication, performance, load and throughput are one decode instance's (the replica that
/// generates the tokens), latency is the request's (TTFT = prefill queue + prefill + KV transfer, TPOT from the decode pool),
/// and gpusPerReplica is a decode instance's.</param>
/// <param name="Speculative">What speculation does at the running batch; null without it. With it, the latency and throughput
/// figures are speculative ones.</param>
public sealed record EstimateResponse(
    bool Fits,
    int Concurrency,
    int GpusPerReplica,
    int TotalGpus,
    MemoryResponse Memory,
    CommunicationResponse? Communication,
    LatencyResponse? Latency,
    ThroughputResponse? Throughput,
    LoadResponse? Load,
    PerformanceResponse? Performance,
    IReadOnlyList<string> Warnings,
    UncertaintyResponse Uncertainty,
    IReadOnlyList<AssumptionResponse> Assumptions,
    DisaggregationResponse? Disaggregation,
    SpeculativeResponse? Speculative);

/// <summary>A prefill/decode-disaggregated deployment at the offered load.</summary>
/// <param name="RequestsPerSecond">The offered load both pools carry. Example: 100.</param>
/// <param name="TotalGpus">GPUs of both pools. Example: 96.</param>
/// <param name="Prefill">The prefill pool.</param>
/// <param name="Decode">The decode pool.</param>
/// <param name="KvTransfer">Each request's KV hand-over from prefill to decode.</param>
/// <param name="RateMatch">Prefill capacity over decode capacity, in requests per second: 1 = matched; below 1 the prefill
/// pool limits the deployment, above 1 the decode pool does. Example: 1.1.</param>
/// <param name="CapacityRequestsPerSecond">What the deployment sustains at most: the smaller pool capacity.</param>
/// <param name="QueueMs">Mean wait for a prefill instance (M/D/1 per instance), ms; null when the prefill pool cannot keep up
/// (the queue grows without bound).</param>
/// <param name="PrefillMs">One request's prefill on a prefill instance, request overhead included, ms.</param>
/// <param name="TransferMs">KV transfer a request waits for after its prefill, ms.</param>
/// <param name="TtftMs">queueMs + prefillMs + transferMs; null when the prefill pool cannot keep up.</param>
/// <param name="TpotMs">From the decode pool alone: no prefill chunk interrupts its steps.</param>
/// <param name="OutputTokensPerSecond">Output tokens per second of the whole deployment at the load.</param>
/// <param name="OutputTokensPerSecondPerGpu">The same over both pools' GPUs.</param>
/// <param name="Feasible">Both pools fit, run their layouts, and keep up with the load and the KV links.</param>
/// <param name="Reasons">Why not, when not.</param>
public sealed record DisaggregationResponse(
    double RequestsPerSecond,
    int TotalGpus,
    PoolResponse Prefill,
    PoolResponse Decode,
    KvTransferResponse KvTransfer,
    double RateMatch,
    double CapacityRequestsPerSecond,
    double? QueueMs,
    double PrefillMs,
    double TransferMs,
    double? TtftMs,
    double TpotMs,
    double OutputTokensPerSecond,
    double OutputTokensPerSecondPerGpu,
    bool Feasible,
    IReadOnlyList<string> Reasons);

/// <summary>One pool: its instances, what they carry at the load and at most. Tokens are prompt tokens for the prefill pool and
/// output tokens for the decode pool.</summary>
/// <param name="Gpu">GPU catalog id. Example: h100-sxm-80gb.</param>
/// <param name="Parallelism">One instance's degrees (data = its DP-attention ranks).</param>
/// <param name="Instances">Engine instances. Example: 2.</param>
/// <param name="GpusPerInstance">GPUs of one instance. Example: 32.</param>
/// <param name="Gpus">GPUs of the pool.</param>
/// <param name="Nodes">Nodes of the pool (an instance wider than a node takes whole nodes).</param>
/// <param name="TokensPerSecond">Tokens per second the pool processes at the load.</param>
/// <param name="TokensPerSecondPerGpu">The same per GPU.</param>
/// <param name="TokensPerSecondPerNode">The same per node.</param>
/// <param name="CapacityRequestsPerSecond">Requests per second the pool sustains at most.</param>
/// <param name="CapacityTokensPerSecondPerGpu">Tokens per second per GPU at capacity.</param>
/// <param name="CapacityTokensPerSecondPerNode">Tokens per second per node at capacity.</param>
/// <param name="Utilization">Load over capacity (0–1; at or above 1 the pool cannot keep up).</param>
/// <param name="SequencesPerInstance">Prefill: prompts one full token-budget step carries; decode: sequences one instance runs at the load.</param>
/// <param name="CapacitySequencesPerInstance">The most sequences an instance runs at once (its KV pool or max_num_seqs).</param>
/// <param name="StepMs">Prefill: one full token-budget step; decode: one step of the running batch (one stage, without host work), ms.</param>
/// <param name="WeightsGiB">Weights per GPU of an instance.</param>
/// <param name="KvCachePoolGiB">KV pool per GPU of an instance.</param>
public sealed record PoolResponse(
    string Gpu,
    ParallelismResponse Parallelism,
    int Instances,
    int GpusPerInstance,
    int Gpus,
    int Nodes,
    double TokensPerSecond,
    double TokensPerSecondPerGpu,
    double TokensPerSecondPerNode,
    double CapacityRequestsPerSecond,
    double CapacityTokensPerSecondPerGpu,
    double CapacityTokensPerSecondPerNode,
    double Utilization,
    double SequencesPerInstance,
    int CapacitySequencesPerInstance,
    double StepMs,
    double WeightsGiB,
    double KvCachePoolGiB);

/// <summary>Parallel degrees of one instance (or one replica).</summary>
/// <param name="Tensor">Tensor parallel. Example: 1.</param>
/// <param name="Pipeline">Pipeline stages. Example: 1.</param>
/// <param name="Expert">Expert parallel over the MoE group. Example: 32.</param>
/// <param name="Data">DP-attention ranks times replicas (as in requests). Example: 32.</param>
/// <param name="AttentionData">DP-attention ranks in one engine. Example: 32.</param>
/// <param name="RedundantExperts">EPLB expert slots beyond the model's experts. Example: 32.</param>
public sealed record ParallelismResponse(int Tensor, int Pipeline, int Expert, int Data, int AttentionData, int RedundantExperts);

/// <summary>Each request's KV cache, from its prefill instance to its decode instance.</summary>
/// <param name="Link">nvlink | infiniband | roce | ethernet | pcie.</param>
/// <param name="BytesPerRequest">Layers × KV bytes per token and layer × prompt tokens. Example: 143360000.</param>
/// <param name="SendingGpus">GPUs that push one request's KV in parallel (distinct KV shards; one for MLA).</param>
/// <param name="TransferMs">Transfer time a request waits for, ms.</param>
/// <param name="DemandGBps">Bytes per second the load pushes from the prefill pool to the decode pool, GB/s.</param>
/// <param name="Layerwise">True when each layer's KV leaves during the prefill.</param>
public sealed record KvTransferResponse(string Link, long BytesPerRequest, int SendingGpus, double TransferMs, double DemandGBps, bool Layerwise);

/// <summary>Speculative decoding at the running batch: what a step yields, what it costs, and whether it pays.</summary>
/// <param name="Method">mtp | eagle | draft.</param>
/// <param name="DraftTokens">k, tokens drafted per step. Example: 1.</param>
/// <param name="AcceptanceRate">a, the per-token acceptance rate used. Example: 0.85.</param>
/// <param name="AcceptanceRateSource">Where the rate comes from: the request, or the documented default.</param>
/// <param name="Batch">Sequences decoding together (per replica, or per decode instance). Example: 64.</param>
/// <param name="TokensPerStep">Tokens each sequence emits per step, 1 + a + … + a^k (Leviathan et al. 2023). Example: 1.85.</param>
/// <param name="PlainStepMs">The step without speculation (one token per sequence), ms.</param>
/// <param name="VerifyStepMs">The target's step over k + 1 tokens per sequence, ms.</param>
/// <param name="DraftStepMs">One drafting pass (an MTP module, an EAGLE head or the draft model), ms.</param>
/// <param name="StepMs">verifyStepMs + k × draftStepMs.</param>
/// <param name="TpotMs">stepMs / tokensPerStep.</param>
/// <param name="BaselineTpotMs">TPOT without speculation at the same batch (its plain step).</param>
/// <param name="Speedup">baselineTpotMs / tpotMs; the same ratio for throughput at this batch.</param>
/// <param name="BreakEvenVerifyStepMs">The verify step at which speculation stops paying: tokensPerStep × plainStepMs − k ×
/// draftStepMs. At high batch the verify step grows towards k + 1 plain steps and crosses it. 0 when drafting alone costs
/// more than the tokens a step can yield: no verify step pays then.</param>
/// <param name="Pays">True when speedup &gt; 1.</param>
/// <param name="DraftWeightsGiBPerGpu">Weights the drafter adds per GPU, included in memory (they come out of the KV pool).</param>
public sealed record SpeculativeResponse(
    string Method,
    int DraftTokens,
    double AcceptanceRate,
    string AcceptanceRateSource,
    int Batch,
    double TokensPerStep,
    double PlainStepMs,
    double VerifyStepMs,
    double DraftStepMs,
    double StepMs,
    double TpotMs,
    double BaselineTpotMs,
    double Speedup,
    double BreakEvenVerifyStepMs,
    bool Pays,
    double DraftWeightsGiBPerGpu);

/// <summary>Latency of one request: means, and percentiles over the requests of the run.</summary>
/// <param name="TtftMs">Mean time to first token, ms: waiting for admission and for the step budget, then the prefill. Example: 95.</param>
/// <param name="TpotMs">Mean time per output token after the first, ms: the steps a running request shares, prefill chunks of
/// other requests included. Example: 8.5.</param>
/// <param name="E2eMs">TTFT + (outputTokens − 1) × TPOT, ms; under static batching, the whole batch's time. Example: 2262.</param>
/// <param name="TtftPercentilesMs">TTFT at p50, p90 and p99, ms.</param>
/// <param name="TpotPercentilesMs">TPOT at p50, p90 and p99, ms.</param>
public sealed record LatencyResponse(double TtftMs, double TpotMs, double E2eMs, PercentilesResponse TtftPercentilesMs, PercentilesResponse TpotPercentilesMs);

/// <summary>A latency at the median and in the tail, ms.</summary>
/// <param name="P50">Median.</param>
/// <param name="P90">90th percentile.</param>
/// <param name="P99">99th percentile.</param>
public sealed record PercentilesResponse(double P50, double P90, double P99);

/// <summary>The load on one replica and what the engine admits of it.</summary>
/// <param name="Arrival">waves (closed-loop clients in step) | steady (closed-loop clients out of step) | burst (all at once) | rate (open loop).</param>
/// <param name="InFlight">Requests in flight, running or waiting: the clients, the burst, or rate × latency.</param>
/// <param name="Running">Mean requests the engine runs at once.</param>
/// <param name="Waiting">Mean requests waiting for admission.</param>
/// <param name="Capacity">Most requests the engine runs at once: max_num_seqs, or what its KV pool holds at this workload.</param>
/// <param name="Queues">True when requests wait for admission (past capacity): TTFT then includes the wait, TPOT and throughput plateau.</param>
public sealed record LoadResponse(string Arrival, int InFlight, double Running, double Waiting, int Capacity, bool Queues);

/// <summary>Throughput of one replica (all its GPUs).</summary>
/// <param name="OutputTokensPerSecond">Output tokens per second of the replica. Example: 7100.</param>
/// <param name="OutputTokensPerSecondPerGpu">The same over the replica's GPUs.</param>
/// <param name="OutputTokensPerSecondPerUser">Decode speed one request sees (1 / TPOT).</param>
/// <param name="RequestsPerSecond">Completed requests per second of the replica.</param>
public sealed record ThroughputResponse(double OutputTokensPerSecond, double OutputTokensPerSecondPerGpu, double OutputTokensPerSecondPerUser, double RequestsPerSecond);

/// <summary>The steps behind the latency figures, per GPU of one stage.</summary>
/// <param name="Bound">What limits the decode step: memory | compute | communication.</param>
/// <param name="DecodeStepMs">One decode step on one stage (kernels, exposed communication, per-layer overhead), ms.</param>
/// <param name="DecodeMemoryMs">Time to stream the step's weights and KV at the sustained bandwidth, ms.</param>
/// <param name="DecodeComputeMs">Time for the step's FLOPs at the sustained throughput, ms.</param>
/// <param name="PrefillStepMs">The prefill step behind the TTFT on one stage, ms.</param>
/// <param name="PrefillComputeMs">Its FLOP time, ms.</param>
public sealed record PerformanceResponse(string Bound, double DecodeStepMs, double DecodeMemoryMs, double DecodeComputeMs, double PrefillStepMs, double PrefillComputeMs);

/// <summary>Communication per step.</summary>
/// <param name="ShareOfDecodeStep">Fraction of a decode step spent in exposed collectives (0–1).</param>
/// <param name="TensorParallel">TP all-reduces; null when tensor = 1.</param>
/// <param name="Pipeline">PP stage split and hops; null when pipeline = 1.</param>
/// <param name="ExpertParallel">The MoE layers' token exchange and expert placement; null without expert parallelism or DP
/// attention.</param>
/// <param name="DataParallelAttention">DP-attention ranks: each holds its own sequences and KV; null without DP attention.</param>
public sealed record CommunicationResponse(double ShareOfDecodeStep, TensorParallelResponse? TensorParallel, PipelineResponse? Pipeline, ExpertParallelResponse? ExpertParallel, DataParallelAttentionResponse? DataParallelAttention);

/// <summary>DP attention: the engine's requests spread over its attention ranks, each with its own KV cache (MLA latents
/// included) and token budget, and no attention all-reduce between them.</summary>
/// <param name="RanksPerReplica">DP-attention ranks in one engine (attentionData). Example: 8.</param>
/// <param name="Replicas">Independent engines (data / attentionData). Example: 1.</param>
/// <param name="SequencesPerRank">Requests one rank runs at once at this load (the engine's running requests over its ranks). Example: 32.</param>
/// <param name="KvCacheGiBPerGpu">KV those sequences occupy on each GPU of the busiest rank, GiB.</param>
/// <param name="KvCapacitySequencesPerRank">Sequences of inputTokens + outputTokens one rank's KV pool holds. Example: 161.</param>
/// <param name="TokenBudgetPerRank">Tokens one rank's forward pass may carry (its own max_num_batched_tokens). Example: 8192.</param>
/// <param name="AttentionAllReduce">True when each rank's attention is itself tensor-parallel (tensor &gt; 1) and all-reduces
/// inside the rank; false = no attention collective at all.</param>
public sealed record DataParallelAttentionResponse(int RanksPerReplica, int Replicas, double SequencesPerRank, double KvCacheGiBPerGpu, double KvCapacitySequencesPerRank, int TokenBudgetPerRank, bool AttentionAllReduce);

/// <summary>Tensor-parallel all-reduces: two per layer per forward (after attention output and MLP down projections).</summary>
/// <param name="AllReducesPerStep">All-reduces per forward on one stage.</param>
/// <param name="DecodeMessageBytes">One decode all-reduce: tokens in the step × hidden × 2 bytes. Example: 16384.</param>
/// <param name="DecodeAllReduceUs">Time of one decode all-reduce, µs.</param>
/// <param name="DecodeTimePerStepMs">All decode all-reduces of one step on one stage, ms.</param>
/// <param name="PrefillMessageBytes">One prefill all-reduce: prompt tokens in the step × hidden × 2 bytes.</param>
/// <param name="PrefillAllReduceUs">Time of one prefill all-reduce, µs.</param>
/// <param name="PrefillTimeMs">All prefill all-reduces of the prefill step on one stage, ms.</param>
public sealed record TensorParallelResponse(int AllReducesPerStep, long DecodeMessageBytes, double DecodeAllReduceUs, double DecodeTimePerStepMs, long PrefillMessageBytes, double PrefillAllReduceUs, double PrefillTimeMs);

/// <summary>Pipeline stages.</summary>
/// <param name="Stages">Pipeline stages.</param>
/// <param name="LayersPerStage">Layers on the largest stage.</param>
/// <param name="MicroBatches">Micro-batches in flight.</param>
/// <param name="SendRecvBytes">Activation bytes one decode micro-batch sends to the next stage (hidden state and residual).</param>
/// <param name="HopUs">Time of one such send, µs.</param>
/// <param name="BubbleFraction">Idle fraction of a stage, (p − 1)/(m + p − 1).</param>
public sealed record PipelineResponse(int Stages, int LayersPerStage, int MicroBatches, long SendRecvBytes, double HopUs, double BubbleFraction);

/// <summary>The MoE layers: where the expert slots sit, and how tokens reach them. Without DP attention every rank already holds
/// every token and the layer ends in the tensor group's all-reduce, so nothing is dispatched (0 below); under DP attention the
/// tokens cross the MoE group (all-gather/reduce-scatter, all-to-all or DeepEP).</summary>
/// <param name="MoeLayers">MoE layers on one stage.</param>
/// <param name="DispatchBytesPerLayer">Bytes one rank sends to dispatch its decode tokens per MoE layer (FP8 for DeepEP and
/// all-to-all, local copies included); 0 without DP attention.</param>
/// <param name="AllToAllUsPerLayer">Decode dispatch plus combine, µs per MoE layer, paced by the busiest rank; 0 without DP attention.</param>
/// <param name="DecodeTimePerStepMs">All of one decode step's exchanges, ms.</param>
/// <param name="ExpertsPerGpu">Expert slots (redundant ones included) each EP group holds.</param>
/// <param name="ImbalanceFactor">Busiest group's routed tokens over the mean in a decode step (multinomial noise and expert
/// popularity; EPLB with redundant experts removes the popularity part).</param>
/// <param name="Placement">Which expert slots each EP group holds, and which ranks of the MoE group form it.</param>
/// <param name="Exchange">all-reduce (no DP attention) | allgather-reducescatter | all-to-all | deepep.</param>
/// <param name="Kernel">What runs: the collective algorithm or DeepEP kernel family of the decode step.</param>
/// <param name="ExpertTensor">GPUs that share each expert slot (expert TP inside EP): tensor × attentionData / expert.</param>
/// <param name="RedundantExperts">EPLB slots beyond the model's experts.</param>
/// <param name="GroupGpus">GPUs the MoE layers of one stage span (tensor × attentionData).</param>
/// <param name="GroupNodes">Nodes they span.</param>
/// <param name="LocalShare">Share of a rank's routed token copies that stay on the rank (1 without DP attention).</param>
/// <param name="InterNodeShare">Share that crosses nodes.</param>
/// <param name="ShareOfDecodeStep">Fraction of a decode step the exchanges take before any overlap (0–1).</param>
/// <param name="PrefillDispatchBytesPerLayer">Bytes one rank dispatches per MoE layer in the prefill step.</param>
/// <param name="PrefillAllToAllUsPerLayer">Prefill dispatch plus combine, µs per MoE layer (DeepEP normal kernels where deepep).</param>
/// <param name="PrefillTimePerStepMs">All of the prefill step's exchanges, ms.</param>
public sealed record ExpertParallelResponse(
    int MoeLayers,
    long DispatchBytesPerLayer,
    double AllToAllUsPerLayer,
    double DecodeTimePerStepMs,
    int ExpertsPerGpu,
    double ImbalanceFactor,
    IReadOnlyList<ExpertPlacementResponse> Placement,
    string Exchange,
    string Kernel,
    int ExpertTensor,
    int RedundantExperts,
    int GroupGpus,
    int GroupNodes,
    double LocalShare,
    double InterNodeShare,
    double ShareOfDecodeStep,
    long PrefillDispatchBytesPerLayer,
    double PrefillAllToAllUsPerLayer,
    double PrefillTimePerStepMs);

/// <summary>One EP group's share of the experts.</summary>
/// <param name="Group">EP group index.</param>
/// <param name="Ranks">The ranks of the MoE group that form it, e.g. "0-1".</param>
/// <param name="Experts">The experts it holds, e.g. "0-3".</param>
public sealed record ExpertPlacementResponse(int Group, string Ranks, string Experts);

/// <summary>Memory figures; per GPU unless named otherwise.</summary>
/// <param name="PerGpu">The breakdown on the most loaded GPU.</param>
/// <param name="KvCacheBytesPerTokenPerGpu">KV bytes one token adds on one GPU (KV heads split by TP, replicated beyond the KV head count; MLA not split). Example: 81920.</param>
/// <param name="KvCacheCapacityTokens">Tokens the KV pool holds, per replica (vLLM's "GPU KV cache size: N tokens"). Example: 472064.</param>
/// <param name="MaxConcurrentSequences">Sequences of inputTokens + outputTokens the pool holds at once, per replica (vLLM's "Maximum concurrency"). Example: 204.9.</param>
/// <param name="MaxNumBatchedTokens">The batched-token limit the activation figure is for.</param>
/// <param name="MaxNumSeqs">The sequence limit the activation figure is for.</param>
/// <param name="GpuMemoryUtilization">The budget fraction used (the request's or the engine default).</param>
/// <param name="Engine">The engine release the figures follow. Example: "vllm 0.10.2", or "vllm latest" when none was named.</param>
public sealed record MemoryResponse(
    PerGpuMemoryResponse PerGpu,
    double KvCacheBytesPerTokenPerGpu,
    long KvCacheCapacityTokens,
    double MaxConcurrentSequences,
    int MaxNumBatchedTokens,
    int MaxNumSeqs,
    double GpuMemoryUtilization,
    string Engine);

/// <summary>GiB (2^30 bytes) on the most loaded GPU.</summary>
/// <param name="WeightsGiB">Model weights held by this GPU. Example: 32.86.</param>
/// <param name="KvCacheGiB">KV cache this workload's sequences occupy (concurrency × one sequence).</param>
/// <param name="ActivationsGiB">Peak activation memory the engine profiles or reserves at its batch limits.</param>
/// <param name="RuntimeOverheadGiB">CUDA context, NCCL and custom all-reduce buffers, CUDA graphs.</param>
/// <param name="TotalGiB">weights + KV cache + activations + runtime overhead.</param>
/// <param name="CapacityGiB">Memory the device reports.</param>
/// <param name="HeadroomGiB">capacity − total.</param>
/// <param name="KvCachePoolGiB">KV memory the engine reserves at start-up (vLLM: "Available KV cache memory").</param>
public sealed record PerGpuMemoryResponse(
    double WeightsGiB,
    double KvCacheGiB,
    double ActivationsGiB,
    double RuntimeOverheadGiB,
    double TotalGiB,
    double CapacityGiB,
    double HeadroomGiB,
    double KvCachePoolGiB);

/// <summary>An assumed constant.</summary>
/// <param name="Name">Stable name, e.g. sustainedComputeShare.</param>
/// <param name="Value">The value used.</param>
/// <param name="Unit">Its unit.</param>
/// <param name="Basis">measured (a fact a reference states) | fit (fitted to measured rows; the source says how many from how many
/// sources) | assumption (assumed or uncalibrated). Example: fit.</param>
/// <param name="Source">Where it comes from. Example: fit: 2009 rows from 13 sources (serving rows on one pipeline stage, every engine), 13 of which identify it, ...</param>
public sealed record AssumptionResponse(string Name, double Value, string Unit, string Basis, string Source);
