using System.Runtime.CompilerServices;
using Sizing.Domain.Deployment;
using Sizing.Domain.Fidelity;
using Sizing.Domain.Performance;

namespace Sizing.Domain.Communication;

/// <summary>
/// The fitted, measured and assumed constants of the collective model. Every value names its basis and source;
/// <see cref="Default"/> is what the service uses, and callers may pass a modified copy (<c>Default with { ... }</c>) to
/// explore other hardware. The initialisers of fitted constants (<see cref="FittedParameters"/>) are priors: every value
/// read off a row the fidelity program scores is refitted there, so cross-validation can hold that row's source out.
/// </summary>
/// <remarks>
/// The model is alpha-beta with a size ramp: <c>t = α + f·S / (B·η(S))</c>, where α = launch + steps × step latency,
/// f is the nccl-tests bus factor, B the plateau busbw of the slowest level, and
/// <c>η(S) = 1 / (1 + (S½ / S)^p)</c> with the half-bandwidth size <c>S½ = κ·α·B</c> (a bandwidth-delay product).
/// κ and p are fitted to the NVSwitch rows of the measured sets (stas00/ml-engineering 8×H200 and 4×8 B200 busbw curves among them).
/// </remarks>
public sealed record CommunicationAssumptions
{
    /// <summary>The constants the service uses.</summary>
    public static CommunicationAssumptions Default => EstimatorAssumptions.Default.Communication;

    /// <summary>Fixed cost of one NCCL collective (kernel launch, first synchronisation), µs.</summary>
    /// <remarks>Prior 5 µs; fitted (nccl#1259: 2×H100 NVLSTree with CUDA graphs ≈ 6 µs = launch + 2 steps).</remarks>
    public double NcclLaunchLatencyUs { get; init; } = 5.0;

    /// <summary>NVSwitch (HGX/DGX): step latency prior 1.5 µs, fitted; ring busbw plateau 370 of 450 GB/s NVLink4 line rate (measured).</summary>
    /// <remarks>
    /// Efficiency: sjeaugey in nccl-tests#212, "450GB/s is the line rate… NCCL can get an effective NVLink bandwidth of 370GB/s".
    /// </remarks>
    public LinkProfile NvSwitch { get; init; } = new(1.5, 370.0 / 450.0);

    /// <summary>NVLink bridge pair of NVLink3 (Ampere) GPUs: 1 µs per step [A]; efficiency prior 0.75, fitted (nccl-tests#178: 208 of 300 GB/s).</summary>
    public LinkProfile NvLinkBridgeAmpere { get; init; } = new(1.0, 0.75);

    /// <summary>NVLink bridge pair of NVLink4 (H100 PCIe / H100 NVL) GPUs: 1 µs per step [A]; efficiency prior 0.75, fitted
    /// (nccl-tests#194: busbw 115.4–116.3 of 300 GB/s at 1–4 GiB).</summary>
    public LinkProfile NvLinkBridgeHopper { get; init; } = new(1.0, 0.75);

    /// <summary>PCIe peer-to-peer under one socket: 2.7 µs per step (measured); efficiency prior 0.75, fitted.</summary>
    /// <remarks>
    /// Step: nccl#1530, 8×RTX 4090 tree all-reduce of 8 B = 42.6 µs ≈ 4 µs + 14 × 2.7 µs. Efficiency: tinygrad
    /// tinybox 6×RTX 4090 (P2P driver) reads 32 MiB busbw 24.6 GB/s on Gen4 (32 GB/s).
    /// </remarks>
    public LinkProfile Pcie { get; init; } = new(2.7, 0.75);

    /// <summary>PCIe across CPU sockets (topo SYS): 3.5 µs per step [A]; efficiency prior 0.6, fitted.</summary>
    /// <remarks>nccl-tests#178 (as recorded in gpus.json): A100 pair across sockets ≈ 20 GB/s busbw on Gen4.</remarks>
    public LinkProfile PcieCrossSocket { get; init; } = new(3.5, 0.6);

    /// <summary>AMD XGMI full mesh: 1.5 µs per step [A]; 72 % of the per-peer links a rank's group can use.</summary>
    /// <remarks>
    /// ml-engineering (gpus.json): RCCL busbw 47.7 GB/s at 2 and 312.9 GB/s at 8 MI300X; per-peer link 64 GB/s, 7 peers.
    /// The plateau is efficiency × scale-up rate × (n−1)/(GPUs per node − 1); step latency [A].
    /// </remarks>
    public LinkProfile Xgmi { get; init; } = new(1.5, 0.72);

