using Sizing.Domain;
using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Fidelity;

namespace Sizing.Fidelity;

/// <summary>One group of <see cref="FittedParameters"/> and the rows it is fitted on.</summary>
/// <param name="Name">The group name the parameters carry.</param>
/// <param name="Rows">Which rows, in words (it is reported with every fitted constant).</param>
/// <param name="Includes">Whether a row is one of them.</param>
/// <param name="DependsOn">Groups whose constants these rows also use: they are fitted first, and a fold that refits one of them
/// refits this one too.</param>
public sealed record FitGroup(string Name, string Rows, Func<CaseRow, HardwareCatalog, bool> Includes, IReadOnlyList<string> DependsOn)
{
    public IReadOnlyList<FittedParameter> Parameters => [.. FittedParameters.All.Where(p => p.Group == Name)];
}

/// <summary>The fit groups in fitting order. Groups fit on disjoint rows: each row belongs to at most one group. A row is fitted only
/// where it states the inputs its group's constants depend on (the vLLM release of a memory line other than weights, the
/// transport of a PCIe collective); every row is scored either way.</summary>
/// <remarks>
/// Collectives first (serving rows use their all-reduce times), then vLLM start-up memory (serving rows use the KV pool),
/// then the engine costs and the sustained compute share on single-stage serving rows, then the pipeline skew on the rows only
/// it explains.
/// </remarks>
public static class FitGroups
{
    public static IReadOnlyList<FitGroup> All { get; } = Build();

    /// <summary>The group a row is fitted in, or null.</summary>
    public static FitGroup? Of(CaseRow row, HardwareCatalog catalog) => All.FirstOrDefault(g => g.Includes(row, catalog));

    private static List<FitGroup> Build()
    {
        const string nvswitch = "collective.nvswitch";
        var groups = new List<FitGroup>
        {
            new(nvswitch, "NCCL collectives inside one NVSwitch node", (r, c) => Nccl(r) && SingleNode(r, c, IntraNodeLink.NvSwitch), []),
            new("collective.nvlink-bridge", "NCCL collectives over an NVLink bridge pair", (r, c) => Nccl(r) && SingleNode(r, c, IntraNodeLink.NvLinkBridge), [nvswitch]),
            new("collective.pcie", "NCCL collectives over PCIe in one node that state whether P2P ran",
                (r, c) => Nccl(r) && TransportStated(r) && (SingleNode(r, c, IntraNodeLink.Pcie) || SingleNode(r, c, IntraNodeLink.PcieCrossSocket)), [nvswitch]),
            new("collective.xgmi", "RCCL collectives over XGMI in one node", (r, c) => Nccl(r) && SingleNode(r, c, IntraNodeLink.Xgmi), [nvswitch]),
        };
        foreach (var fabric in Enum.GetValues<InterNodeLink>().GroupBy(FittedParameters.FabricGroup, StringComparer.Ordinal))
        {
            var links = fabric.ToList();
            var names = string.Join(" or ", links.Select(EnumText.Of));
            groups.Add(new(fabric.Key, $"NCCL collectives spanning nodes over {names}", (r, c) => Nccl(r) && links.Any(l => AcrossNodes(r, c, l)), [nvswitch]));
        }

        groups.Add(new("collective.custom-allreduce", "custom all-reduce kernel rows", (r, _) => r.Kind == "collective" && !Nccl(r), [nvswitch]));
        var collectives = groups.Select(g => g.Name).ToList();

        const string memory = "memory.vllm";
        // The overheads differ by release; the weights do not, so a weights line fits whether or not its log names the release.
        groups.Add(new(memory, "vLLM start-up memory lines (weights lines, and the others where the log names the release)", (r, _) => r.Kind == "memory"
            && CasePredictor.EngineOf(r) == Engine.Vllm && (r.Metric == "weights_gib_per_gpu" || CasePredictor.VersionOf(r, Engine.Vllm) is not null), []));

        // One group for every single-stage serving row, dense or MoE: each figure depends on the sustained compute share and on
        // its engine's costs, so they are fitted together (the loss weighs each engine's families alike).
        const string serving = FittedParameters.ServingGroup;
        groups.Add(new(serving, "serving rows on one pipeline stage, every engine", (r, _) => Serving(r) && Stages(r) == 1, [.. collectives, memory]));
        // The skew is what makes p stages deliver less than p times one stage's throughput: throughput rows identify it. A
        // pipelined burst's TTFT and TPOT are set by its admission and queueing, which the serving group's rows already weigh.
        groups.Add(new("pipeline", "throughput rows with pipeline parallelism", (r, _) => Serving(r) && Stages(r) > 1
            && CasePredictor.FamilyOf(r.Metric) == EnumText.Of(FigureFamily.Throughput), [.. collectives, memory, serving]));
        return groups;
    }

