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

    /// <summary>InfiniBand NDR, one 400 Gb/s NIC per GPU (50 GB/s, measured); step latency prior 10 µs and efficiency prior 0.85, fitted.</summary>
    /// <remarks>nccl#1244 (2×8 H20 over CX7 NDR, tiny all-reduce 46.5 µs) and the 4×8 B200 curve (377 GB/s busbw at 16 GiB) are among its rows.</remarks>
    public FabricProfile InfiniBand { get; init; } = new(10.0, 50.0, null, 0.85);

    /// <summary>RoCE v2, one 400 Gb/s NIC per GPU: 16 µs per step [A], 85 % of line rate [A].</summary>
    public FabricProfile Roce { get; init; } = new(16.0, 50.0, null, 0.85);

    /// <summary>Plain Ethernet over NCCL sockets: one 100 GbE NIC per node [A], 30 µs per step [A], 70 % of line rate [A].</summary>
    public FabricProfile Ethernet { get; init; } = new(30.0, 12.5, 1, 0.70);

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

    /// <summary>A copy with <paramref name="link"/>'s fabric profile replaced.</summary>
    public CommunicationAssumptions With(InterNodeLink link, FabricProfile profile) => link switch
    {
        InterNodeLink.Roce => this with { Roce = profile },
        InterNodeLink.Ethernet => this with { Ethernet = profile },
        _ => this with { InfiniBand = profile },
    };

    /// <summary>The profile of an inter-node fabric.</summary>
    public FabricProfile For(InterNodeLink link) => link switch
    {
        InterNodeLink.Roce => Roce,
        InterNodeLink.Ethernet => Ethernet,
        _ => InfiniBand,
    };

    /// <summary>Every constant with its value, unit, basis and source, for reporting next to an estimate.</summary>
    public IReadOnlyList<Assumption> Assumptions =>
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
        Measured("communication.nvls.full-node-gain", NvlsFullNodeGain, "ratio", "nccl-tests#212: 480 NVLS / 370 ring at 8 GPUs"),
        Measured("communication.nvls.no-gain-gpus", NvlsNoGainGpus, "gpus", "nccl#1455: NVLS at 2-4 GPUs ~ ring"),
        Assumed("communication.nvls.full-gain-gpus", NvlsFullGainGpus, "gpus", "full gain at a full 8-GPU node, linear from 4 [A]"),
        Measured("communication.nvls.min-nvlink-generation", NvlsMinNvLinkGeneration, "generation", "NVLink SHARP needs Hopper-class NVSwitch"),
        Measured("communication.nvls.min-bytes", NvlsMinBytes, "bytes", "ml-engineering results: Ring/LL <= 1 MiB, NVLS >= 2 MiB"),
        Fitted("communication.ramp.latency-multiple", RampLatencyMultiple),
        Fitted("communication.ramp.exponent", RampExponent),
        .. Fabric(InterNodeLink.InfiniBand, InfiniBand, AssumptionBasis.Measured, "NDR: one 400 Gb/s NIC per GPU (HGX/DGX rail-optimised nodes)"),
        .. Fabric(InterNodeLink.Roce, Roce, AssumptionBasis.Assumption, "[A] planning values: 400 GbE RoCE v2 per GPU"),
        .. Fabric(InterNodeLink.Ethernet, Ethernet, AssumptionBasis.Assumption, "[A] planning values: NCCL sockets over one 100 GbE NIC per node"),
        Fitted("communication.custom-allreduce.launch-latency", CustomAllReduceLaunchLatencyUs),
        Fitted("communication.custom-allreduce.per-peer-latency", CustomAllReducePerPeerLatencyUs),
        Fitted("communication.custom-allreduce.half-bandwidth-size", CustomAllReduceHalfBandwidthBytes),
        Fitted("communication.custom-allreduce.ramp-exponent", CustomAllReduceRampExponent),
        Measured("communication.custom-allreduce.max-bytes", CustomAllReduceMaxBytes, "bytes", "vLLM CustomAllreduce max_size = 8 MiB"),
        Measured("communication.custom-allreduce.max-ranks", CustomAllReduceMaxRanks, "gpus", "vLLM _SUPPORTED_WORLD_SIZES = [2, 4, 6, 8]"),
        Assumed("communication.custom-allreduce.one-shot-max-bytes", CustomAllReduceOneShotMaxBytes, "bytes", "vLLM custom_all_reduce.cuh dispatch, threshold as recalled [A]"),
    ];

    private static Assumption Fitted(string key, double value) => FittedParameters.Find(key)!.Describe(value);

    private static Assumption Measured(string name, double value, string unit, string source) => new(name, value, unit, AssumptionBasis.Measured, source);

    private static Assumption Assumed(string name, double value, string unit, string source) => new(name, value, unit, AssumptionBasis.Assumption, source);

    private static Assumption[] Fabric(InterNodeLink link, FabricProfile profile, AssumptionBasis lineRateBasis, string lineRateSource)
    {
        var name = EnumText.Of(link);
        return
        [
            Fitted($"communication.{name}.step-latency", profile.StepLatencyUs),
            new($"communication.{name}.nic-line-rate", profile.NicGBpsPerDirection, "GB/s", lineRateBasis, lineRateSource),
            new($"communication.{name}.nics-per-node", profile.NicsPerNode ?? 0, "nics (0 = one per GPU)", lineRateBasis, lineRateSource),
            Fitted($"communication.{name}.efficiency", profile.Efficiency),
        ];
    }
}
