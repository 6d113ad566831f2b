using Sizing.Domain.Architecture;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;
using Sizing.Domain.Units;
using static Sizing.Domain.InvariantText;

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
        return new Model(input, assumptions ?? MoeAssumptions.Default, communication ?? CommunicationAssumptions.Default)
            .Estimate(input.TokensPerRank);
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


    /// <summary>BF16 activations: what combines, all-gathers and all-reduces carry.</summary>
    private const double ActivationBytes = 2;

    /// <summary>The DeepEP tables' model shape: DeepSeek-V3 hidden 7168, top-8, on 8-GPU nodes.</summary>
    private const int TableHidden = 7168;

    private const int TableTopK = 8;

    private const int TableGpusPerNode = 8;

    /// <summary>The tables' H800 reach their NICs over PCIe Gen5 x16: 64 GB/s per direction.</summary>
    private const double TablePcieGBps = 64;

    /// <summary>Bytes from a fractional count: whole bytes, rounded up.</summary>
    private static Bytes WholeBytes(double bytes) => new(checked((long)Math.Ceiling(bytes)));

    /// <summary>One layout's MoE exchange in one phase, resolved once: the exchange that runs and every figure that does not
    /// depend on the step's tokens. A step model asks it for each step size it costs.</summary>
    internal sealed class Model
    {
        private readonly MoeCommunicationInput _input;
        private readonly CommunicationAssumptions _c;
        private readonly double _hidden;
        private readonly int _topK;
        private readonly int _ranks;
        private readonly int _group;
        private readonly int _nodes;
        private readonly int _layers;
        private readonly ExpertLoad.Spread _spread;
        private readonly double _dispatchElement;
        private readonly double _interNodeShare;
        private readonly List<string> _notes = [];

        // All-gather/reduce-scatter: one lane per tensor rank.
        private readonly Topology? _lane;
        private readonly int _laneNodes;

        // DeepEP: the ranks and nodes a token reaches, the launch-and-hop floor and the rates scaled from the tables.
        private readonly double _nodesReached;
        private readonly Seconds _floor;
        private readonly BytesPerSecond _dispatchRate;
        private readonly BytesPerSecond _combineRate;

        public Model(MoeCommunicationInput input, MoeAssumptions a, CommunicationAssumptions c)
        {
            _input = input;
            _c = c;
            var p = input.Parallelism;
            var topology = input.Topology;
            _group = p.MoeGroup;
            _nodes = topology.NodesFor(_group);
            _layers = Layers(input);
            _hidden = input.Model.HiddenSize;
            _ranks = p.Expert;
            _dispatchElement = DispatchBytesPerElement(input.DispatchPrecision, a);
            _interNodeShare = _nodes > 1 ? (double)(_nodes - 1) / _nodes : 0;
            if (input.Model.Moe is not { } moe || _group == 1)
            {
                Exchange = MoeExchange.None;
                return;
            }

            _topK = moe.ExpertsPerToken;
            _spread = new ExpertLoad.Spread(p.Expert, (double)(moe.Experts + p.RedundantExperts) / p.Expert, input.LoadBalancer, a.ExpertPopularityCv);
            Exchange = Resolve(input, _nodes, _notes);
            switch (Exchange)
            {
                case MoeExchange.AllGatherReduceScatter:
                    _lane = topology with { GpusPerNode = Math.Max(1, topology.GpusPerNode / p.Tensor) };
                    _laneNodes = _lane.NodesFor(p.AttentionData);
                    break;
                case MoeExchange.DeepEp when input.Phase == MoePhase.Prefill:
                    {
                        // Normal kernels: each token once per destination rank (and once per destination node over RDMA).
                        var tableImbalance = TableImbalance(moe.Experts, a.NormalTableTokens, a);
                        _floor = Seconds.FromMicroseconds(c.NcclLaunchLatencyUs + (_nodes == 1 ? c.NvSwitch.StepLatencyUs : c.For(topology.InterNode).StepLatencyUs));
                        if (_nodes == 1)
                        {
                            var scale = topology.Gpu.Interconnect.ScaleUpGBpsPerDirection!.Value / a.TableNvLinkGBpsPerDirection * tableImbalance;
                            _dispatchRate = BytesPerSecond.FromGBps(a.NormalIntranode.DispatchGBps * scale);
                            _combineRate = BytesPerSecond.FromGBps(a.NormalIntranode.CombineGBps * scale);
                        }
                        else
                        {
                            _nodesReached = ExpertLoad.NodesReached(moe.Experts, _topK, _nodes, input.MaxNodesPerToken);
                            var scale = FabricScale(topology, a, c) * tableImbalance;
                            var (dispatchGBps, combineGBps) = Interpolate(a.NormalInternode, _ranks, r => r.DispatchGBps, r => r.CombineGBps);
                            _dispatchRate = BytesPerSecond.FromGBps(dispatchGBps * scale);
                            _combineRate = BytesPerSecond.FromGBps(combineGBps * scale);
                        }

                        RanksReached = ExpertLoad.RanksReached(moe.Experts, _topK, _ranks, _nodes, input.MaxNodesPerToken);
                        break;
                    }

                case MoeExchange.DeepEp:
                    {
                        // Low-latency kernels: each token once per destination expert, time = floor + bytes / rate, the rate set so
                        // the table's 128-token point (uniform routing) is reproduced on the table's hardware. The table's payload:
                        // 128 tokens × top-8 × hidden 7168 per rank, FP8 out, BF16 back.
                        var (dispatchUs, combineUs) = Interpolate(a.LowLatency, _ranks, r => r.DispatchUs, r => r.CombineUs);
                        var tableCopies = a.LowLatencyTableTokens * (double)TableTopK * TableHidden;
                        var tableFloor = LowLatencyFloor(_ranks > TableGpusPerNode, a.TableFabric, c);
                        var dispatchRate = tableCopies * a.Fp8DispatchBytesPerElement / (Seconds.FromMicroseconds(dispatchUs) - tableFloor).Value;
                        var combineRate = tableCopies * ActivationBytes / (Seconds.FromMicroseconds(combineUs) - tableFloor).Value;
                        var scale = (_nodes > 1
                            ? FabricScale(topology, a, c)
                            : topology.Gpu.Interconnect.ScaleUpGBpsPerDirection!.Value / a.TableNvLinkGBpsPerDirection) * TableImbalance(moe.Experts, a.LowLatencyTableTokens, a);
                        _floor = LowLatencyFloor(_nodes > 1, topology.InterNode, c);
                        _dispatchRate = new BytesPerSecond(dispatchRate * scale);
                        _combineRate = new BytesPerSecond(combineRate * scale);
                        RanksReached = _topK;
                        break;
                    }
            }
        }

        /// <summary>The exchange that runs (a requested one the layout cannot use falls back; the notes say why).</summary>
        public MoeExchange Exchange { get; }

        /// <summary>Distinct EP ranks one token's experts sit on (DeepEP normal), the experts it reaches (low-latency).</summary>
        private double RanksReached { get; }

        /// <summary>One layer's exchange on the busiest rank when each attention rank feeds <paramref name="tokens"/> tokens.</summary>
        public Traffic At(double tokens)
        {
            if (Exchange == MoeExchange.None || tokens == 0)
            {
                return new Traffic(Bytes.Zero, Bytes.Zero, Bytes.Zero, 1, 0, 0, 1, Seconds.Zero, Seconds.Zero, "none");
            }

            var p = _input.Parallelism;
            var imbalance = _spread.Imbalance(tokens * p.AttentionData * _topK / p.Expert);
            switch (Exchange)
            {
                case MoeExchange.AllReduce:
                    {
                        var message = WholeBytes(tokens * _hidden * ActivationBytes);
                        var reduce = Collectives.TensorParallelAllReduce(_input.Topology, p.Tensor, message, _input.Engine, _c);
                        return new Traffic(Bytes.Zero, message, Bytes.Zero, 1, 0, 0, imbalance, Seconds.Zero, reduce.Time, reduce.Algorithm);
                    }

                case MoeExchange.AllGatherReduceScatter:
                    {
                        // All-gather the DP ranks' tokens, reduce-scatter the outputs: DP ranks sit Tensor apart.
                        var ranks = p.AttentionData;
                        var gathered = WholeBytes(tokens * ranks * _hidden * ActivationBytes);
                        var gather = Collectives.Estimate(CollectiveOperation.AllGather, _lane!, ranks, gathered, CollectiveImplementation.Nccl, _c);
                        var scatter = Collectives.Estimate(CollectiveOperation.ReduceScatter, _lane!, ranks, gathered, CollectiveImplementation.Nccl, _c);
                        var sent = WholeBytes(tokens * (ranks - 1) * _hidden * ActivationBytes);
                        var crossing = _laneNodes > 1 ? WholeBytes(sent.Value * (double)(_laneNodes - 1) / _laneNodes) : Bytes.Zero;
                        return new Traffic(sent, sent, crossing, 1.0 / ranks, _laneNodes > 1 ? (double)(_laneNodes - 1) / _laneNodes : 0, ranks,
                            imbalance, gather.Time, scatter.Time, gather.Algorithm);
                    }

                case MoeExchange.AllToAll:
                    {
                        var copies = tokens * _topK;
                        var dispatchBytes = WholeBytes(copies * _hidden * _dispatchElement);
                        var combineBytes = WholeBytes(copies * _hidden * ActivationBytes);
                        var dispatch = Collectives.Estimate(CollectiveOperation.AllToAll, _input.Topology, _ranks, dispatchBytes, CollectiveImplementation.Nccl, _c);
                        var combine = Collectives.Estimate(CollectiveOperation.AllToAll, _input.Topology, _ranks, combineBytes, CollectiveImplementation.Nccl, _c);
                        return new Traffic(dispatchBytes, combineBytes, WholeBytes(dispatchBytes.Value * _interNodeShare), 1.0 / _ranks, _interNodeShare, _ranks,
                            imbalance, Busiest(dispatch, imbalance), Busiest(combine, imbalance), dispatch.Algorithm);
                    }

                case MoeExchange.DeepEp when _input.Phase == MoePhase.Prefill:
                    {
                        var dispatchBytes = WholeBytes(tokens * RanksReached * _hidden * _dispatchElement);
                        var combineBytes = WholeBytes(tokens * RanksReached * _hidden * ActivationBytes);
                        var (dispatchOut, combineOut, crossing) = (dispatchBytes, combineBytes, Bytes.Zero);
                        if (_nodes > 1)
                        {
                            // One RDMA copy per destination node; NVLink forwards inside it.
                            dispatchOut = WholeBytes(tokens * _nodesReached * _hidden * _dispatchElement);
                            combineOut = WholeBytes(tokens * _nodesReached * _hidden * ActivationBytes);
                            crossing = WholeBytes(dispatchOut.Value * (double)(_nodes - 1) / _nodes);
                        }

                        return new Traffic(dispatchBytes, combineBytes, crossing, 1.0 / _ranks, _interNodeShare, RanksReached, imbalance,
                            _floor + (dispatchOut * imbalance / _dispatchRate), _floor + (combineOut * imbalance / _combineRate),
                            _nodes == 1 ? "deepep normal (nvlink)" : "deepep normal (nvlink + rdma)");
                    }

                default:
                    {
                        var copies = tokens * _topK;
                        var dispatchBytes = WholeBytes(copies * _hidden * _dispatchElement);
                        var combineBytes = WholeBytes(copies * _hidden * ActivationBytes);
                        return new Traffic(dispatchBytes, combineBytes, WholeBytes(dispatchBytes.Value * _interNodeShare), 1.0 / _ranks, _interNodeShare, _topK,
                            imbalance, _floor + (dispatchBytes * imbalance / _dispatchRate), _floor + (combineBytes * imbalance / _combineRate), "deepep low-latency");
                    }
            }
        }

        /// <summary>The full estimate at <paramref name="tokens"/>, with what runs in words and the notes.</summary>
        public MoeCommunicationEstimate Estimate(double tokens)
        {
            var t = At(tokens);
            var exchange = tokens == 0 ? MoeExchange.None : Exchange;
            var kernel = exchange switch
            {
                MoeExchange.AllGatherReduceScatter => Invariant($"nccl all-gather + reduce-scatter ({t.Algorithm})"),
                MoeExchange.AllToAll => Invariant($"nccl all-to-all ({t.Algorithm})"),
                _ => t.Algorithm,
            };
            return new MoeCommunicationEstimate(exchange, kernel, _layers, _group, _nodes, t.DispatchBytes, t.CombineBytes, t.InterNodeBytes,
                t.LocalShare, t.InterNodeShare, t.RanksReached, t.Imbalance, t.Dispatch, t.Combine, exchange == MoeExchange.None ? [] : _notes);
        }

        /// <summary>The busiest-rank factor already inside a table's time: its tests route uniformly at random, so only the
        /// multinomial noise of their batch (the EPLB floor) applies.</summary>
        private double TableImbalance(int experts, int tableTokens, MoeAssumptions a) =>
            ExpertLoad.Imbalance(_ranks, (double)tableTokens * TableTopK, (double)experts / _ranks, loadBalancer: true, a.ExpertPopularityCv);
    }

    /// <summary>One MoE layer's exchange on the busiest rank (<see cref="MoeCommunicationEstimate"/>'s figures).</summary>
    /// <param name="Algorithm">What the collective runs (NCCL's algorithm), or the DeepEP kernels.</param>
    internal readonly record struct Traffic(
        Bytes DispatchBytes, Bytes CombineBytes, Bytes InterNodeBytes, double LocalShare, double InterNodeShare, double RanksReached,
        double Imbalance, Seconds Dispatch, Seconds Combine, string Algorithm);
}
