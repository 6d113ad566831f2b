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
/// <param name="Assumptions">Every assumed constant used, with its value and source.</param>
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
    IReadOnlyList<AssumptionResponse> Assumptions);

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
/// <param name="ExpertParallel">EP all-to-all and expert placement; null without expert parallelism.</param>
public sealed record CommunicationResponse(double ShareOfDecodeStep, TensorParallelResponse? TensorParallel, PipelineResponse? Pipeline, ExpertParallelResponse? ExpertParallel);

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

/// <summary>Expert parallelism: where the experts sit, and the token exchange each MoE layer needs. Inside the tensor group
/// (no DP attention) every rank already holds every token and the layer ends in the usual all-reduce, so nothing is dispatched
/// (0 below); under DP attention the tokens cross the MoE group (all-gather/reduce-scatter, all-to-all or DeepEP).</summary>
/// <param name="MoeLayers">MoE layers on one stage.</param>
/// <param name="DispatchBytesPerLayer">Bytes one rank sends to dispatch its decode tokens per MoE layer; 0 without DP attention.</param>
/// <param name="AllToAllUsPerLayer">Dispatch plus combine, µs per MoE layer; 0 without DP attention.</param>
/// <param name="DecodeTimePerStepMs">All of one decode step's exchanges, ms.</param>
/// <param name="ExpertsPerGpu">Routed experts each EP group holds.</param>
/// <param name="ImbalanceFactor">Busiest group's routed tokens over the mean in a decode step (multinomial noise and expert popularity).</param>
/// <param name="Placement">Which experts each EP group holds, and which TP ranks form the group.</param>
public sealed record ExpertParallelResponse(int MoeLayers, long DispatchBytesPerLayer, double AllToAllUsPerLayer, double DecodeTimePerStepMs, int ExpertsPerGpu, double ImbalanceFactor, IReadOnlyList<ExpertPlacementResponse> Placement);

/// <summary>One EP group's share of the experts.</summary>
/// <param name="Group">EP group index.</param>
/// <param name="Ranks">The TP ranks of the group, e.g. "0-1".</param>
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
/// <param name="Name">Stable name, e.g. hbmEfficiency.</param>
/// <param name="Value">The value used.</param>
/// <param name="Unit">Its unit.</param>
/// <param name="Source">Where it comes from.</param>
public sealed record AssumptionResponse(string Name, double Value, string Unit, string Source);
