using Sizing.Domain.Deployment;
using Sizing.Domain.Units;

namespace Sizing.Domain.Communication;

/// <summary>Alpha-beta estimates of NCCL-style collectives over a GPU topology.</summary>
/// <remarks>
/// <c>t = α + f·S / (B·η(S))</c> (docs/formulas.md §1.6): α is launch latency plus per-step latency for the steps of the
/// algorithm on each level; f the nccl-tests bus factor; B the plateau busbw of the slowest level; η the size ramp of
/// <see cref="CommunicationAssumptions"/>. A group that spans nodes is hierarchical: its plateau is the smaller of the
/// intra-node ring and the node's NICs, and its latency adds the inter-node steps.
/// </remarks>
public static class Collectives
{
    /// <summary>Estimates one collective of <paramref name="messageBytes"/> (the whole buffer, nccl-tests <c>size</c>) over <paramref name="gpuCount"/> ranks.</summary>
    public static CollectiveEstimate Estimate(
        CollectiveOperation operation,
        Topology topology,
        int gpuCount,
        Bytes messageBytes,
        CollectiveImplementation implementation = CollectiveImplementation.Nccl,
        CommunicationAssumptions? assumptions = null)
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

        return Nccl(operation, topology, gpuCount, messageBytes, a);
    }

    /// <summary>One tensor-parallel all-reduce as <paramref name="engine"/> performs it.</summary>
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

    /// <summary>The nccl-tests bus factor: busbw = algbw × factor.</summary>
    /// <remarks>NVIDIA/nccl-tests doc/PERFORMANCE.md: all-reduce 2(n−1)/n; all-gather, reduce-scatter, all-to-all (n−1)/n; send-recv 1.</remarks>
    public static double BusFactor(CollectiveOperation operation, int gpuCount) => operation switch
    {
        CollectiveOperation.AllReduce => 2.0 * (gpuCount - 1) / gpuCount,
        CollectiveOperation.SendRecv => 1.0,
        _ => (double)(gpuCount - 1) / gpuCount,
    };

    private static CollectiveEstimate Nccl(
        CollectiveOperation operation, Topology topology, int gpuCount, Bytes size, CommunicationAssumptions a)
    {
        var nodes = topology.NodesFor(gpuCount);
        var perNode = topology.GpusPerNodeFor(gpuCount);
        var (link, plateau) = IntraNode(topology, perNode, a);
        var latencyUs = a.NcclLaunchLatencyUs + link.StepLatencyUs * IntraNodeSteps(operation, perNode);
        string algorithm;

        if (nodes == 1)
        {
            if (operation == CollectiveOperation.AllReduce && SupportsNvls(topology, a))
            {
                plateau *= NvlsGain(perNode, a);
                algorithm = size.Value >= a.NvlsMinBytes && perNode > a.NvlsNoGainGpus ? "nvls" : "ring";
            }
            else
            {
                algorithm = SingleLevelAlgorithm(operation);
            }
        }
        else
        {
            var fabric = a.For(topology.InterNode);
            var nic = fabric.PerGpuGBps(perNode);
            var network = operation switch
            {
                CollectiveOperation.AllToAll => nic * (gpuCount - 1) / (gpuCount - perNode),
                CollectiveOperation.SendRecv => nic,
                _ => perNode * nic,
            };
            plateau = Math.Min(plateau, network);
            latencyUs += fabric.StepLatencyUs * InterNodeSteps(operation, nodes);
            algorithm = operation == CollectiveOperation.AllReduce
                ? (size.Value < HalfBandwidthBytes(latencyUs, plateau, a) ? "tree" : "hierarchical-ring")
                : SingleLevelAlgorithm(operation);
        }

        var halfBytes = HalfBandwidthBytes(latencyUs, plateau, a);
        return Result(operation, gpuCount, size, latencyUs, plateau, halfBytes, a.RampExponent, algorithm, nodes, CollectiveImplementation.Nccl);
    }

    private static CollectiveEstimate CustomAllReduce(Topology topology, int gpuCount, Bytes size, CommunicationAssumptions a)
    {
        var (_, plateau) = IntraNode(topology, gpuCount, a);
        var latencyUs = a.CustomAllReduceLaunchLatencyUs + a.CustomAllReducePerPeerLatencyUs * (gpuCount - 1);
        var algorithm = gpuCount == 2 || size.Value < a.CustomAllReduceOneShotMaxBytes ? "one-shot" : "two-shot";
        return Result(
            CollectiveOperation.AllReduce, gpuCount, size, latencyUs, plateau, a.CustomAllReduceHalfBandwidthBytes,
            a.CustomAllReduceRampExponent, algorithm, 1, CollectiveImplementation.CustomAllReduce);
    }

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

    /// <summary>Latency steps inside a node: ring all-reduce 2(n−1), other rings and pairwise exchanges n−1, send-recv 1.</summary>
    private static int IntraNodeSteps(CollectiveOperation operation, int perNode) => perNode <= 1 ? 0 : operation switch
    {
        CollectiveOperation.AllReduce => 2 * (perNode - 1),
        CollectiveOperation.SendRecv => 1,
        _ => perNode - 1,
    };

    /// <summary>
    /// Latency steps between nodes. All-reduce takes the cheaper of a ring (2(m−1) hops) and NCCL's double binary tree
    /// (2(⌈log2 m⌉ + 1) hops: up and down a tree whose two halves are offset by one level).
    /// </summary>
    private static int InterNodeSteps(CollectiveOperation operation, int nodes) => operation switch
    {
        CollectiveOperation.AllReduce => 2 * Math.Min(nodes - 1, CeilingLog2(nodes) + 1),
        CollectiveOperation.SendRecv => 1,
        _ => nodes - 1,
    };

    private static int CeilingLog2(int value) => value <= 1 ? 0 : (int)Math.Ceiling(Math.Log2(value));

    private static string SingleLevelAlgorithm(CollectiveOperation operation) => operation switch
    {
        CollectiveOperation.AllToAll => "pairwise",
        CollectiveOperation.SendRecv => "p2p",
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

        var link = EffectiveLink(topology, gpuCount);
        return link is IntraNodeLink.NvSwitch or IntraNodeLink.Xgmi || gpuCount == 2;
    }
}