    /// <summary>PCIe without peer-to-peer, staged through host memory: 2.7 µs per step [A], 30 % of the x16 line rate [A].</summary>
    /// <remarks>
    /// NCCL's SHM transport: the sender writes into pinned host memory, the receiver reads it back, so every byte crosses
    /// the root complex twice (NCCL env docs, NCCL_SHM_DISABLE). Small-message steps cost about what P2P steps do: 2×/4×
    /// RTX 4090 on the stock driver, 8 B in 9.0 / 18.9 µs (kalavai-001/013) ≈ 4 µs + 2 / 6 × 2.5 µs. No public run with
    /// the transport stated gives the plateau; the 30 % is an assumption that sits above what containers on consumer
    /// boards show (2.2–3.9 GB/s of 32, kalavai-012/036) and at a cross-socket L40S pair's 9.6 GB/s (schmlds-024).
    /// </remarks>
    public LinkProfile PcieHostStaged { get; init; } = new(2.7, 0.30);

    /// <summary>NVLS (NVLink SHARP) all-reduce busbw over ring at 8 GPUs: 480 / 370.</summary>
    /// <remarks>nccl-tests#212 and nccl#1455: ≈480 GB/s NVLS at 8 H100; 8×H200 475–482 (nccl-tests#272, stasnet-018).</remarks>
    public double NvlsFullNodeGain { get; init; } = 480.0 / 370.0;

    /// <summary>Group size at and below which NVLS gains nothing over ring.</summary>
    /// <remarks>nccl#1455: "NVLS 4 GPUs busbw same as Ring ~365-370". Linear between this and <see cref="NvlsFullGainGpus"/> [A].</remarks>
    public int NvlsNoGainGpus { get; init; } = 4;

    /// <summary>Group size at which NVLS reaches <see cref="NvlsFullNodeGain"/>.</summary>
    public int NvlsFullGainGpus { get; init; } = 8;

    /// <summary>Oldest NVLink generation whose NVSwitch does NVLink SHARP (Hopper = 4).</summary>
    public int NvlsMinNvLinkGeneration { get; init; } = 4;

    /// <summary>Size from which NCCL picks NVLS rather than ring LL/LL128 (reported algorithm only).</summary>
    /// <remarks>stas00/ml-engineering results file: "Ring/LL &lt;=1 MiB, NVLS/SIMPLE &gt;=2 MiB".</remarks>
    public long NvlsMinBytes { get; init; } = 2L << 20;

    /// <summary>κ: the half-bandwidth size as a multiple of α × plateau busbw.</summary>
    /// <remarks>Prior 1; fitted (8×H200 stasnet curve: S½ ≈ 18 µs × 480 GB/s ≈ 8.6 MB).</remarks>
    public double RampLatencyMultiple { get; init; } = 1.0;

    /// <summary>p: steepness of the ramp η(S) = 1 / (1 + (S½/S)^p); must stay ≤ 1 so time grows with size.</summary>
    /// <remarks>Prior 0.7; fitted to the same rows.</remarks>
    public double RampExponent { get; init; } = 0.7;

    /// <summary>InfiniBand NDR, one 400 Gb/s NIC per GPU (measured); step latency prior 10 µs [A] and efficiency prior 0.85 [A], fitted.</summary>
    /// <remarks>
    /// NICs: DGX/HGX H100 and B200 carry eight ConnectX-7 400 Gb/s ports for the compute fabric, one per GPU. Among the rows
    /// the step and efficiency are fitted to: nccl#1244 (2×8 H20 over CX7 NDR with NVLSTree, tiny all-reduce 46.5 µs) and the
    /// 4×8 B200 curve (stasnet-027: all-reduce busbw 377 GB/s at 16 GiB = 8 × 47 GB/s per NIC).
    /// </remarks>
    public FabricProfile InfiniBandNdr { get; init; } = new(10.0, 400.0, null, 0.85);

    /// <summary>InfiniBand HDR, one 200 Gb/s NIC per GPU (measured); step latency and efficiency as NDR's fit [A].</summary>
    /// <remarks>NICs: DGX A100 carries eight ConnectX-6 HDR 200 Gb/s ports for the compute fabric. Step and efficiency are set
    /// with NDR's (<see cref="FittedParameters"/>): no row measures HDR alone.</remarks>
    public FabricProfile InfiniBandHdr { get; init; } = new(10.0, 200.0, null, 0.85);

