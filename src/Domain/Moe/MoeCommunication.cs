using System.Globalization;
using Sizing.Domain.Architecture;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;
using Sizing.Domain.Units;

namespace Sizing.Domain.Moe;

/// <summary>What the MoE communication model needs to know about one step.</summary>
/// <param name="TokensPerRank">Tokens one DP-attention rank feeds to each MoE layer in the step (without DP attention: the
/// engine's step tokens, which every tensor rank sees).</param>
/// <param name="Phase">Prefill or decode: selects DeepEP's normal or low-latency kernels.</param>
/// <param name="Exchange">The exchange the engine is configured for; null = the engine's default for this layout.</param>
/// <param name="DispatchPrecision">Format tokens are dispatched in by DeepEP and all-to-all (DeepEP: FP8); combines are BF16.</param>
/// <param name="LoadBalancer">EPLB on (redundant experts placed by measured load).</param>
/// <param name="MaxNodesPerToken">Node-limited routing: the most nodes one token's experts may sit on (DeepSeek-V3/R1:
/// topk_group 4, "each token will be sent to at most M = 4 nodes", DeepSeek-V3 technical report §2.1.2); null = no limit.</param>
public sealed record MoeCommunicationInput(
    ModelArchitecture Model,
    Parallelism Parallelism,
    Topology Topology,
    Engine Engine,
    double TokensPerRank,
    MoePhase Phase,
    MoeExchange? Exchange = null,
    Precision DispatchPrecision = Precision.Fp8,
    bool LoadBalancer = false,
    int? MaxNodesPerToken = null);

/// <summary>The communication of one MoE layer on the busiest rank, and of a step's MoE layers.</summary>
/// <param name="Exchange">The exchange that runs (a requested one the layout cannot use falls back; see Notes).</param>
/// <param name="Kernel">What runs: the collective algorithm or DeepEP kernel family.</param>
/// <param name="MoeLayers">MoE layers on the largest pipeline stage.</param>
/// <param name="GroupGpus">GPUs the MoE layers of one stage span.</param>
/// <param name="GroupNodes">Nodes they span.</param>
/// <param name="DispatchBytesPerRank">Bytes one rank sends to dispatch its tokens (logical: local copies included).</param>
/// <param name="CombineBytesPerRank">Bytes one rank moves to combine the expert outputs (for an all-reduce: its message).</param>
/// <param name="InterNodeBytesPerRank">Part of the dispatch that crosses the inter-node fabric.</param>
/// <param name="LocalShare">Share of a rank's routed token copies that stay on the rank.</param>
/// <param name="InterNodeShare">Share that crosses nodes.</param>
/// <param name="RanksReachedPerToken">Distinct EP ranks one token's experts sit on.</param>
/// <param name="LoadImbalance">Busiest EP rank's routed tokens over the mean; sets the pace of the exchange and of the
/// grouped expert GEMMs.</param>
/// <param name="Dispatch">Dispatch time per layer (all-gather for allgather-reducescatter; zero for an all-reduce).</param>
/// <param name="Combine">Combine time per layer (reduce-scatter, or the all-reduce).</param>
/// <param name="Notes">Why a requested exchange was replaced, and what the figures assume.</param>
public sealed record MoeCommunicationEstimate(
    MoeExchange Exchange,
    string Kernel,
    int MoeLayers,
    int GroupGpus,
    int GroupNodes,
    Bytes DispatchBytesPerRank,
    Bytes CombineBytesPerRank,
    Bytes InterNodeBytesPerRank,
    double LocalShare,
    double InterNodeShare,
    double RanksReachedPerToken,
    double LoadImbalance,
    Seconds Dispatch,
    Seconds Combine,
    IReadOnlyList<string> Notes)
{
    public Seconds PerLayer => Dispatch + Combine;

    /// <summary>All MoE layers of the stage.</summary>
    public Seconds PerStep => PerLayer * MoeLayers;

    /// <summary>Share of a step of <paramref name="stepTime"/> that the MoE exchanges take if none of it overlaps.</summary>
    public double ShareOf(Seconds stepTime) => stepTime.Value > 0 ? PerStep / stepTime : 0;
}

