using Sizing.Domain.Deployment;

namespace Sizing.Domain.Communication;

/// <summary>
/// The fitted and assumed constants of the collective model. Every value names its source; <see cref="Default"/> is
/// what the service uses, and callers may pass a modified copy (<c>Default with { ... }</c>) to explore other hardware.
/// </summary>
/// <remarks>
/// The model is alpha-beta with a size ramp: <c>t = α + f·S / (B·η(S))</c>, where α = launch + steps × step latency,
/// f is the nccl-tests bus factor, B the plateau busbw of the slowest level, and
/// <c>η(S) = 1 / (1 + (S½ / S)^p)</c> with the half-bandwidth size <c>S½ = κ·α·B</c> (a bandwidth-delay product).
/// κ and p were fitted to the stas00/ml-engineering 8×H200 busbw curve (32 KiB … 16 GiB) and the 4×8 B200 curve.
/// </remarks>
public sealed record CommunicationAssumptions
{
    /// <summary>The constants the service uses.</summary>
    public static CommunicationAssumptions Default { get; } = new();

    /// <summary>Fixed cost of one NCCL collective (kernel launch, first synchronisation), µs.</summary>
    /// <remarks>nccl#1259: 2×H100 NVLSTree with CUDA graphs ≈ 6 µs = launch + 2 steps of 1 µs.</remarks>
    public double NcclLaunchLatencyUs { get; init; } = 4.0;

    /// <summary>NVSwitch (HGX/DGX): 1 µs per step; ring busbw plateau 370 of 450 GB/s NVLink4 line rate.</summary>
    /// <remarks>
    /// Step: 8×H200 32 KiB all-reduce ≈ 17.9 µs (stasnet-002, nccl-tests) = 4 µs + 14 ring steps. Efficiency: sjeaugey in
    /// nccl-tests#212, "450GB/s is the line rate… NCCL can get an effective NVLink bandwidth of 370GB/s".
    /// </remarks>
    public LinkProfile NvSwitch { get; init; } = new(1.0, 370.0 / 450.0);

    /// <summary>NVLink bridge pair of NVLink3 (Ampere) GPUs: 208 of 300 GB/s.</summary>
    /// <remarks>nccl-tests#178: A100 pair on NV12, busbw 208 GB/s.</remarks>
    public LinkProfile NvLinkBridgeAmpere { get; init; } = new(1.0, 208.0 / 300.0);

    /// <summary>NVLink bridge pair of NVLink4 (H100 PCIe / H100 NVL) GPUs: 116 of 300 GB/s.</summary>
    /// <remarks>nccl-tests#194: 2×H100 PCIe with NVLink bridge, busbw 115.4–116.3 GB/s at 1–4 GiB.</remarks>
    public LinkProfile NvLinkBridgeHopper { get; init; } = new(1.0, 116.0 / 300.0);

    /// <summary>PCIe peer-to-peer under one socket: 2.7 µs per step, 80 % of the x16 line rate.</summary>
    /// <remarks>
    /// Step: nccl#1530, 8×RTX 4090 tree all-reduce of 8 B = 42.6 µs ≈ 4 µs + 14 × 2.7 µs. Efficiency: tinygrad
    /// tinybox 6×RTX 4090 (P2P driver) 32 MiB busbw 24.6 GB/s on Gen4 (32 GB/s) near the plateau.
    /// </remarks>
    public LinkProfile Pcie { get; init; } = new(2.7, 0.80);

    /// <summary>PCIe across CPU sockets (topo SYS): 3.5 µs per step [A], 62.5 % of the x16 line rate.</summary>
    /// <remarks>nccl-tests#178 (as recorded in gpus.json): A100 pair across sockets ≈ 20 GB/s busbw on Gen4; step latency [A].</remarks>
    public LinkProfile PcieCrossSocket { get; init; } = new(3.5, 0.625);

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
    /// <remarks>Fitted: 8×H200 stasnet curve (S½ ≈ 18 µs × 480 GB/s ≈ 8.6 MB) and 4×8 B200 curve (≈ 100 µs × 377 GB/s).</remarks>
    public double RampLatencyMultiple { get; init; } = 1.0;

    /// <summary>p: steepness of the ramp η(S) = 1 / (1 + (S½/S)^p); must stay ≤ 1 so time grows with size.</summary>
    /// <remarks>Fitted to the same curves (busbw within 5 % at 16 MiB … 16 GiB on 8×H200).</remarks>
    public double RampExponent { get; init; } = 0.6;