    /// <summary>RoCE v2, one 400 Gb/s NIC per GPU [A]; step latency prior 16 µs [A] and efficiency prior 0.85 [A], fitted.</summary>
    /// <remarks>
    /// Ring runs with unstated NIC speeds land at 0.87–0.92 of 8 × 400 Gb/s (128×8 H100, ncclt322-010; 2–8×8 MI325X,
    /// hisorccl-030…040), i.e. at or above the prior if their NICs are 400 Gb/s.
    /// </remarks>
    public FabricProfile Roce { get; init; } = new(16.0, 400.0, null, 0.85);

    /// <summary>AWS EFA: p5.48xlarge shape, 32 × 100 Gb/s per node (measured); 16 µs per step (measured prior), efficiency prior 0.85 [A]; both fitted.</summary>
    /// <remarks>
    /// NICs: AWS EC2 docs, p5.48xlarge 3200 Gb/s over 32 EFA network cards. Step prior: dstack#3961, 2 × p6-b200 (EFA v4) 8 B
    /// all-reduce 50.6 µs ≈ 18 µs inside the nodes + 2 × 16 µs. The efficiency is fitted to nccl#527 (p4d, 4 × 100 Gb/s EFA
    /// v1, NCCL 2.9: ring busbw 31.8 and 29.6 of 50 GB/s at 3 and 4 nodes), the only bandwidth-bound EFA run found; newer EFA
    /// generations may do better.
    /// </remarks>
    public FabricProfile Efa { get; init; } = new(16.0, 100.0, 32, 0.85);

    /// <summary>GPUDirect-TCPX (GCP A3 High): 4 × 200 Gb/s per node (measured); step latency prior 30 µs [A] and efficiency prior 0.85 [A], fitted.</summary>
    /// <remarks>
    /// NICs: A3 High gives the GPUs four 200 Gb/s NICs (eth1–eth4 in the GKE nccl-test chart, gcpa3 rows). Step and efficiency
    /// are fitted with TCPXO's to the GCP rows (gcpa3: NCCL_ALGO=Ring at 8 GiB, busbw 89.5 of 100 GB/s; a3mega: 2×8 H100 8 B
    /// all-reduce 135.8 µs, 2-node tree 338.8 GB/s).
    /// </remarks>
    public FabricProfile Tcpx { get; init; } = new(30.0, 200.0, 4, 0.85);

    /// <summary>GPUDirect-TCPXO (GCP A3 Mega): 8 × 200 Gb/s per node (measured); step latency and efficiency as <see cref="Tcpx"/>'s fit [A].</summary>
    public FabricProfile Tcpxo { get; init; } = new(30.0, 200.0, 8, 0.85);

    /// <summary>Plain Ethernet over NCCL sockets: one 100 GbE NIC per node [A]; step latency prior 30 µs [A] and efficiency prior 0.7 [A], fitted.</summary>
    public FabricProfile Ethernet { get; init; } = new(30.0, 100.0, 1, 0.70);

    /// <summary>Share of the intra-node ring bandwidth NCCL's (non-NVLS) tree all-reduce reaches inside a node.</summary>
    /// <remarks>NVIDIA/nccl src/graph/tuning.cc @5067397c: "if (a == NCCL_ALGO_TREE &amp;&amp; coll == ncclFuncAllReduce) busBw = std::min(busBw * .92, ...)".</remarks>
    public double TreeIntraNodeShare { get; init; } = 0.92;

    /// <summary>Most a node moves through NCCL's socket transport (no RDMA), GB/s per direction [A].</summary>
    /// <remarks>
    /// NCCL env docs: NCCL_SOCKET_NTHREADS and NCCL_NSOCKS_PERTHREAD default to 1 outside AWS/GCP, so each connection is
    /// one TCP stream driven by one CPU thread, whatever the NIC. 10 GB/s is an assumption; the one run found, 2 × L40S over
    /// sockets on a 400 GbE card, plateaus at 8.1 GB/s (schmlds-012).
    /// </remarks>
    public double SocketTransportMaxGBps { get; init; } = 10.0;