/// <summary>MoE dispatch and combine as the engines run them.</summary>
/// <remarks>
/// <para>Without DP attention every tensor rank holds the same tokens: each rank runs the experts (or expert slices) it holds
/// on all of them and one all-reduce of tokens × hidden sums the outputs — with or without EP inside the tensor group (vLLM
/// <c>use_all2all_kernels</c> needs DP &gt; 1; FusedMoEParallelConfig). No token is dispatched.</para>
/// <para>With DP attention each rank holds its own tokens. The default exchange all-gathers them over the DP ranks and
/// reduce-scatters the results (vLLM <c>--all2all-backend allgather_reducescatter</c>, SGLang without
/// <c>--moe-a2a-backend</c>); TensorRT-LLM switches to an all-to-all beyond EP 8 (tech blog 4: "for EP4/EP8 Reduce/Scatter
/// is used, while for EP&gt;8 All2All is used"). DeepEP sends each token once per destination rank (normal kernels, NVLink
/// forwarding plus one RDMA copy per destination node) or once per destination expert (low-latency kernels), FP8 out and
/// BF16 back; its time here is its measured table (<see cref="MoeAssumptions"/>) scaled by the target's NVLink or NIC rate,
/// plus a launch-and-hop floor [A] that the table's own point absorbs.</para>
/// <para>The busiest rank sets the pace: bandwidth terms scale by <see cref="ExpertLoad.Imbalance"/>. Shared experts need no
/// exchange: under DP attention every rank runs them on its own tokens (SGLang --moe-dense-tp-size 1, vLLM replicates them
/// with all-to-all backends), and with TP they join the same all-reduce.</para>
/// </remarks>
public static class MoeCommunication
{
    public static MoeCommunicationEstimate Estimate(
        MoeCommunicationInput input, MoeAssumptions? assumptions = null, CommunicationAssumptions? communication = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegative(input.TokensPerRank);
        var a = assumptions ?? MoeAssumptions.Default;
        var c = communication ?? CommunicationAssumptions.Default;
        var p = input.Parallelism;
        var topology = input.Topology;
        var group = p.MoeGroup;
        var nodes = topology.NodesFor(group);
        var notes = new List<string>();
        if (input.Model.Moe is not { } moe || group == 1 || input.TokensPerRank == 0)
        {
            return new(MoeExchange.None, "none", Layers(input), group, nodes, Bytes.Zero, Bytes.Zero, Bytes.Zero, 1, 0, 0, 1,
                Seconds.Zero, Seconds.Zero, notes);
        }

        var exchange = Resolve(input, nodes, notes);
        var routedPerRank = input.TokensPerRank * p.AttentionData * moe.ExpertsPerToken / p.Expert;
        var expertsPerRank = (double)(moe.Experts + p.RedundantExperts) / p.Expert;
        var imbalance = ExpertLoad.Imbalance(p.Expert, routedPerRank, expertsPerRank, input.LoadBalancer, a.ExpertPopularityCv);
        var shape = new Shape(input, moe, group, nodes, imbalance);
        return exchange switch
        {
            MoeExchange.AllReduce => AllReduce(shape, c, notes),
            MoeExchange.AllGatherReduceScatter => AllGatherReduceScatter(shape, c, notes),
            MoeExchange.AllToAll => AllToAll(shape, a, c, notes),
            _ => input.Phase == MoePhase.Prefill ? DeepEpNormal(shape, a, c, notes) : DeepEpLowLatency(shape, a, c, notes),
        };
    }

    /// <summary>The exchange the engine runs for this layout when the caller names none.</summary>
    public static MoeExchange DefaultExchange(Parallelism parallelism, Engine engine)
    {
        ArgumentNullException.ThrowIfNull(parallelism);
        if (parallelism.MoeGroup == 1)
        {
            return MoeExchange.None;
        }

        if (!parallelism.DataParallelAttention)
        {
            return MoeExchange.AllReduce;
        }

        return engine == Engine.Trtllm && parallelism.Expert > 8 ? MoeExchange.AllToAll : MoeExchange.AllGatherReduceScatter;
    }

