using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Performance;

namespace Sizing.Fidelity;

/// <summary>The load regime or fabric a row exercises, for the cross-validated breakdown.</summary>
public static class Regimes
{
    public const string BatchOne = "batch 1";
    public const string StaticBatch = "static batch";
    public const string ContinuousBelow = "continuous, below capacity";
    public const string ContinuousAbove = "continuous, above capacity (queueing)";
    public const string Burst = "burst (offline-max, request rate inf)";
    public const string Rate = "open loop at a request rate";
    public const string ScaleUp = "collective, one node, NVLink/XGMI";
    public const string Pcie = "collective, one node, PCIe";
    public const string MultiNode = "collective, multi-node";
    public const string Memory = "memory (start-up lines)";
    public const string GpuFact = "GPU fact";
    public const string Other = "other";

    /// <summary>Report order.</summary>
    public static IReadOnlyList<string> Order { get; } =
        [BatchOne, StaticBatch, ContinuousBelow, ContinuousAbove, Burst, Rate, ScaleUp, Pcie, MultiNode, Memory, GpuFact, Other];

    /// <summary>A serving or memory row, by how its load arrives and, for closed loops, the physics' own admission figures: a
    /// steady run whose clients exceed what the engine runs at once (max_num_seqs or the KV pool at this workload) queues.</summary>
    /// <param name="performance">The row's estimate; null where none was made (a memory line, or a deployment that leaves no KV
    /// cache, which counts as above capacity).</param>
    public static string OfDeployment(CaseRow row, DeploymentInput input, PerformanceEstimate? performance)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(input);
        if (row.Kind == "memory")
        {
            return Memory;
        }

        var inFlight = performance?.Concurrency ?? input.Memory.Concurrency ?? 1;
        return (input.Batching, input.Arrival) switch
        {
            (Batching.Static, _) => inFlight == 1 ? BatchOne : StaticBatch,
            (_, Arrival.Burst) => Burst,
            (_, Arrival.Rate) => Rate,
            _ when inFlight == 1 => BatchOne,
            _ => performance is { Queues: false } ? ContinuousBelow : ContinuousAbove,
        };
    }

    /// <summary>A collective row: the nodes it spans and the link inside them.</summary>
    public static string OfCollective(CaseRow row, HardwareCatalog catalog)
    {
        var (topology, count) = CasePredictor.CollectiveTopology(row, catalog);
        if (topology.NodesFor(count) > 1)
        {
            return MultiNode;
        }

        return Collectives.LinkUsed(topology, count) is IntraNodeLink.NvSwitch or IntraNodeLink.NvLinkBridge or IntraNodeLink.Xgmi ? ScaleUp : Pcie;
    }
}
