using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;

namespace Sizing.Fidelity;

/// <summary>The load regime or fabric a row exercises, for the cross-validated breakdown.</summary>
public static class Regimes
{
    public const string BatchOne = "batch 1";
    public const string StaticBatch = "static batch";
    public const string ContinuousBelow = "continuous, below KV capacity";
    public const string ContinuousAbove = "continuous, above KV capacity";
    public const string ContinuousRate = "continuous, at a request rate";
    public const string OfflineMax = "offline-max";
    public const string ServingOther = "serving, batching not stated";
    public const string ScaleUp = "collective, one node, NVLink/XGMI";
    public const string Pcie = "collective, one node, PCIe";
    public const string MultiNode = "collective, multi-node";
    public const string Memory = "memory (start-up lines)";
    public const string GpuFact = "GPU fact";
    public const string Other = "other";

    /// <summary>Report order.</summary>
    public static IReadOnlyList<string> Order { get; } =
        [BatchOne, StaticBatch, ContinuousBelow, ContinuousAbove, ContinuousRate, OfflineMax, ServingOther, ScaleUp, Pcie, MultiNode, Memory, GpuFact, Other];

    /// <summary>A serving or memory row: continuous rows compare their clients with the sequences the KV pool holds.</summary>
    public static string OfDeployment(CaseRow row, MemoryEstimate memory)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(memory);
        if (row.Kind == "memory")
        {
            return Memory;
        }

        var concurrency = row.Int("concurrency");
        return row["batching"] switch
        {
            _ when concurrency == 1 => BatchOne,
            "static" => StaticBatch,
            "offline-max" => OfflineMax,
            "continuous-concurrency" or "continuous-rate" when concurrency is { } c => c <= memory.MaxConcurrentSequences ? ContinuousBelow : ContinuousAbove,
            "continuous-rate" => ContinuousRate,
            _ => ServingOther,
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
