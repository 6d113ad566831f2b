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

    /// <summary>InfiniBand NDR, one 400 Gb/s NIC per GPU: 14 µs per inter-node step, 94 % of 50 GB/s.</summary>
    /// <remarks>
    /// Step: nccl#1244, 2×8 H20 over CX7 NDR, tiny all-reduce 46.5 µs ≈ 17.9 µs intra + 2 × 14 µs. Efficiency: 4×8 B200
    /// all-reduce busbw 377 GB/s at 16 GiB (stasnet-027) = 8 × 47 GB/s per NIC.
    /// </remarks>
    public FabricProfile InfiniBand { get; init; } = new(14.0, 50.0, null, 0.94);

    /// <summary>RoCE v2, one 400 Gb/s NIC per GPU: 16 µs per step [A], 85 % of line rate [A].</summary>
    public FabricProfile Roce { get; init; } = new(16.0, 50.0, null, 0.85);

    /// <summary>Plain Ethernet over NCCL sockets: one 100 GbE NIC per node [A], 30 µs per step [A], 70 % of line rate [A].</summary>
    public FabricProfile Ethernet { get; init; } = new(30.0, 12.5, 1, 0.70);

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

    /// <summary>Buffers below this use the one-shot kernel on more than 2 ranks; larger ones the two-shot kernel.</summary>
    /// <remarks>vLLM custom_all_reduce.cuh dispatch (one-shot for 2 ranks or small buffers) [A: threshold as recalled].</remarks>
    public long CustomAllReduceOneShotMaxBytes { get; init; } = 512L << 10;

    /// <summary>The profile of an intra-node link type (NVLink bridges by generation).</summary>
    public LinkProfile For(IntraNodeLink link, int? nvLinkGeneration) => link switch
    {
        IntraNodeLink.NvSwitch => NvSwitch,
        IntraNodeLink.NvLinkBridge => nvLinkGeneration >= 4 ? NvLinkBridgeHopper : NvLinkBridgeAmpere,
        IntraNodeLink.PcieCrossSocket => PcieCrossSocket,
        IntraNodeLink.Xgmi => Xgmi,
        _ => Pcie,
    };

    /// <summary>The profile of an inter-node fabric.</summary>
    public FabricProfile For(InterNodeLink link) => link switch
    {
        InterNodeLink.Roce => Roce,
        InterNodeLink.Ethernet => Ethernet,
        _ => InfiniBand,
    };

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
        new("communication.nvls.full-node-gain", NvlsFullNodeGain, "ratio", "nccl-tests#212, nccl#1455: 480 NVLS / 370 ring at 8 GPUs"),
        new("communication.nvls.no-gain-gpus", NvlsNoGainGpus, "gpus", "nccl#1455: NVLS at 2-4 GPUs ~ ring"),
        new("communication.nvls.full-gain-gpus", NvlsFullGainGpus, "gpus", "nccl#1455: 480 GB/s at 8 GPUs; linear in between [A]"),
        new("communication.nvls.min-nvlink-generation", NvlsMinNvLinkGeneration, "generation", "NVLink SHARP needs Hopper-class NVSwitch"),
        new("communication.nvls.min-bytes", NvlsMinBytes, "bytes", "ml-engineering results: Ring/LL <= 1 MiB, NVLS >= 2 MiB"),
        new("communication.ramp.latency-multiple", RampLatencyMultiple, "ratio", "fitted: stasnet 8xH200 and 4x8 B200 busbw curves"),
        new("communication.ramp.exponent", RampExponent, "exponent", "fitted: stasnet 8xH200 and 4x8 B200 busbw curves"),
        .. Fabric("infiniband", InfiniBand, "step: nccl#1244 2x8 H20 tiny all-reduce 46.5 us; efficiency: stasnet-027 4x8 B200 377 GB/s = 8 x 47"),
        .. Fabric("roce", Roce, "[A] planning values: 400 GbE RoCE v2 per GPU"),
        .. Fabric("ethernet", Ethernet, "[A] planning values: NCCL sockets over one 100 GbE NIC per node"),
        new("communication.custom-allreduce.launch-latency", CustomAllReduceLaunchLatencyUs, "us", "fitted: sglang PR #2904 (3.7 us optimised / 9.5 us vLLM kernel at 2 ranks, no CUDA graph)"),
        new("communication.custom-allreduce.per-peer-latency", CustomAllReducePerPeerLatencyUs, "us", "sglang PR #2904: 3.7 / 4.8 / 5.9 us at 2 / 4 / 8 ranks"),
        new("communication.custom-allreduce.half-bandwidth-size", CustomAllReduceHalfBandwidthBytes, "bytes", "fitted: sglang PR #2904 256 KiB-1 MiB rows"),
        new("communication.custom-allreduce.ramp-exponent", CustomAllReduceRampExponent, "exponent", "fitted: sglang PR #2904 rows"),
        new("communication.custom-allreduce.max-bytes", CustomAllReduceMaxBytes, "bytes", "vLLM CustomAllreduce max_size = 8 MiB"),
        new("communication.custom-allreduce.max-ranks", CustomAllReduceMaxRanks, "gpus", "vLLM _SUPPORTED_WORLD_SIZES = [2, 4, 6, 8]"),
        new("communication.custom-allreduce.one-shot-max-bytes", CustomAllReduceOneShotMaxBytes, "bytes", "vLLM custom_all_reduce.cuh dispatch [A]"),
    ];

    private static Assumption[] Link(string name, LinkProfile profile, string source) =>
    [
        new($"communication.{name}.step-latency", profile.StepLatencyUs, "us", source),
        new($"communication.{name}.busbw-efficiency", profile.BusBandwidthEfficiency, "fraction of line rate", source),
    ];

    private static Assumption[] Fabric(string name, FabricProfile profile, string source) =>
    [
        new($"communication.{name}.step-latency", profile.StepLatencyUs, "us", source),
        new($"communication.{name}.nic-line-rate", profile.NicGBpsPerDirection, "GB/s", source),
        new($"communication.{name}.nics-per-node", profile.NicsPerNode ?? 0, "nics (0 = one per GPU)", source),
        new($"communication.{name}.efficiency", profile.Efficiency, "fraction of line rate", source),
    ];
}
