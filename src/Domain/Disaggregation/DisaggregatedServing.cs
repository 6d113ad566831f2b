using Sizing.Domain.Architecture;
using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;
using Sizing.Domain.Units;
using static Sizing.Domain.InvariantText;

namespace Sizing.Domain.Disaggregation;

/// <summary>One pool of identical engine instances.</summary>
/// <param name="Gpu">The pool's GPU.</param>
/// <param name="Parallelism">One instance's layout (TP × DP attention × EP × PP).</param>
/// <param name="Instances">Engine instances in the pool.</param>
/// <param name="GpusPerNode">GPUs per node of the pool's servers.</param>
public sealed record PoolShape(GpuSpec Gpu, Parallelism Parallelism, int Instances, int GpusPerNode)
{
    public int GpusPerInstance => Parallelism.GpusPerReplica;

    public int Gpus => checked(Instances * GpusPerInstance);

    /// <summary>Nodes the pool occupies: an instance wider than a node takes whole nodes; smaller ones share nodes.</summary>
    public int Nodes => GpusPerInstance >= GpusPerNode
        ? checked(Instances * ((GpusPerInstance + GpusPerNode - 1) / GpusPerNode))
        : (Gpus + GpusPerNode - 1) / GpusPerNode;
}

/// <summary>The prefill pool and how fast one of its instances works.</summary>
/// <param name="PrefillTime">One request's prefill on an instance (what a request waits once its turn comes).</param>
/// <param name="PromptTokensPerSecond">Prompt tokens one instance processes per second when kept busy (batched prefill).</param>
public sealed record PrefillPool(PoolShape Shape, Seconds PrefillTime, double PromptTokensPerSecond);

/// <summary>The decode pool and how fast one of its instances works.</summary>
/// <param name="Tpot">Time per output token at <paramref name="SequencesPerInstance"/> running sequences.</param>
/// <param name="SequencesPerInstance">Sequences one instance decodes at once (bounded by its KV pool and scheduler).</param>
/// <param name="CapacitySequences">The most sequences an instance runs at once, where the load runs fewer; null = the
/// instance runs <paramref name="SequencesPerInstance"/> at capacity.</param>
/// <param name="CapacityTpot">Time per output token at <paramref name="CapacitySequences"/>.</param>
public sealed record DecodePool(PoolShape Shape, Seconds Tpot, int SequencesPerInstance, int? CapacitySequences = null, Seconds? CapacityTpot = null)
{
    /// <summary>Requests per second one instance completes at most: its most sequences over the time each takes.</summary>
    public double CapacityRequestsPerSecond(int outputTokens) =>
        (CapacitySequences ?? SequencesPerInstance) / (CapacityTpot ?? Tpot).Value / Math.Max(1, outputTokens);
}

/// <summary>A disaggregated deployment under an offered load.</summary>
/// <param name="RequestsPerSecond">Offered load, spread evenly over the instances of each pool.</param>
public sealed record DisaggregationInput(
    ModelArchitecture Model,
    Precision KvPrecision,
    int PromptTokens,
    int OutputTokens,
    double RequestsPerSecond,
    PrefillPool Prefill,
    DecodePool Decode,
    KvTransferPath Transfer);

/// <summary>What one pool does at the offered load and can do at most.</summary>
/// <param name="TokensPerSecond">Prompt (prefill pool) or output (decode pool) tokens per second at the offered load.</param>
/// <param name="CapacityRequestsPerSecond">Requests per second the pool sustains at most.</param>
/// <param name="CapacityTokensPerSecondPerGpu">Tokens per second per GPU when the pool runs at capacity.</param>
/// <param name="CapacityTokensPerSecondPerNode">The same per node.</param>
/// <param name="Utilization">Offered load over capacity.</param>
public sealed record PoolThroughput(
    int Gpus,
    int Nodes,
    double TokensPerSecond,
    double TokensPerSecondPerGpu,
    double TokensPerSecondPerNode,
    double CapacityRequestsPerSecond,
    double CapacityTokensPerSecondPerGpu,
    double CapacityTokensPerSecondPerNode,
    double Utilization);

/// <summary>Latency and throughput of a prefill/decode-disaggregated deployment.</summary>
/// <param name="KvBytesPerRequest">KV the prefill instance hands to the decode instance for one request.</param>
/// <param name="SendingGpus">GPUs that push one request's KV in parallel (distinct shards on both sides).</param>
/// <param name="KvTransfer">Transfer time a request waits for (after any overlap with its prefill).</param>
/// <param name="KvTransferDemand">Bytes per second the load pushes from the prefill to the decode pool.</param>
/// <param name="PrefillQueue">Mean wait for a prefill instance.</param>
/// <param name="Ttft">Queue + prefill + exposed KV transfer.</param>
/// <param name="Tpot">From the decode pool alone: no prefill interrupts its steps.</param>
/// <param name="RateMatch">Prefill capacity over decode capacity, in requests per second: 1 = matched; below 1 the prefill
/// pool limits the deployment, above 1 the decode pool does.</param>
public sealed record DisaggregationEstimate(
    bool Feasible,
    Bytes KvBytesPerRequest,
    int SendingGpus,
    Seconds KvTransfer,
    BytesPerSecond KvTransferDemand,
    Seconds PrefillQueue,
    Seconds Ttft,
    Seconds Tpot,
    Seconds E2e,
    double RateMatch,
    PoolThroughput Prefill,
    PoolThroughput Decode,
    IReadOnlyList<string> Reasons)
{
    /// <summary>Requests per second the deployment sustains: the smaller pool capacity.</summary>
    public double CapacityRequestsPerSecond => Math.Min(Prefill.CapacityRequestsPerSecond, Decode.CapacityRequestsPerSecond);
}