    /// <summary>Share of a GPU's network bandwidth one NCCL point-to-point connection reaches (send-recv across nodes).</summary>
    /// <remarks>
    /// Prior 1 [A] (a peer connection as fast as a collective); fitted to the send-recv rows that span nodes. One cluster shows
    /// the gap: 10 nodes × 1 H100, sendrecv_perf busbw 24.9 GB/s (xxrjun1-018) against 48.9 GB/s for all_reduce_perf on the
    /// same NICs (xxrjun1-006): NCCL spreads a peer connection over few channels (NCCL_NCHANNELS_PER_NET_PEER), a collective
    /// over all of them.
    /// </remarks>
    public double NetworkPeerToPeerShare { get; init; } = 1.0;

    /// <summary>Fixed cost of one custom all-reduce kernel, µs.</summary>
    /// <remarks>Prior 5 µs; fitted to the custom-kernel rows (sglang PR #2904, H100 without CUDA graphs: 3.7 µs for the optimised
    /// kernel at 2 ranks, 9.5 µs for the older vLLM kernel).</remarks>
    public double CustomAllReduceLaunchLatencyUs { get; init; } = 5.0;

    /// <summary>Extra custom all-reduce latency per peer rank, µs (barrier flags written to every peer).</summary>
    /// <remarks>Prior 0.5 µs; fitted (sglang PR #2904: 512 B optimised 3.7 / 4.8 / 5.9 µs at 2 / 4 / 8 ranks).</remarks>
    public double CustomAllReducePerPeerLatencyUs { get; init; } = 0.5;

    /// <summary>Half-bandwidth size of the custom kernel: it reaches half the NVLink ring plateau only here.</summary>
    /// <remarks>Prior 16 MiB; fitted (sglang PR #2904: ≈ 60 GB/s busbw at 256 KiB–1 MiB for 2–8 ranks, far below plateau).</remarks>
    public long CustomAllReduceHalfBandwidthBytes { get; init; } = 16L << 20;

    /// <summary>Ramp steepness of the custom kernel (prior 0.5; fitted).</summary>
    public double CustomAllReduceRampExponent { get; init; } = 0.5;

    /// <summary>Largest buffer engines send through the custom kernel.</summary>
    /// <remarks>vLLM <c>CustomAllreduce(max_size=8192 * 1024)</c>; SGLang uses the same default.</remarks>
    public long CustomAllReduceMaxBytes { get; init; } = 8L << 20;

    /// <summary>Largest world size the custom kernel supports.</summary>
    /// <remarks>vLLM <c>_SUPPORTED_WORLD_SIZES = [2, 4, 6, 8]</c>.</remarks>
    public int CustomAllReduceMaxRanks { get; init; } = 8;

    /// <summary>Buffers below this use the one-shot kernel on 3–4 ranks; larger ones the two-shot kernel.</summary>
    /// <remarks>vLLM csrc/custom_all_reduce.cuh @c9eabec7: one-shot when world_size ≤ 4 and bytes &lt; 512 KiB, or world_size ≤ 8 and bytes &lt; 256 KiB; always one-shot at 2 ranks.</remarks>
    public long CustomAllReduceOneShotMaxBytesUpTo4 { get; init; } = 512L << 10;

    /// <summary>Buffers below this use the one-shot kernel on 5–8 ranks.</summary>
    /// <remarks>vLLM csrc/custom_all_reduce.cuh @c9eabec7 (see <see cref="CustomAllReduceOneShotMaxBytesUpTo4"/>).</remarks>
    public long CustomAllReduceOneShotMaxBytesUpTo8 { get; init; } = 256L << 10;

    /// <summary>What each tensor-parallel all-reduce costs inside a serving engine beyond the isolated call, µs [A].</summary>
    /// <remarks>
    /// Inside an engine the collective is a barrier: its kernel starts when its own rank arrives and ends when the last rank
    /// does, so it absorbs the ranks' skew (launch jitter, uneven kernels before it), and the fused residual/norm and
    /// graph nodes around it. vllm#52911 traces show in-engine all-reduce kernels of 10.5–77 µs with 45–68 µs arrival gaps
    /// (MoE layers on ROCm); ai-dynamo/aiconfigurator#1062 found a ≈15 µs per-call floor in TensorRT-LLM all-reduce data;
    /// the isolated kernel takes 3.7–5.9 µs (sglang#2904). 10 µs is an assumption until serving rows calibrate it (the step
    /// model owns that fit); it does not shrink with TP.
    /// </remarks>
    public double InEngineAllReduceOverheadUs { get; init; } = 10.0;