    /// <summary>Whether a PCIe row says if peer-to-peer ran: one that does not (consumer cards under the stock driver may stage
    /// through host memory) cannot tell the P2P efficiency from the host-staged one, so it is scored but not fitted.</summary>
    private static bool TransportStated(CaseRow row) => !row["notes"].Contains("P2P state not stated", StringComparison.Ordinal);

    private static bool Nccl(CaseRow row) => row.Kind == "collective" && CasePredictor.ImplementationOf(row) == CollectiveImplementation.Nccl;

    /// <summary>A serving row the engine costs and compute share are fitted on: the model answers what each describes, closed
    /// loops past capacity (admission and queueing) and percentiles (docs/physics.md) included.</summary>
    /// <remarks>dstack's DeepSeek-R1 and Llama-3.1-405B runs are scored but not fitted. They measure development builds of vLLM
    /// 0.6-0.7, SGLang 0.4 and TensorRT-LLM 0.17's early PyTorch backend whose prefill runs about 4× and decode 1.5-3× slower
    /// than every other source on the same GPUs and models (docs/physics.md, known misses): a kernel-maturity effect of those
    /// releases the step model does not have. Fitted, they pulled the compute share of every engine from 0.77 to 0.53 and
    /// TensorRT-LLM's costs towards its early backend. Uncapped bursts through an API server (request rate inf, no concurrency
    /// cap: GPUStack's 924 rows) are scored but not fitted either: the API server preprocesses such a burst serially, which sets
    /// their TTFT and throughput and which the model does not have (docs/physics.md); fitted, they slowed every engine's prefill
    /// to match it.</remarks>
    private static bool Serving(CaseRow row) => row.Kind == "serving" && NotFitted(row) is null;

    /// <summary>The scope a serving row is scored in but not fitted (see <see cref="Serving"/>), or null.</summary>
    public static string? NotFitted(CaseRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.Document.Contains("dstackai/benchmarks", StringComparison.Ordinal) ? EarlyReleases
            : row["batching"] == "continuous-rate" && row.Note("request_rate") == "inf" ? UncappedBursts
            : null;
    }

    public const string EarlyReleases = "dstack: vLLM 0.6-0.7, SGLang 0.4 and early TensorRT-LLM DeepSeek/405B kernels";

    public const string UncappedBursts = "uncapped bursts of 100-1,000 prompts through an API server (serial preprocessing, ShareGPT tails)";

    private static int Stages(CaseRow row) => row.Int("pp") ?? 1;

    private static bool SingleNode(CaseRow row, HardwareCatalog catalog, IntraNodeLink link) =>
        Topology(row, catalog) is { } t && t.Topology.NodesFor(t.GpuCount) == 1 && Collectives.LinkUsed(t.Topology, t.GpuCount) == link;

    private static bool AcrossNodes(CaseRow row, HardwareCatalog catalog, InterNodeLink fabric) =>
        Topology(row, catalog) is { } t && t.Topology.NodesFor(t.GpuCount) > 1 && t.Topology.InterNode == fabric;

    private static (Topology Topology, int GpuCount)? Topology(CaseRow row, HardwareCatalog catalog) =>
        catalog.FindGpu(row["gpu_id"]) is null ? null : CasePredictor.CollectiveTopology(row, catalog);
}