    /// <summary>InfiniBand NDR, one 400 Gb/s NIC per GPU: 14 µs per inter-node step, 94 % of line rate.</summary>
    /// <remarks>
    /// NICs: DGX/HGX H100 and B200 carry eight ConnectX-7 400 Gb/s ports for the compute fabric, one per GPU. Step:
    /// nccl#1244, 2×8 H20 over CX7 NDR with NVLSTree, tiny all-reduce 46.5 µs ≈ 4 µs + 2 × 7 × 1 µs + 2 × 14 µs. Efficiency:
    /// 4×8 B200 all-reduce busbw 377 GB/s at 16 GiB (stasnet-027) = 8 × 47 GB/s per NIC.
    /// </remarks>
    public FabricProfile InfiniBandNdr { get; init; } = new(14.0, 400.0, null, 0.94);

    /// <summary>InfiniBand HDR, one 200 Gb/s NIC per GPU: NDR's step latency and efficiency [A].</summary>
    /// <remarks>NICs: DGX A100 carries eight ConnectX-6 HDR 200 Gb/s ports for the compute fabric. Step and efficiency as NDR [A].</remarks>
    public FabricProfile InfiniBandHdr { get; init; } = new(14.0, 200.0, null, 0.94);

    /// <summary>RoCE v2, one 400 Gb/s NIC per GPU: 16 µs per step [A], 85 % of line rate [A].</summary>
    /// <remarks>
    /// Planning values. Ring runs with unstated NIC speeds land at 0.87–0.92 of 8 × 400 Gb/s (128×8 H100, ncclt322-010;
    /// 2–8×8 MI325X, hisorccl-030…040), i.e. at or above this assumption if their NICs are 400 Gb/s.
    /// </remarks>
    public FabricProfile Roce { get; init; } = new(16.0, 400.0, null, 0.85);

    /// <summary>AWS EFA: p5.48xlarge shape, 32 × 100 Gb/s per node; 16 µs per step; 62 % of line rate.</summary>
    /// <remarks>
    /// NICs: AWS EC2 docs, p5.48xlarge 3200 Gb/s over 32 EFA network cards. Step: dstack#3961, 2 × p6-b200 (EFA v4) 8 B
    /// all-reduce 50.6 µs ≈ 18 µs inside the nodes + 2 × 16 µs. Efficiency: nccl#527, p4d (4 × 100 Gb/s EFA v1, NCCL 2.9)
    /// ring busbw 31.8 and 29.6 of 50 GB/s at 3 and 4 nodes, the only bandwidth-bound EFA run found; newer EFA generations
    /// may do better.
    /// </remarks>
    public FabricProfile Efa { get; init; } = new(16.0, 100.0, 32, 0.62);

    /// <summary>GPUDirect-TCPX (GCP A3 High): 4 × 200 Gb/s per node, 59 µs per step, 90 % of line rate.</summary>
    /// <remarks>
    /// NICs: A3 High gives the GPUs four 200 Gb/s NICs (eth1–eth4 in the GKE nccl-test chart, gcpa3 rows). Efficiency:
    /// gcpa3-010, NCCL_ALGO=Ring at 8 GiB, busbw 89.5 of 100 GB/s; a3mega-012, 2-node tree, 338.8 = 0.90 × 1.875 × 200
    /// GB/s. Step: a3mega-001, 2×8 H100 8 B all-reduce 135.8 µs ≈ 18 µs inside the nodes + 2 × 59 µs (a TCPXO run; TCPX
    /// assumed alike).
    /// </remarks>
    public FabricProfile Tcpx { get; init; } = new(59.0, 200.0, 4, 0.90);

    /// <summary>GPUDirect-TCPXO (GCP A3 Mega): 8 × 200 Gb/s per node, 59 µs per step, 90 % of line rate.</summary>
    /// <remarks>NICs: A3 Mega, eight 200 Gb/s NICs for the GPUs. Step and efficiency: as <see cref="Tcpx"/> (a3mega-001/012, gcpa3-010).</remarks>
    public FabricProfile Tcpxo { get; init; } = new(59.0, 200.0, 8, 0.90);

    /// <summary>Plain Ethernet over NCCL sockets: one 100 GbE NIC per node [A], 30 µs per step [A], 70 % of line rate [A].</summary>
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
    /// Measured on one cluster: 10 nodes × 1 H100, sendrecv_perf busbw 24.9 GB/s (xxrjun1-018) against 48.9 GB/s for
    /// all_reduce_perf on the same NICs (xxrjun1-006): NCCL spreads a peer connection over few channels
    /// (NCCL_NCHANNELS_PER_NET_PEER), a collective over all of them. One source; an assumption elsewhere.
    /// </remarks>
    public double NetworkPeerToPeerShare { get; init; } = 0.5;