/// <summary>Prefill/decode disaggregation (xPyD): prompts on one pool, generation on another, KV handed over between them.</summary>
/// <remarks>
/// <para>DistServe (OSDI 2024) and Splitwise (ISCA 2024) split the two phases so that neither interferes with the other and
/// each pool gets its own GPU type and parallelism; Mooncake (FAST 2025) and NIXL move the KV over RDMA; SGLang's 96-H100
/// DeepSeek deployment (lmsys 2025-05-05) runs EP32 prefill and EP72 decode pools this way.</para>
/// <para>TTFT = prefill queue + prefill + KV transfer. The queue is M/D/1 per instance with service time S = prompt /
/// instance prompt throughput: W = ρS / (2(1 − ρ)), ρ = λ_instance·S — DistServe's equation (1) when an instance serves one
/// request at a time (S = D). The transfer is bytes / (sending GPUs × rate per GPU) plus one hop; layer-wise transfer hides
/// all but max(T/L, T − P·(L−1)/L) behind a prefill P of L layers. TPOT is the decode pool's own step.</para>
/// </remarks>
public static class DisaggregatedServing
{
    public static DisaggregationEstimate Estimate(DisaggregationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegative(input.RequestsPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(input.PromptTokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(input.Prefill.PromptTokensPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(input.Decode.SequencesPerInstance);
        var reasons = new List<string>();
        var prefill = input.Prefill;
        var decode = input.Decode;
        var lambda = input.RequestsPerSecond;

        var kvBytes = KvTransferPath.BytesPerRequest(input.Model, input.KvPrecision, input.PromptTokens);
        var senders = Math.Min(
            KvTransferPath.DistinctKvShards(input.Model, prefill.Shape.Parallelism),
            KvTransferPath.DistinctKvShards(input.Model, decode.Shape.Parallelism));
        var transfer = Transfer(input, kvBytes, senders);

        var service = Seconds.From(input.PromptTokens / prefill.PromptTokensPerSecond);
        var perInstance = lambda / prefill.Shape.Instances;
        var rho = perInstance * service.Value;
        var queue = rho < 1 ? service * (rho / (2 * (1 - rho))) : Seconds.From(double.PositiveInfinity);
        var prefillCapacity = prefill.Shape.Instances / service.Value;

        var decodeCapacity = decode.Shape.Instances * decode.CapacityRequestsPerSecond(input.OutputTokens);
        var ttft = queue + prefill.PrefillTime + transfer;
        var e2e = ttft + (decode.Tpot * Math.Max(0, input.OutputTokens - 1));

        if (lambda >= prefillCapacity)
        {
            reasons.Add(Invariant($"the prefill pool saturates: {lambda:0.##} req/s against {prefillCapacity:0.##} req/s from {prefill.Shape.Instances} instance(s); it needs at least {Math.Floor(lambda * service.Value) + 1:0} to keep up"));
        }

        if (lambda > decodeCapacity)
        {
            var perDecodeInstance = decodeCapacity / decode.Shape.Instances;
            reasons.Add(Invariant($"the decode pool saturates: {lambda:0.##} req/s against {decodeCapacity:0.##} req/s from {decode.Shape.Instances} instance(s) of {decode.CapacitySequences ?? decode.SequencesPerInstance} sequences; it needs {Math.Ceiling(lambda / perDecodeInstance):0}"));
        }

        var demand = new BytesPerSecond(lambda * kvBytes.Value);
        var links = input.Transfer.PerGpu * ((double)prefill.Shape.Instances * prefill.Shape.Parallelism.AttentionData * senders);
        if (demand > links)
        {
            reasons.Add(Invariant($"KV hand-over needs {demand.GBps:0.#} GB/s but the prefill pool's {EnumText.Of(input.Transfer.Link)} links carry {links.GBps:0.#} GB/s"));
        }

        return new(
            reasons.Count == 0, kvBytes, senders, transfer, demand, queue, ttft, decode.Tpot, e2e, prefillCapacity / decodeCapacity,
            Throughput(prefill.Shape, lambda * input.PromptTokens, prefillCapacity, input.PromptTokens, lambda),
            Throughput(decode.Shape, lambda * input.OutputTokens, decodeCapacity, input.OutputTokens, lambda),
            reasons);
    }

    /// <summary>The transfer time a request waits for after its prefill.</summary>
    private static Seconds Transfer(DisaggregationInput input, Bytes kvBytes, int senders)
    {
        var path = input.Transfer;
        var bulk = kvBytes / (path.PerGpu * senders);
        if (!path.LayerwiseOverlap)
        {
            return path.Latency + bulk;
        }

        var layers = input.Model.Layers;
        var hidden = input.Prefill.PrefillTime * ((layers - 1.0) / layers);
        return path.Latency + Seconds.Max(bulk / layers, bulk - hidden);
    }

    private static PoolThroughput Throughput(PoolShape shape, double tokensPerSecond, double capacityRequests, int tokensPerRequest, double lambda)
    {
        var capacityTokens = capacityRequests * tokensPerRequest;
        return new(
            shape.Gpus, shape.Nodes, tokensPerSecond, tokensPerSecond / shape.Gpus, tokensPerSecond / shape.Nodes, capacityRequests,
            capacityTokens / shape.Gpus, capacityTokens / shape.Nodes, capacityRequests > 0 ? lambda / capacityRequests : 0);
    }

}