    /// <summary>The profile of an intra-node link type (NVLink bridges by generation).</summary>
    public LinkProfile For(IntraNodeLink link, int? nvLinkGeneration) => link switch
    {
        IntraNodeLink.NvSwitch => NvSwitch,
        IntraNodeLink.NvLinkBridge => nvLinkGeneration >= 4 ? NvLinkBridgeHopper : NvLinkBridgeAmpere,
        IntraNodeLink.PcieCrossSocket => PcieCrossSocket,
        IntraNodeLink.Xgmi => Xgmi,
        IntraNodeLink.PcieHostStaged => PcieHostStaged,
        _ => Pcie,
    };

    /// <summary>A copy with <paramref name="link"/>'s fabric profile replaced.</summary>
    public CommunicationAssumptions With(InterNodeLink link, FabricProfile profile) => link switch
    {
        InterNodeLink.InfiniBandHdr => this with { InfiniBandHdr = profile },
        InterNodeLink.Roce => this with { Roce = profile },
        InterNodeLink.Efa => this with { Efa = profile },
        InterNodeLink.Tcpx => this with { Tcpx = profile },
        InterNodeLink.Tcpxo => this with { Tcpxo = profile },
        InterNodeLink.Ethernet => this with { Ethernet = profile },
        _ => this with { InfiniBandNdr = profile },
    };

    /// <summary>The profile of an inter-node fabric class (<c>infiniband</c> is the NDR class).</summary>
    public FabricProfile For(InterNodeLink link) => link switch
    {
        InterNodeLink.InfiniBandHdr => InfiniBandHdr,
        InterNodeLink.Roce => Roce,
        InterNodeLink.Efa => Efa,
        InterNodeLink.Tcpx => Tcpx,
        InterNodeLink.Tcpxo => Tcpxo,
        InterNodeLink.Ethernet => Ethernet,
        _ => InfiniBandNdr,
    };

    /// <summary>The fabric of <paramref name="topology"/>: its class, with the NIC count and rate the deployment names.</summary>
    public FabricProfile Fabric(Topology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var profile = For(topology.InterNode);
        if (topology.NicsPerNode is null && topology.NicGbps is null)
        {
            return profile;
        }

        return profile with
        {
            NicsPerNode = topology.NicsPerNode ?? profile.NicsPerNode,
            NicGbps = topology.NicGbps ?? profile.NicGbps,
        };
    }

