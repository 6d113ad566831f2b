using Sizing.Domain.Deployment;
using Sizing.Domain.Units;

namespace Sizing.Domain.Communication;

/// <summary>Alpha-beta estimates of NCCL-style collectives over a GPU topology.</summary>
/// <remarks>
/// <c>t = α + f·S / (B·η(S))</c> (docs/formulas.md §1.6): α is launch latency plus per-step latency for the steps of the
/// algorithm on each level; f the nccl-tests bus factor; B the plateau busbw of the slowest level; η the size ramp of
/// <see cref="CommunicationAssumptions"/>. A group that spans nodes runs NCCL's ring or tree, whichever NCCL's own
/// model (α + S/B, NVIDIA/nccl src/graph/tuning.cc) finds faster, unless the caller forces one as NCCL_ALGO does.
/// </remarks>
public static class Collectives
{
    /// <summary>Estimates one collective of <paramref name="messageBytes"/> (the whole buffer, nccl-tests <c>size</c>) over <paramref name="gpuCount"/> ranks.</summary>
    /// <param name="algorithm">The all-reduce algorithm a run forces (NCCL_ALGO); null lets NCCL choose.</param>
    public static CollectiveEstimate Estimate(
        CollectiveOperation operation,
        Topology topology,
        int gpuCount,
        Bytes messageBytes,
        CollectiveImplementation implementation = CollectiveImplementation.Nccl,
        CommunicationAssumptions? assumptions = null,
        NcclAlgorithm? algorithm = null)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(gpuCount);
        ArgumentOutOfRangeException.ThrowIfNegative(messageBytes.Value);
        var a = assumptions ?? CommunicationAssumptions.Default;
        var nodes = topology.NodesFor(gpuCount);

        if (gpuCount == 1 || messageBytes.Value == 0)
        {
            return new(Seconds.Zero, default, default, "none", nodes, implementation, Seconds.Zero);
        }

        if (implementation == CollectiveImplementation.CustomAllReduce
            && CustomAllReduceApplies(operation, topology, gpuCount, messageBytes, a))
        {
            return CustomAllReduce(topology, gpuCount, messageBytes, a);
        }