    private static MoeExchange Resolve(MoeCommunicationInput input, int nodes, List<string> notes)
    {
        var p = input.Parallelism;
        var fallback = DefaultExchange(p, input.Engine);
        switch (input.Exchange)
        {
            case null:
                return fallback;
            case MoeExchange.DeepEp when !p.DataParallelAttention || p.Expert != p.MoeGroup:
                notes.Add(Invariant($"DeepEP needs DP attention with EP over the whole MoE group (SGLang sets ep_size = tp_size for DeepEP; vLLM uses all-to-all kernels only with DP > 1): {EnumText.Of(fallback)} instead"));
                return fallback;
            case MoeExchange.DeepEp when !HasNvLinkDomain(input.Topology) || (nodes > 1 && input.Topology.InterNode == InterNodeLink.Ethernet):
                notes.Add(Invariant($"DeepEP needs NVLink between the GPUs of a node and RDMA between nodes (DeepEP README requirements): {EnumText.Of(fallback)} instead"));
                return fallback;
            case MoeExchange.AllReduce or MoeExchange.AllGatherReduceScatter or MoeExchange.AllToAll when !p.DataParallelAttention:
                if (input.Exchange != MoeExchange.AllReduce)
                {
                    notes.Add("without DP attention every tensor rank already holds every token: the experts run locally and one all-reduce sums them");
                }

                return MoeExchange.AllReduce;
            case MoeExchange.AllReduce:
                notes.Add(Invariant($"with DP attention each rank holds different tokens, so an all-reduce alone cannot serve the experts: {EnumText.Of(fallback)} instead"));
                return fallback;
            default:
                return input.Exchange.Value;
        }
    }

    private static MoeCommunicationEstimate AllReduce(Shape s, CommunicationAssumptions c, List<string> notes)
    {
        var tp = s.Input.Parallelism.Tensor;
        var message = Shape.Bytes(s.Tokens * s.Hidden * ActivationBytes);
        var reduce = Collectives.TensorParallelAllReduce(s.Input.Topology, tp, message, s.Input.Engine, c);
        return new(MoeExchange.AllReduce, reduce.Algorithm, s.Layers, s.Group, s.Nodes, Bytes.Zero, message, Bytes.Zero, 1,
            0, 0, s.Imbalance, Seconds.Zero, reduce.Time, notes);
    }

    /// <summary>All-gather the DP ranks' tokens, reduce-scatter the outputs: one lane per tensor rank, DP ranks Tensor apart.</summary>
    private static MoeCommunicationEstimate AllGatherReduceScatter(Shape s, CommunicationAssumptions c, List<string> notes)
    {
        var p = s.Input.Parallelism;
        var ranks = p.AttentionData;
        var lane = s.Input.Topology with { GpusPerNode = Math.Max(1, s.Input.Topology.GpusPerNode / p.Tensor) };
        var gathered = Shape.Bytes(s.Tokens * ranks * s.Hidden * ActivationBytes);
        var gather = Collectives.Estimate(CollectiveOperation.AllGather, lane, ranks, gathered, CollectiveImplementation.Nccl, c);
        var scatter = Collectives.Estimate(CollectiveOperation.ReduceScatter, lane, ranks, gathered, CollectiveImplementation.Nccl, c);
        var sent = Shape.Bytes(s.Tokens * (ranks - 1) * s.Hidden * ActivationBytes);
        var laneNodes = lane.NodesFor(ranks);
        var crossing = laneNodes > 1 ? Shape.Bytes(sent.Value * (double)(laneNodes - 1) / laneNodes) : Bytes.Zero;
        return new(MoeExchange.AllGatherReduceScatter, Invariant($"nccl all-gather + reduce-scatter ({gather.Algorithm})"), s.Layers,
            s.Group, s.Nodes, sent, sent, crossing, 1.0 / ranks, laneNodes > 1 ? (double)(laneNodes - 1) / laneNodes : 0,
            ranks, s.Imbalance, gather.Time, scatter.Time, notes);
    }