    /// <summary>Fixed cost of one custom all-reduce kernel, µs.</summary>
    /// <remarks>
    /// sglang PR #2904 (H100, no CUDA graph): 3.7 µs for the optimised (TensorRT-LLM-derived) kernel at 2 ranks, against
    /// 9.5 µs for the older vLLM kernel; fitted to the whole table, which lands on the optimised kernel.
    /// </remarks>
    public double CustomAllReduceLaunchLatencyUs { get; init; } = 3.4;

    /// <summary>Extra custom all-reduce latency per peer rank, µs (barrier flags written to every peer).</summary>
    /// <remarks>sglang PR #2904: 512 B optimised 3.7 / 4.8 / 5.9 µs at 2 / 4 / 8 ranks.</remarks>
    public double CustomAllReducePerPeerLatencyUs { get; init; } = 0.33;

    /// <summary>Half-bandwidth size of the custom kernel: it reaches half the NVLink ring plateau only here.</summary>
    /// <remarks>Fitted to sglang PR #2904 (≈ 60 GB/s busbw at 256 KiB–1 MiB for 2–8 ranks, i.e. far below plateau).</remarks>
    public long CustomAllReduceHalfBandwidthBytes { get; init; } = 64L << 20;

    /// <summary>Ramp steepness of the custom kernel.</summary>
    public double CustomAllReduceRampExponent { get; init; } = 0.35;

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

    private static string FabricKey(InterNodeLink link) => link == InterNodeLink.InfiniBand ? "infiniband-ndr" : EnumText.Of(link);