    /// <summary>The constants an estimate on <paramref name="topology"/> uses: the shared ones, its intra-node link's, and its fabric's when the group spans nodes.</summary>
    public IEnumerable<Assumption> Concerning(Topology topology, bool spansNodes)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var intra = IntraKey(topology.IntraNode, topology.Gpu.Interconnect.ScaleUpGeneration);
        var fabric = FabricKey(topology.InterNode);
        return Assumptions.Where(a => a.Name.Split('.') is var parts && (parts.Length < 3 || !(LinkKeys.Contains(parts[1]) || FabricKeys.Contains(parts[1]))
            || parts[1] == intra || (spansNodes && parts[1] == fabric)));
    }

    private static readonly string[] LinkKeys = ["nvswitch", "nvlink-bridge-ampere", "nvlink-bridge-hopper", "pcie", "pcie-cross-socket", "pcie-host-staged", "xgmi"];

    private static readonly string[] FabricKeys = ["infiniband-ndr", "infiniband-hdr", "roce", "efa", "tcpx", "tcpxo", "ethernet"];

    private static string IntraKey(IntraNodeLink link, int? nvLinkGeneration) => link switch
    {
        IntraNodeLink.NvLinkBridge => nvLinkGeneration >= 4 ? "nvlink-bridge-hopper" : "nvlink-bridge-ampere",
        _ => EnumText.Of(link),
    };

    /// <summary>The name a fabric class's constants are reported under (<c>communication.{key}.…</c>).</summary>
    public static string FabricKey(InterNodeLink link) => link == InterNodeLink.InfiniBand ? "infiniband-ndr" : EnumText.Of(link);

    /// <summary>Every constant with its value, unit, basis and source, for reporting next to an estimate; built once per instance
    /// (a search reports them with every plan).</summary>
    public IReadOnlyList<Assumption> Assumptions => Described.GetValue(this, static a => a.Build());

    private static readonly ConditionalWeakTable<CommunicationAssumptions, IReadOnlyList<Assumption>> Described = [];

    private IReadOnlyList<Assumption> Build() =>
    [
        Fitted("communication.nccl.launch-latency", NcclLaunchLatencyUs),
        Fitted("communication.nvswitch.step-latency", NvSwitch.StepLatencyUs),
        Measured("communication.nvswitch.busbw-efficiency", NvSwitch.BusBandwidthEfficiency, "fraction of line rate", "nccl-tests#212 (sjeaugey): NCCL reaches 370 of the 450 GB/s NVLink4 line rate"),
        Assumed("communication.nvlink-bridge-ampere.step-latency", NvLinkBridgeAmpere.StepLatencyUs, "us", "as NVSwitch's step [A]"),
        Fitted("communication.nvlink-bridge-ampere.busbw-efficiency", NvLinkBridgeAmpere.BusBandwidthEfficiency),
        Assumed("communication.nvlink-bridge-hopper.step-latency", NvLinkBridgeHopper.StepLatencyUs, "us", "as NVSwitch's step [A]"),
        Fitted("communication.nvlink-bridge-hopper.busbw-efficiency", NvLinkBridgeHopper.BusBandwidthEfficiency),
        Measured("communication.pcie.step-latency", Pcie.StepLatencyUs, "us", "nccl#1530: 8xRTX 4090 tree all-reduce of 8 B in 42.6 us = 4 + 14 steps"),
        Fitted("communication.pcie.busbw-efficiency", Pcie.BusBandwidthEfficiency),
        Assumed("communication.pcie-cross-socket.step-latency", PcieCrossSocket.StepLatencyUs, "us", "[A] a socket hop adds about 1 us to a PCIe step"),
        Fitted("communication.pcie-cross-socket.busbw-efficiency", PcieCrossSocket.BusBandwidthEfficiency),
        Assumed("communication.xgmi.step-latency", Xgmi.StepLatencyUs, "us", "[A] between NVLink's and PCIe's"),
        Fitted("communication.xgmi.busbw-efficiency", Xgmi.BusBandwidthEfficiency),
        Assumed("communication.pcie-host-staged.step-latency", PcieHostStaged.StepLatencyUs, "us", "[A] NCCL SHM transport through host memory; 8 B steps ~2.5 us (kalavai 2x/4x RTX 4090, whose rows state no transport)"),
        Assumed("communication.pcie-host-staged.busbw-efficiency", PcieHostStaged.BusBandwidthEfficiency, "fraction of line rate", "[A] every byte crosses the root complex twice; no measured row states this transport"),
        Measured("communication.nvls.full-node-gain", NvlsFullNodeGain, "ratio", "nccl-tests#212, nccl#1455: 480 NVLS / 370 ring at 8 GPUs"),
        Measured("communication.nvls.no-gain-gpus", NvlsNoGainGpus, "gpus", "nccl#1455: NVLS at 2-4 GPUs ~ ring"),
        Assumed("communication.nvls.full-gain-gpus", NvlsFullGainGpus, "gpus", "full gain at a full 8-GPU node, linear from 4 [A]"),
        Measured("communication.nvls.min-nvlink-generation", NvlsMinNvLinkGeneration, "generation", "NVLink SHARP needs Hopper-class NVSwitch"),
        Measured("communication.nvls.min-bytes", NvlsMinBytes, "bytes", "ml-engineering results: Ring/LL <= 1 MiB, NVLS >= 2 MiB"),
        Fitted("communication.ramp.latency-multiple", RampLatencyMultiple),
        Fitted("communication.ramp.exponent", RampExponent),
        .. Fabric(InterNodeLink.InfiniBand, InfiniBandNdr, AssumptionBasis.Measured, "NICs: DGX H100/B200 8x ConnectX-7 400G, one per GPU"),
        .. Fabric(InterNodeLink.InfiniBandHdr, InfiniBandHdr, AssumptionBasis.Measured, "NICs: DGX A100 8x ConnectX-6 HDR 200G, one per GPU"),
        .. Fabric(InterNodeLink.Roce, Roce, AssumptionBasis.Assumption, "[A] planning NICs: 400 GbE RoCE v2 per GPU"),
        .. Fabric(InterNodeLink.Efa, Efa, AssumptionBasis.Measured, "NICs: AWS EC2 docs, p5.48xlarge 3200 Gb/s over 32 EFA cards"),
        .. Fabric(InterNodeLink.Tcpx, Tcpx, AssumptionBasis.Measured, "NICs: GCP A3 High, 4x200G for the GPUs"),
        .. Fabric(InterNodeLink.Tcpxo, Tcpxo, AssumptionBasis.Measured, "NICs: GCP A3 Mega, 8x200G for the GPUs"),
        .. Fabric(InterNodeLink.Ethernet, Ethernet, AssumptionBasis.Assumption, "[A] planning NICs: NCCL sockets over one 100 GbE NIC per node"),
        Measured("communication.tree.intra-node-share", TreeIntraNodeShare, "ratio", "NVIDIA/nccl tuning.cc: tree all-reduce busBw x .92"),
        Assumed("communication.sockets.max-throughput", SocketTransportMaxGBps, "GB/s", "[A] one TCP stream per connection by default (NCCL_SOCKET_NTHREADS, NCCL_NSOCKS_PERTHREAD = 1); schmlds-012 2x L40S over sockets 8.1 GB/s"),
        Fitted("communication.p2p.network-share", NetworkPeerToPeerShare),
        Fitted("communication.custom-allreduce.launch-latency", CustomAllReduceLaunchLatencyUs),
        Fitted("communication.custom-allreduce.per-peer-latency", CustomAllReducePerPeerLatencyUs),
        Fitted("communication.custom-allreduce.half-bandwidth-size", CustomAllReduceHalfBandwidthBytes),
        Fitted("communication.custom-allreduce.ramp-exponent", CustomAllReduceRampExponent),
        Measured("communication.custom-allreduce.max-bytes", CustomAllReduceMaxBytes, "bytes", "vLLM CustomAllreduce max_size = 8 MiB"),
        Measured("communication.custom-allreduce.max-ranks", CustomAllReduceMaxRanks, "gpus", "vLLM _SUPPORTED_WORLD_SIZES = [2, 4, 6, 8]"),
        Measured("communication.custom-allreduce.one-shot-max-bytes-4", CustomAllReduceOneShotMaxBytesUpTo4, "bytes", "vLLM csrc/custom_all_reduce.cuh @c9eabec7: one-shot below 512 KiB up to 4 ranks"),
        Measured("communication.custom-allreduce.one-shot-max-bytes-8", CustomAllReduceOneShotMaxBytesUpTo8, "bytes", "vLLM csrc/custom_all_reduce.cuh @c9eabec7: one-shot below 256 KiB up to 8 ranks"),
        Assumed("communication.in-engine.all-reduce-overhead", InEngineAllReduceOverheadUs, "us", "[A] rank skew and fused work absorbed per in-engine all-reduce: vllm#52911 10.5-77 us in-engine kernels, aiconfigurator#1062 ~15 us floor, vs 3.7-5.9 us isolated (sglang#2904)"),
    ];

    private static Assumption Fitted(string key, double value) => FittedParameters.Find(key)!.Describe(value);

    private static Assumption Measured(string name, double value, string unit, string source) => new(name, value, unit, AssumptionBasis.Measured, source);

    private static Assumption Assumed(string name, double value, string unit, string source) => new(name, value, unit, AssumptionBasis.Assumption, source);

    /// <summary>A fabric class's constants: step latency and efficiency from the registry (HDR shares NDR's, TCPXO TCPX's), its NICs as the class states them.</summary>
    private static Assumption[] Fabric(InterNodeLink link, FabricProfile profile, AssumptionBasis nicBasis, string nicSource)
    {
        var name = FabricKey(link);
        var fitted = FittedParameters.FabricParameterKey(link);
        return
        [
            FittedParameters.Find($"communication.{fitted}.step-latency")!.Describe(profile.StepLatencyUs, $"communication.{name}.step-latency"),
            new($"communication.{name}.nic-line-rate", profile.NicGbps, "Gb/s", nicBasis, nicSource),
            new($"communication.{name}.nics-per-node", profile.NicsPerNode ?? 0, "nics (0 = one per GPU)", nicBasis, nicSource),
            FittedParameters.Find($"communication.{fitted}.efficiency")!.Describe(profile.Efficiency, $"communication.{name}.efficiency"),
        ];
    }
}