    private static MoeCommunicationEstimate AllToAll(Shape s, MoeAssumptions a, CommunicationAssumptions c, List<string> notes)
    {
        var ranks = s.Input.Parallelism.Expert;
        var copies = s.Tokens * s.TopK;
        var dispatchBytes = Shape.Bytes(copies * s.Hidden * DispatchBytesPerElement(s.Input.DispatchPrecision, a));
        var combineBytes = Shape.Bytes(copies * s.Hidden * ActivationBytes);
        var dispatch = Collectives.Estimate(CollectiveOperation.AllToAll, s.Input.Topology, ranks, dispatchBytes, CollectiveImplementation.Nccl, c);
        var combine = Collectives.Estimate(CollectiveOperation.AllToAll, s.Input.Topology, ranks, combineBytes, CollectiveImplementation.Nccl, c);
        var interShare = s.InterNodeShare;
        return new(MoeExchange.AllToAll, Invariant($"nccl all-to-all ({dispatch.Algorithm})"), s.Layers, s.Group, s.Nodes, dispatchBytes,
            combineBytes, Shape.Bytes(dispatchBytes.Value * interShare), 1.0 / ranks, interShare, ranks, s.Imbalance,
            Busiest(dispatch, s.Imbalance), Busiest(combine, s.Imbalance), notes);
    }

    /// <summary>DeepEP normal kernels: each token once per destination rank (and once per destination node over RDMA).</summary>
    private static MoeCommunicationEstimate DeepEpNormal(Shape s, MoeAssumptions a, CommunicationAssumptions c, List<string> notes)
    {
        var topology = s.Input.Topology;
        var ranksReached = ExpertLoad.RanksReached(s.Experts, s.TopK, s.Ranks, s.Nodes, s.Input.MaxNodesPerToken);
        var nodesReached = ExpertLoad.NodesReached(s.Experts, s.TopK, s.Nodes, s.Input.MaxNodesPerToken);
        var dispatchElement = DispatchBytesPerElement(s.Input.DispatchPrecision, a);
        var dispatchBytes = Shape.Bytes(s.Tokens * ranksReached * s.Hidden * dispatchElement);
        var combineBytes = Shape.Bytes(s.Tokens * ranksReached * s.Hidden * ActivationBytes);
        Seconds dispatch, combine;
        Bytes crossing;
        if (s.Nodes == 1)
        {
            var scale = topology.Gpu.Interconnect.ScaleUpGBpsPerDirection!.Value / a.TableNvLinkGBpsPerDirection * s.TableImbalance(a.NormalTableTokens, a);
            var floor = Seconds.FromMicroseconds(c.NcclLaunchLatencyUs + c.NvSwitch.StepLatencyUs);
            dispatch = floor + (dispatchBytes * s.Imbalance / BytesPerSecond.FromGBps(a.NormalIntranode.DispatchGBps * scale));
            combine = floor + (combineBytes * s.Imbalance / BytesPerSecond.FromGBps(a.NormalIntranode.CombineGBps * scale));
            crossing = Bytes.Zero;
        }
        else
        {
            var scale = FabricScale(topology, a, c) * s.TableImbalance(a.NormalTableTokens, a);
            var floor = Seconds.FromMicroseconds(c.NcclLaunchLatencyUs + c.For(topology.InterNode).StepLatencyUs);
            var (dispatchGBps, combineGBps) = Interpolate(a.NormalInternode, s.Ranks, r => r.DispatchGBps, r => r.CombineGBps);
            var rdmaDispatch = Shape.Bytes(s.Tokens * nodesReached * s.Hidden * dispatchElement);
            var rdmaCombine = Shape.Bytes(s.Tokens * nodesReached * s.Hidden * ActivationBytes);
            dispatch = floor + (rdmaDispatch * s.Imbalance / BytesPerSecond.FromGBps(dispatchGBps * scale));
            combine = floor + (rdmaCombine * s.Imbalance / BytesPerSecond.FromGBps(combineGBps * scale));
            crossing = Shape.Bytes(rdmaDispatch.Value * (double)(s.Nodes - 1) / s.Nodes);
        }

        return new(MoeExchange.DeepEp, s.Nodes == 1 ? "deepep normal (nvlink)" : "deepep normal (nvlink + rdma)", s.Layers, s.Group,
            s.Nodes, dispatchBytes, combineBytes, crossing, 1.0 / s.Ranks, s.InterNodeShare, ranksReached, s.Imbalance, dispatch, combine, notes);
    }