    /// <summary>Every constant with its value, unit and source, for reporting next to an estimate.</summary>
    public IReadOnlyList<Assumption> Assumptions =>
    [
        new("communication.nccl.launch-latency", NcclLaunchLatencyUs, "us", "nccl#1259: 2xH100 NVLSTree + CUDA graphs ~6 us = launch + 2 steps"),
        .. Link("nvswitch", NvSwitch, "step: stasnet-002 8xH200 32 KiB 17.9 us = 4 + 14 steps; efficiency: nccl-tests#212 370 of 450 GB/s"),
        .. Link("nvlink-bridge-ampere", NvLinkBridgeAmpere, "nccl-tests#178: A100 NV12 pair busbw 208 of 300 GB/s"),
        .. Link("nvlink-bridge-hopper", NvLinkBridgeHopper, "nccl-tests#194: 2xH100 PCIe NVLink bridge busbw 116 of 300 GB/s"),
        .. Link("pcie", Pcie, "step: nccl#1530 8xRTX 4090 8 B 42.6 us; efficiency: tinygrad 6xRTX 4090 32 MiB busbw 24.6 of 32 GB/s"),
        .. Link("pcie-cross-socket", PcieCrossSocket, "nccl-tests#178 SYS path ~20 of 32 GB/s; step latency [A]"),
        .. Link("xgmi", Xgmi, "ml-engineering: RCCL 47.7 (2) / 312.9 (8) GB/s on MI300X, 64 GB/s per peer link; step latency [A]"),
        .. Link("pcie-host-staged", PcieHostStaged, "[A] NCCL SHM transport through host memory; 8 B steps ~2.5 us (kalavai 2x/4x RTX 4090); plateau share assumed"),
        new("communication.nvls.full-node-gain", NvlsFullNodeGain, "ratio", "nccl-tests#212, nccl#1455: 480 NVLS / 370 ring at 8 GPUs"),
        new("communication.nvls.no-gain-gpus", NvlsNoGainGpus, "gpus", "nccl#1455: NVLS at 2-4 GPUs ~ ring"),
        new("communication.nvls.full-gain-gpus", NvlsFullGainGpus, "gpus", "nccl#1455: 480 GB/s at 8 GPUs; linear in between [A]"),
        new("communication.nvls.min-nvlink-generation", NvlsMinNvLinkGeneration, "generation", "NVLink SHARP needs Hopper-class NVSwitch"),
        new("communication.nvls.min-bytes", NvlsMinBytes, "bytes", "ml-engineering results: Ring/LL <= 1 MiB, NVLS >= 2 MiB"),
        new("communication.ramp.latency-multiple", RampLatencyMultiple, "ratio", "fitted: stasnet 8xH200 and 4x8 B200 busbw curves"),
        new("communication.ramp.exponent", RampExponent, "exponent", "fitted: stasnet 8xH200 and 4x8 B200 busbw curves"),
        .. Fabric("infiniband-ndr", InfiniBandNdr, "measured: step nccl#1244 2x8 H20 tiny all-reduce 46.5 us; efficiency stasnet-027 4x8 B200 377 GB/s = 8 x 47; NICs DGX H100/B200 8x CX-7 400G"),
        .. Fabric("infiniband-hdr", InfiniBandHdr, "NICs: DGX A100 8x CX-6 HDR 200G; step and efficiency [A] as NDR"),
        .. Fabric("roce", Roce, "[A] planning values: 400 GbE RoCE v2 per GPU; ring runs with unstated NICs reach 0.87-0.92 of 8x400G"),
        .. Fabric("efa", Efa, "NICs: AWS p5.48xlarge 32x100G; step: dstack#3961 2x p6-b200 8 B 50.6 us; efficiency: nccl#527 p4d 3-4 nodes (one source)"),
        .. Fabric("tcpx", Tcpx, "NICs: GCP A3 High 4x200G; efficiency: gcpa3-010 ring 89.5/100, a3mega-012 tree 338.8/(1.875x200); step: a3mega-001 (one source)"),
        .. Fabric("tcpxo", Tcpxo, "NICs: GCP A3 Mega 8x200G; efficiency and step as tcpx (a3mega-001/012, gcpa3-010)"),
        .. Fabric("ethernet", Ethernet, "[A] planning values: NCCL sockets over one 100 GbE NIC per node"),
        new("communication.tree.intra-node-share", TreeIntraNodeShare, "ratio", "NVIDIA/nccl tuning.cc: tree all-reduce busBw x .92"),
        new("communication.sockets.max-throughput", SocketTransportMaxGBps, "GB/s", "[A] one TCP stream per connection by default (NCCL_SOCKET_NTHREADS, NCCL_NSOCKS_PERTHREAD = 1); schmlds-012 2x L40S over sockets 8.1 GB/s"),
        new("communication.p2p.network-share", NetworkPeerToPeerShare, "fraction of a GPU's network bandwidth", "measured (one source): xxrjun1 10x1 H100 sendrecv 24.9 vs all-reduce 48.9 GB/s"),
        new("communication.custom-allreduce.launch-latency", CustomAllReduceLaunchLatencyUs, "us", "fitted: sglang PR #2904 (3.7 us optimised / 9.5 us vLLM kernel at 2 ranks, no CUDA graph)"),
        new("communication.custom-allreduce.per-peer-latency", CustomAllReducePerPeerLatencyUs, "us", "sglang PR #2904: 3.7 / 4.8 / 5.9 us at 2 / 4 / 8 ranks"),
        new("communication.custom-allreduce.half-bandwidth-size", CustomAllReduceHalfBandwidthBytes, "bytes", "fitted: sglang PR #2904 256 KiB-1 MiB rows"),
        new("communication.custom-allreduce.ramp-exponent", CustomAllReduceRampExponent, "exponent", "fitted: sglang PR #2904 rows"),
        new("communication.custom-allreduce.max-bytes", CustomAllReduceMaxBytes, "bytes", "vLLM CustomAllreduce max_size = 8 MiB"),
        new("communication.custom-allreduce.max-ranks", CustomAllReduceMaxRanks, "gpus", "vLLM _SUPPORTED_WORLD_SIZES = [2, 4, 6, 8]"),
        new("communication.custom-allreduce.one-shot-max-bytes-4", CustomAllReduceOneShotMaxBytesUpTo4, "bytes", "vLLM csrc/custom_all_reduce.cuh @c9eabec7: one-shot below 512 KiB up to 4 ranks"),
        new("communication.custom-allreduce.one-shot-max-bytes-8", CustomAllReduceOneShotMaxBytesUpTo8, "bytes", "vLLM csrc/custom_all_reduce.cuh @c9eabec7: one-shot below 256 KiB up to 8 ranks"),
        new("communication.in-engine.all-reduce-overhead", InEngineAllReduceOverheadUs, "us", "[A] rank skew and fused work absorbed per in-engine all-reduce: vllm#52911 10.5-77 us in-engine kernels, aiconfigurator#1062 ~15 us floor, vs 3.7-5.9 us isolated (sglang#2904)"),
    ];

    private static Assumption[] Link(string name, LinkProfile profile, string source) =>
    [
        new($"communication.{name}.step-latency", profile.StepLatencyUs, "us", source),
        new($"communication.{name}.busbw-efficiency", profile.BusBandwidthEfficiency, "fraction of line rate", source),
    ];

    private static Assumption[] Fabric(string name, FabricProfile profile, string source) =>
    [
        new($"communication.{name}.step-latency", profile.StepLatencyUs, "us", source),
        new($"communication.{name}.nic-line-rate", profile.NicGbps, "Gb/s", source),
        new($"communication.{name}.nics-per-node", profile.NicsPerNode ?? 0, "nics (0 = one per GPU)", source),
        new($"communication.{name}.efficiency", profile.Efficiency, "fraction of line rate", source),
    ];
}
