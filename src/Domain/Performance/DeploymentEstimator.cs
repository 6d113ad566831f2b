using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Fidelity;
using Sizing.Domain.Memory;
using Sizing.Domain.Moe;
using static Sizing.Domain.InvariantText;

namespace Sizing.Domain.Performance;

/// <summary>Memory, communication, latency and throughput of one deployment, everything assumed to get them, and the error
/// band to expect of each figure.</summary>
public sealed record DeploymentEstimate(
    MemoryEstimate Memory,
    PerformanceEstimate Performance,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<Assumption> Assumptions,
    EstimateBands Bands)
{
    public bool Fits => Memory.Fits;
}

/// <summary>The assumption sets the estimators use; <see cref="Default"/> is what the service answers with.</summary>
public sealed record EstimatorAssumptions(MemoryAssumptions Memory, PerformanceAssumptions Performance, CommunicationAssumptions Communication)
{
    /// <summary>Every constant at its prior (the records' initialisers): where every fit starts.</summary>
    public static EstimatorAssumptions Prior { get; } = new(new MemoryAssumptions(), new PerformanceAssumptions(), new CommunicationAssumptions());

    /// <summary>The priors with every fitted constant at its fit on all measured rows (Fidelity/Data/fits.json).</summary>
    public static EstimatorAssumptions Default { get; } = FittedConstants.Apply(Prior, FittedConstants.Document.Groups);
}

/// <summary>Runs the memory and performance models for one deployment and explains what limits it.</summary>
public static class DeploymentEstimator
{
    public static DeploymentEstimate Estimate(DeploymentInput input, EstimatorAssumptions? assumptions = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var a = assumptions ?? EstimatorAssumptions.Default;
        var memory = MemoryEstimator.Estimate(input.Memory, a.Memory);
        var performance = PerformanceEstimator.Estimate(input, memory, a.Performance, a.Communication, a.Memory);
        return Assemble(input, memory, performance, a);
    }

    /// <summary>The estimate from memory and performance figures already computed for <paramref name="input"/> (the search reuses one step model).</summary>
    internal static DeploymentEstimate Assemble(DeploymentInput input, MemoryEstimate memory, PerformanceEstimate performance, EstimatorAssumptions a)
    {
        var warnings = new List<string>(memory.Reasons);
        warnings.AddRange(memory.Warnings);
        warnings.AddRange(TopologyWarnings(input, performance));
        if (LoadWarning(memory, performance) is { } load)
        {
            warnings.Add(load);
        }
        return new DeploymentEstimate(memory, performance, warnings,
            [.. memory.Assumptions, .. a.Performance.Describe(input.Memory.Engine), .. a.Communication.Concerning(input.Topology, input.Memory.Parallelism.GpusPerReplica > input.Topology.GpusPerNode), BandWidening],
            EstimateBands.For(input.Memory.Engine, input.Memory.Gpu));
    }

    /// <summary>How bands of classes no measured row covers are widened.</summary>
    internal static Assumption BandWidening { get; } = new("uncalibratedBandWidening", ErrorBands.UncalibratedWidening, "factor", AssumptionBasis.Assumption,
        "error bands of an engine or GPU class no measured row of the family covers are widened this much in log space (an uncalibrated class errs further)");

    /// <summary>Past capacity the figures are those of a queue, not of every request resident at once: say so.</summary>
    private static string? LoadWarning(MemoryEstimate memory, PerformanceEstimate performance)
    {
        if (!performance.Queues)
        {
            return null;
        }

        var limit = performance.Capacity >= memory.MaxNumSeqs
            ? Invariant($"max_num_seqs ({memory.MaxNumSeqs})")
            : Invariant($"its KV pool ({memory.KvCachePool.GiB:0.##} GiB per GPU)");
        return Invariant($"past capacity: {performance.Concurrency} requests in flight but the engine runs at most {performance.Capacity} at once, limited by {limit}; ≈ {performance.Waiting:0} wait for admission, so TTFT includes the queue (mean {performance.Ttft.Milliseconds:0} ms) while TPOT and throughput stay at their plateau");
    }

    private static IEnumerable<string> TopologyWarnings(DeploymentInput input, PerformanceEstimate performance)
    {
        var parallelism = input.Memory.Parallelism;
        var topology = input.Topology;
        if (parallelism.Tensor > topology.GpusPerNode)
        {
            yield return Invariant($"tensor parallel {parallelism.Tensor} spans {topology.NodesFor(parallelism.Tensor)} nodes of {topology.GpusPerNode} GPUs: every all-reduce crosses the {EnumText.Of(input.Topology.InterNode)} fabric; prefer TP within a node and PP across nodes");
        }

        if (parallelism.Tensor > 1 && topology.IntraNode is IntraNodeLink.PcieCrossSocket or IntraNodeLink.Pcie or IntraNodeLink.PcieHostStaged && performance.CommunicationShareOfDecode > 0.2)
        {
            yield return Invariant($"TP {parallelism.Tensor} all-reduces take {performance.CommunicationShareOfDecode:P0} of each decode step over {topology.IntraNode switch { IntraNodeLink.Pcie => "PCIe", IntraNodeLink.PcieHostStaged => "PCIe staged through host memory", _ => "cross-socket PCIe" }}; pipeline or data parallelism would spend less on communication");
        }

        if (parallelism.Tensor == 2 && topology.IntraNode == IntraNodeLink.NvLinkBridge)
        {
            yield return "NVLink bridges join GPUs in pairs: keep each TP pair on bridged GPUs (nvidia-smi topo -m shows NV# between them)";
        }

        if (parallelism.Tensor > 2 && topology.IntraNode == IntraNodeLink.NvLinkBridge)
        {
            yield return Invariant($"NVLink bridges join only pairs, so TP {parallelism.Tensor} all-reduces run over PCIe");
        }

        if (parallelism.Expert > 1 && parallelism.Expert < parallelism.Tensor && input.Memory.Engine == Engine.Vllm)
        {
            yield return Invariant($"vLLM's --enable-expert-parallel spreads the experts over the whole tensor group (EP = TP = {parallelism.Tensor}); expert parallel {parallelism.Expert} inside TP {parallelism.Tensor} is a TensorRT-LLM (moe_ep_size) or SGLang (--ep-size) layout");
        }

        if (input.MoeExchange is { } exchange && parallelism.MoeGroup > 1 && input.Memory.Model.Moe is not null)
        {
            // A requested exchange the layout or the hardware cannot use falls back to the engine's default: say which and why.
            var moe = MoeCommunication.Estimate(new MoeCommunicationInput(input.Memory.Model, parallelism, topology, input.Memory.Engine, 1, MoePhase.Decode, exchange));
            foreach (var note in moe.Notes)
            {
                yield return "moeExchange " + EnumText.Of(exchange) + ": " + note;
            }
        }

        if (parallelism.Pipeline > 1)
        {
            yield return Invariant($"pipeline parallel {parallelism.Pipeline} adds memory and throughput, not speed: each token still crosses all {input.Memory.Model.Layers} layers plus {parallelism.Pipeline - 1} hops");
        }
    }

}