    /// <summary>DeepEP low-latency kernels: each token once per destination expert, time = floor + bytes / rate, the rate set so
    /// the table's 128-token point (uniform routing) is reproduced on the table's hardware.</summary>
    private static MoeCommunicationEstimate DeepEpLowLatency(Shape s, MoeAssumptions a, CommunicationAssumptions c, List<string> notes)
    {
        var topology = s.Input.Topology;
        var dispatchElement = DispatchBytesPerElement(s.Input.DispatchPrecision, a);
        var copies = s.Tokens * s.TopK;
        var dispatchBytes = Shape.Bytes(copies * s.Hidden * dispatchElement);
        var combineBytes = Shape.Bytes(copies * s.Hidden * ActivationBytes);
        var (dispatchUs, combineUs) = Interpolate(a.LowLatency, s.Ranks, r => r.DispatchUs, r => r.CombineUs);

        // The table's payload: 128 tokens × top-8 × hidden 7168 per rank, FP8 out, BF16 back.
        var tableCopies = a.LowLatencyTableTokens * (double)TableTopK * TableHidden;
        var tableFloor = LowLatencyFloor(s.Ranks > TableGpusPerNode, a.TableFabric, c);
        var dispatchRate = tableCopies * a.Fp8DispatchBytesPerElement / (Seconds.FromMicroseconds(dispatchUs) - tableFloor).Value;
        var combineRate = tableCopies * ActivationBytes / (Seconds.FromMicroseconds(combineUs) - tableFloor).Value;
        var scale = (s.Nodes > 1
            ? FabricScale(topology, a, c)
            : topology.Gpu.Interconnect.ScaleUpGBpsPerDirection!.Value / a.TableNvLinkGBpsPerDirection) * s.TableImbalance(a.LowLatencyTableTokens, a);
        var floor = LowLatencyFloor(s.Nodes > 1, topology.InterNode, c);
        var dispatch = floor + (dispatchBytes * s.Imbalance / new BytesPerSecond(dispatchRate * scale));
        var combine = floor + (combineBytes * s.Imbalance / new BytesPerSecond(combineRate * scale));
        var interShare = s.InterNodeShare;
        return new(MoeExchange.DeepEp, "deepep low-latency", s.Layers, s.Group, s.Nodes, dispatchBytes, combineBytes,
            Shape.Bytes(dispatchBytes.Value * interShare), 1.0 / s.Ranks, interShare, s.TopK, s.Imbalance, dispatch, combine, notes);
    }

    /// <summary>Launch plus one hop: NVLink inside a node, the fabric's step across nodes [A].</summary>
    private static Seconds LowLatencyFloor(bool crossesNodes, InterNodeLink fabric, CommunicationAssumptions c) =>
        Seconds.FromMicroseconds(c.NcclLaunchLatencyUs + (crossesNodes ? c.For(fabric).StepLatencyUs : c.NvSwitch.StepLatencyUs));

    /// <summary>The target fabric's achievable NIC rate per GPU over the table's (CX7 InfiniBand 400 Gb/s per GPU).</summary>
    private static double FabricScale(Topology topology, MoeAssumptions a, CommunicationAssumptions c) =>
        c.Fabric(topology).PerGpuGBps(topology.GpusPerNode, topology.Gpu.Interconnect.PcieGBpsPerDirection)
        / c.For(a.TableFabric).PerGpuGBps(TableGpusPerNode, TablePcieGBps);