        return operation switch
        {
            CollectiveOperation.SendRecv => SendRecv(topology, gpuCount, messageBytes, a),
            _ when nodes == 1 => SingleNode(operation, topology, gpuCount, messageBytes, a, algorithm),
            _ => MultiNode(operation, topology, gpuCount, messageBytes, a, algorithm),
        };
    }

    /// <summary>One tensor-parallel all-reduce as <paramref name="engine"/> performs it, timed in isolation (as a benchmark of the kernel would).</summary>
    /// <remarks>
    /// vLLM and SGLang route small intra-node all-reduces through their custom kernel, and TensorRT-LLM through its own
    /// one-shot/two-shot plugin; the kernel applies within its limits (see <see cref="CollectiveImplementation.CustomAllReduce"/>)
    /// and NCCL carries the rest. LMDeploy and generic engines are modelled with NCCL.
    /// </remarks>
    public static CollectiveEstimate TensorParallelAllReduce(
        Topology topology,
        int tp,
        Bytes message,
        Engine engine,
        CommunicationAssumptions? assumptions = null)
    {
        var implementation = engine is Engine.Vllm or Engine.Sglang or Engine.Trtllm
            ? CollectiveImplementation.CustomAllReduce
            : CollectiveImplementation.Nccl;
        return Estimate(CollectiveOperation.AllReduce, topology, tp, message, implementation, assumptions);
    }

    /// <summary>
    /// One tensor-parallel all-reduce as it costs inside a serving step: the isolated call plus
    /// <see cref="CommunicationAssumptions.InEngineAllReduceOverheadUs"/>, a fixed cost per call that does not shrink with TP.
    /// </summary>
    /// <remarks>
    /// For the step model: a decode step of L layers pays this twice per layer. The isolated figure is what nccl-tests or
    /// a kernel microbenchmark would print; the difference is the barrier absorbing the ranks' skew.
    /// </remarks>
    public static CollectiveEstimate InEngineAllReduce(
        Topology topology,
        int tp,
        Bytes message,
        Engine engine,
        CommunicationAssumptions? assumptions = null)
    {
        var a = assumptions ?? CommunicationAssumptions.Default;
        var isolated = TensorParallelAllReduce(topology, tp, message, engine, a);
        if (isolated.Time == Seconds.Zero)
        {
            return isolated;
        }

        var overhead = Seconds.FromMicroseconds(a.InEngineAllReduceOverheadUs);
        var time = isolated.Time + overhead;
        var algbw = new BytesPerSecond(message.Value / time.Value);
        return isolated with
        {
            Time = time,
            AlgorithmBandwidth = algbw,
            BusBandwidth = algbw * BusFactor(CollectiveOperation.AllReduce, tp),
            LatencyFloor = isolated.LatencyFloor + overhead,
        };
    }

    /// <summary>One pipeline-parallel hop: a send-recv between the last GPU of one stage and the first of the next.</summary>
    /// <remarks>
    /// Across nodes the pair is <c>mpirun -np 2 -N 1 sendrecv_perf</c>: one NCCL connection over the sending GPU's share of
    /// its node's NICs. Inside a node it is a 2-rank send-recv over the intra-node link.
    /// </remarks>
    public static CollectiveEstimate PipelineHop(Topology topology, Bytes message, bool crossesNodes, CommunicationAssumptions? assumptions = null)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentOutOfRangeException.ThrowIfNegative(message.Value);
        var a = assumptions ?? CommunicationAssumptions.Default;
        if (!crossesNodes || message.Value == 0)
        {
            return Estimate(CollectiveOperation.SendRecv, topology, 2, message, CollectiveImplementation.Nccl, a);
        }

        var (latency, plateau) = NetworkPair(topology, a);
        return Ramped(CollectiveOperation.SendRecv, 2, message, latency, plateau, "p2p", 2, a);
    }

    /// <summary>The nccl-tests bus factor: busbw = algbw × factor.</summary>
    /// <remarks>NVIDIA/nccl-tests doc/PERFORMANCE.md: all-reduce 2(n−1)/n; all-gather, reduce-scatter, all-to-all (n−1)/n; send-recv 1.</remarks>
    public static double BusFactor(CollectiveOperation operation, int gpuCount) => operation switch
    {
        CollectiveOperation.AllReduce => 2.0 * (gpuCount - 1) / gpuCount,
        CollectiveOperation.SendRecv => 1.0,
        _ => (double)(gpuCount - 1) / gpuCount,
    };

    /// <summary>Achievable network bandwidth of one GPU of <paramref name="topology"/>, one direction, GB/s.</summary>
    /// <remarks>The fabric's NIC share (capped by the GPU's PCIe link) and, for plain Ethernet, NCCL's socket transport.</remarks>
    public static double NetworkGBpsPerGpu(Topology topology, CommunicationAssumptions? assumptions = null)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var a = assumptions ?? CommunicationAssumptions.Default;
        var perGpu = a.Fabric(topology).PerGpuGBps(topology.GpusPerNode, topology.Gpu.Interconnect.PcieGBpsPerDirection);
        return topology.InterNode == InterNodeLink.Ethernet
            ? Math.Min(perGpu, a.SocketTransportMaxGBps / topology.GpusPerNode)
            : perGpu;
    }

    private static CollectiveEstimate SingleNode(
        CollectiveOperation operation, Topology topology, int gpuCount, Bytes size, CommunicationAssumptions a, NcclAlgorithm? forced)
    {
        var (link, plateau) = IntraNode(topology, gpuCount, a);
        var latencyUs = a.NcclLaunchLatencyUs + link.StepLatencyUs * RingSteps(operation, gpuCount);
        var algorithm = SingleLevelAlgorithm(operation);

        // NCCL_ALGO=Ring (or Tree) also turns NVLS off; otherwise NVLink SHARP carries large all-reduces.
        if (operation == CollectiveOperation.AllReduce && forced is null && SupportsNvls(topology, a))
        {
            plateau *= NvlsGain(gpuCount, a);
            algorithm = size.Value >= a.NvlsMinBytes && gpuCount > a.NvlsNoGainGpus ? "nvls" : "ring";
        }

        return Result(operation, gpuCount, size, latencyUs, plateau, HalfBandwidthBytes(latencyUs, plateau, a), a.RampExponent, algorithm, 1, CollectiveImplementation.Nccl);
    }

    /// <summary>A group spanning nodes: the intra-node leg and the node's NICs, per algorithm.</summary>
    /// <remarks>
    /// Ring (NVIDIA/nccl tuning.cc): of its 2(n−1) all-reduce steps (n−1 for all-gather/reduce-scatter), 2(m−1) cross the
    /// network; every node sends 2(n−1)/n·S through its NICs, so busbw ≤ the node's network bandwidth. Double binary tree:
    /// 2((k−1) intra + depth inter) steps (see TreeDepth); with m = 2 each node sends S, beyond that up to 2S, so its busbw bound is
    /// 2(n−1)/n × the node's network bandwidth at 2 nodes (tuning.cc doubles NVLSTree's inter-node bandwidth at ≤ 2 nodes;
    /// nccl-tests#22: "the reported BusBW figure can exceed the actual available peak BW, when running on just 2 nodes")
    /// and (n−1)/n × it beyond. All-to-all sends the remote (n−k)/n of each buffer through the GPU's own NIC share.
    /// </remarks>
    private static CollectiveEstimate MultiNode(
        CollectiveOperation operation, Topology topology, int gpuCount, Bytes size, CommunicationAssumptions a, NcclAlgorithm? forced)
    {
        var nodes = topology.NodesFor(gpuCount);
        var perNode = topology.GpusPerNodeFor(gpuCount);
        var (link, ringPlateau) = IntraNode(topology, perNode, a);
        var fabric = a.Fabric(topology);
        var perGpuNetwork = NetworkGBpsPerGpu(topology, a);
        var nodeNetwork = perNode * perGpuNetwork;

        if (operation == CollectiveOperation.AllToAll)
        {
            var network = perGpuNetwork * (gpuCount - 1) / (gpuCount - perNode);
            var latency = a.NcclLaunchLatencyUs + link.StepLatencyUs * (perNode - 1) + fabric.StepLatencyUs * (nodes - 1);
            return Ramped(operation, gpuCount, size, latency, Math.Min(ringPlateau, network), "pairwise", nodes, a);
        }

        var ringSteps = RingSteps(operation, gpuCount);
        var interSteps = operation == CollectiveOperation.AllReduce ? 2 * (nodes - 1) : nodes - 1;
        var ringLatency = a.NcclLaunchLatencyUs + link.StepLatencyUs * (ringSteps - interSteps) + fabric.StepLatencyUs * interSteps;
        var ring = (Latency: ringLatency, Plateau: Math.Min(ringPlateau, nodeNetwork), Name: "hierarchical-ring");
        if (operation != CollectiveOperation.AllReduce || forced == NcclAlgorithm.Ring)
        {
            return Ramped(operation, gpuCount, size, ring.Latency, ring.Plateau, operation == CollectiveOperation.AllReduce ? ring.Name : "ring", nodes, a);
        }

        var nvls = SupportsNvls(topology, a);
        var treeLatency = a.NcclLaunchLatencyUs + 2 * (link.StepLatencyUs * (perNode - 1) + fabric.StepLatencyUs * TreeDepth(nodes));
        var treeNetwork = BusFactor(operation, gpuCount) * nodeNetwork / (nodes == 2 ? 1.0 : 2.0);
        var treeIntra = ringPlateau * (nvls ? NvlsGain(perNode, a) : a.TreeIntraNodeShare);
        var tree = (Latency: treeLatency, Plateau: Math.Min(treeIntra, treeNetwork), Name: nvls ? "nvls-tree" : "tree");

        // NCCL's tuner compares α + S/B per algorithm (tuning.cc ncclTopoGetAlgoTime); the size ramp applies to the winner.
        var factor = BusFactor(operation, gpuCount);
        double ModelTime((double Latency, double Plateau, string Name) c) => c.Latency * 1e-6 + factor * size.Value / (c.Plateau * 1e9);
        var chosen = forced == NcclAlgorithm.Tree || (forced is null && ModelTime(tree) < ModelTime(ring)) ? tree : ring;
        return Ramped(operation, gpuCount, size, chosen.Latency, chosen.Plateau, chosen.Name, nodes, a);
    }

    /// <summary>nccl-tests <c>sendrecv_perf</c> over n ranks: each rank sends to the next, so every pair moves at once and the slowest pair sets the time.</summary>
    /// <remarks>
    /// Inside a node a pair uses one peer link (on XGMI a single 64 GB/s link, not the mesh). Where the group spans
    /// nodes, one pair per node boundary crosses the network on a single NCCL connection, which reaches
    /// <see cref="CommunicationAssumptions.NetworkPeerToPeerShare"/> of the GPU's network bandwidth.
    /// </remarks>
    private static CollectiveEstimate SendRecv(Topology topology, int gpuCount, Bytes size, CommunicationAssumptions a)
    {
        var nodes = topology.NodesFor(gpuCount);
        var perNode = topology.GpusPerNodeFor(gpuCount);
        var pair = EffectiveLink(topology, perNode) == IntraNodeLink.Pcie && topology.IntraNode == IntraNodeLink.NvLinkBridge
            ? IntraNode(topology with { IntraNode = IntraNodeLink.Pcie }, 2, a)
            : IntraNode(topology, 2, a);
        if (nodes == 1)
        {
            var latency = a.NcclLaunchLatencyUs + pair.Link.StepLatencyUs;
            return Ramped(CollectiveOperation.SendRecv, gpuCount, size, latency, pair.PlateauGBps, "p2p", 1, a);
        }

        var (crossing, network) = NetworkPair(topology, a);
        var plateau = perNode > 1 ? Math.Min(pair.PlateauGBps, network) : network;
        return Ramped(CollectiveOperation.SendRecv, gpuCount, size, crossing, plateau, "p2p", nodes, a);
    }

    /// <summary>Latency (µs) and plateau (GB/s) of one NCCL point-to-point connection between GPUs on different nodes.</summary>
    private static (double LatencyUs, double PlateauGBps) NetworkPair(Topology topology, CommunicationAssumptions a) =>
        (a.NcclLaunchLatencyUs + a.Fabric(topology).StepLatencyUs, a.NetworkPeerToPeerShare * NetworkGBpsPerGpu(topology, a));

    private static CollectiveEstimate CustomAllReduce(Topology topology, int gpuCount, Bytes size, CommunicationAssumptions a)
    {
        var (_, plateau) = IntraNode(topology, gpuCount, a);
        var latencyUs = a.CustomAllReduceLaunchLatencyUs + a.CustomAllReducePerPeerLatencyUs * (gpuCount - 1);
        var oneShotMax = gpuCount <= 4 ? a.CustomAllReduceOneShotMaxBytesUpTo4 : a.CustomAllReduceOneShotMaxBytesUpTo8;
        var algorithm = gpuCount == 2 || size.Value < oneShotMax ? "one-shot" : "two-shot";
        return Result(
            CollectiveOperation.AllReduce, gpuCount, size, latencyUs, plateau, a.CustomAllReduceHalfBandwidthBytes,
            a.CustomAllReduceRampExponent, algorithm, 1, CollectiveImplementation.CustomAllReduce);
    }

    private static CollectiveEstimate Ramped(
        CollectiveOperation operation, int gpuCount, Bytes size, double latencyUs, double plateauGBps, string algorithm, int nodes, CommunicationAssumptions a) =>
        Result(operation, gpuCount, size, latencyUs, plateauGBps, HalfBandwidthBytes(latencyUs, plateauGBps, a), a.RampExponent, algorithm, nodes, CollectiveImplementation.Nccl);

    /// <summary>t = α + f·S / (B·η(S)), η(S) = 1 / (1 + (S½/S)^p); algbw = S/t, busbw = f·algbw.</summary>
    private static CollectiveEstimate Result(
        CollectiveOperation operation, int gpuCount, Bytes size, double latencyUs, double plateauGBps, double halfBytes,
        double rampExponent, string algorithm, int nodes, CollectiveImplementation implementation)
    {
        var factor = BusFactor(operation, gpuCount);
        var ramp = 1.0 / (1.0 + Math.Pow(halfBytes / size.Value, rampExponent));
        var latency = Seconds.FromMicroseconds(latencyUs);
        var time = latency + Seconds.From(factor * size.Value / (BytesPerSecond.FromGBps(plateauGBps).Value * ramp));
        var algbw = new BytesPerSecond(size.Value / time.Value);
        return new(time, algbw, algbw * factor, algorithm, nodes, implementation, latency);
    }

    /// <summary>S½ = κ·α·B: the bandwidth-delay product at which busbw reaches half its plateau.</summary>
    private static double HalfBandwidthBytes(double latencyUs, double plateauGBps, CommunicationAssumptions a) =>
        a.RampLatencyMultiple * latencyUs * 1e-6 * plateauGBps * 1e9;

    /// <summary>The intra-node link profile and its plateau busbw in GB/s for <paramref name="perNode"/> ranks of one node.</summary>
    /// <remarks>
    /// An NVLink bridge joins only a pair: beyond 2 ranks the ring crosses PCIe. A GPU without a scale-up fabric on an
    /// NVSwitch or XGMI topology (a caller error the edge rejects) is treated as PCIe. One rank per node has no
    /// intra-node leg, so its plateau is unbounded there.
    /// </remarks>
    private static (LinkProfile Link, double PlateauGBps) IntraNode(Topology topology, int perNode, CommunicationAssumptions a)
    {
        var interconnect = topology.Gpu.Interconnect;
        var link = EffectiveLink(topology, perNode);
        var profile = a.For(link, interconnect.ScaleUpGeneration);
        if (perNode == 1)
        {
            return (profile, double.PositiveInfinity);
        }

        var lineRate = link switch
        {
            IntraNodeLink.NvSwitch or IntraNodeLink.NvLinkBridge => interconnect.ScaleUpGBpsPerDirection!.Value,
            IntraNodeLink.Xgmi => interconnect.ScaleUpGBpsPerDirection!.Value * (perNode - 1) / Math.Max(1, topology.GpusPerNode - 1),
            _ => interconnect.PcieGBpsPerDirection,
        };
        return (profile, profile.BusBandwidthEfficiency * lineRate);
    }

    /// <summary>The link the ranks of one node actually use for a group of <paramref name="gpuCount"/> (a bridge beyond a pair is PCIe).</summary>
    public static IntraNodeLink LinkUsed(Topology topology, int gpuCount)
    {
        ArgumentNullException.ThrowIfNull(topology);
        return EffectiveLink(topology, topology.GpusPerNodeFor(gpuCount));
    }

    private static IntraNodeLink EffectiveLink(Topology topology, int perNode)
    {
        var interconnect = topology.Gpu.Interconnect;
        var hasNvLink = interconnect.ScaleUp == "nvlink" && interconnect.ScaleUpGBpsPerDirection is not null;
        var hasXgmi = interconnect.ScaleUp == "xgmi" && interconnect.ScaleUpGBpsPerDirection is not null;
        return topology.IntraNode switch
        {
            IntraNodeLink.NvSwitch when hasNvLink => IntraNodeLink.NvSwitch,
            IntraNodeLink.NvLinkBridge when hasNvLink && perNode <= 2 => IntraNodeLink.NvLinkBridge,
            IntraNodeLink.Xgmi when hasXgmi => IntraNodeLink.Xgmi,
            IntraNodeLink.PcieCrossSocket => IntraNodeLink.PcieCrossSocket,
            IntraNodeLink.PcieHostStaged => IntraNodeLink.PcieHostStaged,
            _ => IntraNodeLink.Pcie,
        };
    }

    private static bool SupportsNvls(Topology topology, CommunicationAssumptions a) =>
        EffectiveLink(topology, topology.GpusPerNode) == IntraNodeLink.NvSwitch
        && topology.Gpu.Interconnect.ScaleUpGeneration >= a.NvlsMinNvLinkGeneration;

    /// <summary>NVLS busbw gain over ring: none up to 4 ranks, the full 480/370 at 8, linear in between.</summary>
    private static double NvlsGain(int perNode, CommunicationAssumptions a)
    {
        var span = Math.Max(1, a.NvlsFullGainGpus - a.NvlsNoGainGpus);
        var share = Math.Clamp((double)(perNode - a.NvlsNoGainGpus) / span, 0.0, 1.0);
        return 1.0 + (a.NvlsFullNodeGain - 1.0) * share;
    }

    /// <summary>Ring steps (NVIDIA/nccl tuning.cc nsteps): all-reduce 2(n−1); all-gather, reduce-scatter and pairwise all-to-all n−1.</summary>
    private static int RingSteps(CollectiveOperation operation, int ranks) => operation == CollectiveOperation.AllReduce
        ? 2 * (ranks - 1)
        : ranks - 1;

    /// <summary>Network hops one way through NCCL's double binary tree over <paramref name="nodes"/> nodes: ⌈log2 m⌉ levels plus the one level the two trees are offset by, and never more than a chain's m − 1.</summary>
    /// <remarks>
    /// NCCL's own tuner charges ⌊log2 m⌋ (tuning.cc); the measured small-message floors need the extra level: 2×8 H20,
    /// 46.5 µs = 4 + 2 × (7 × 1 + 1 × 14) (nccl#1244); 4×8 B200, 32 KiB in ≈ 98 µs against 4 + 2 × (7 + 3 × 14) = 102 (stasnet-019).
    /// </remarks>
    private static int TreeDepth(int nodes) => Math.Min(nodes - 1, (nodes <= 1 ? 0 : (int)Math.Ceiling(Math.Log2(nodes))) + 1);

    private static string SingleLevelAlgorithm(CollectiveOperation operation) => operation switch
    {
        CollectiveOperation.AllToAll => "pairwise",
        _ => "ring",
    };

    private static bool CustomAllReduceApplies(
        CollectiveOperation operation, Topology topology, int gpuCount, Bytes size, CommunicationAssumptions a)
    {
        if (operation != CollectiveOperation.AllReduce || topology.NodesFor(gpuCount) != 1
            || gpuCount < 2 || gpuCount > a.CustomAllReduceMaxRanks || gpuCount % 2 != 0
            || size.Value > a.CustomAllReduceMaxBytes)
        {
            return false;
        }

        // vLLM custom_all_reduce.py: the kernel reads peers' buffers, so it needs P2P; on PCIe only a pair qualifies.
        var link = EffectiveLink(topology, gpuCount);
        return link is IntraNodeLink.NvSwitch or IntraNodeLink.Xgmi
            || (gpuCount == 2 && link != IntraNodeLink.PcieHostStaged);
    }
}