    /// <summary>A table value at <paramref name="ranks"/>: linear in log2(EP) between rows, the nearest row outside them.</summary>
    private static (double First, double Second) Interpolate<TRow>(
        IReadOnlyList<TRow> rows, int ranks, Func<TRow, double> first, Func<TRow, double> second)
        where TRow : IDeepEpRow
    {
        if (ranks <= rows[0].ExpertParallel)
        {
            return (first(rows[0]), second(rows[0]));
        }

        for (var i = 1; i < rows.Count; i++)
        {
            if (ranks <= rows[i].ExpertParallel)
            {
                var below = Math.Log2(rows[i - 1].ExpertParallel);
                var t = (Math.Log2(ranks) - below) / (Math.Log2(rows[i].ExpertParallel) - below);
                return (Lerp(first(rows[i - 1]), first(rows[i]), t), Lerp(second(rows[i - 1]), second(rows[i]), t));
            }
        }

        return (first(rows[^1]), second(rows[^1]));
    }

    private static double Lerp(double from, double to, double t) => from + ((to - from) * t);

    /// <summary>The latency floor stays; the bandwidth part waits for the busiest rank.</summary>
    private static Seconds Busiest(CollectiveEstimate estimate, double imbalance) =>
        estimate.LatencyFloor + ((estimate.Time - estimate.LatencyFloor) * imbalance);

    private static double DispatchBytesPerElement(Precision precision, MoeAssumptions a) => precision switch
    {
        Precision.Fp8 or Precision.Int8 => a.Fp8DispatchBytesPerElement,
        Precision.Fp4 or Precision.Int4 => a.Fp4DispatchBytesPerElement,
        _ => ActivationBytes,
    };

    private static bool HasNvLinkDomain(Topology topology) =>
        topology.Gpu.Interconnect is { ScaleUp: "nvlink", ScaleUpGBpsPerDirection: not null } && topology.IntraNode == IntraNodeLink.NvSwitch;

    private static int Layers(MoeCommunicationInput input)
    {
        var model = input.Model;
        var stage = WeightCalculator.LayersOnLargestStage(model.Layers, input.Parallelism.Pipeline);
        return model.Moe is { } moe ? (int)Math.Round(moe.MoeLayers * (double)stage / model.Layers) : 0;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>BF16 activations: what combines, all-gathers and all-reduces carry.</summary>
    private const double ActivationBytes = 2;

    /// <summary>The DeepEP tables' model shape: DeepSeek-V3 hidden 7168, top-8, on 8-GPU nodes.</summary>
    private const int TableHidden = 7168;

    private const int TableTopK = 8;

    private const int TableGpusPerNode = 8;

    /// <summary>The tables' H800 reach their NICs over PCIe Gen5 x16: 64 GB/s per direction.</summary>
    private const double TablePcieGBps = 64;

    /// <summary>The quantities every exchange shares.</summary>
    private sealed class Shape(MoeCommunicationInput input, MoeArchitecture moe, int group, int nodes, double imbalance)
    {
        public MoeCommunicationInput Input { get; } = input;

        public double Tokens { get; } = input.TokensPerRank;

        public double Hidden { get; } = input.Model.HiddenSize;

        public int Experts { get; } = moe.Experts;

        public int TopK { get; } = moe.ExpertsPerToken;

        public int Ranks { get; } = input.Parallelism.Expert;

        public int Group { get; } = group;

        public int Nodes { get; } = nodes;

        public double Imbalance { get; } = imbalance;

        public int Layers { get; } = MoeCommunication.Layers(input);

        /// <summary>The busiest-rank factor already inside a table's time: its tests route uniformly at random, so only the
        /// multinomial noise of their batch (the EPLB floor) applies.</summary>
        public double TableImbalance(int tableTokens, MoeAssumptions a) =>
            ExpertLoad.Imbalance(Ranks, (double)tableTokens * TableTopK, (double)Experts / Ranks, loadBalancer: true, a.ExpertPopularityCv);

        /// <summary>Share of routed copies bound for other nodes when ranks are spread evenly over the nodes.</summary>
        public double InterNodeShare => Nodes > 1 ? (double)(Nodes - 1) / Nodes : 0;

        public static Bytes Bytes(double bytes) => new(checked((long)Math.Ceiling(bytes)));
    }
}
