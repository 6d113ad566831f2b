using Sizing.Domain.Deployment;
using Sizing.Domain.Units;

namespace Sizing.Domain.Catalog;

/// <summary>One accelerator model as the catalog describes it.</summary>
/// <param name="Id">Kebab-case id, e.g. <c>h100-sxm-80gb</c>.</param>
/// <param name="MemoryGB">Marketed capacity in decimal GB (80 for an H100).</param>
/// <param name="MemoryGiB">Capacity the CUDA/ROCm runtime reports as total (torch.cuda.mem_get_info), in GiB; engines size against this.</param>
/// <param name="MemoryBandwidthGBps">Peak HBM/GDDR bandwidth in 10^9 B/s.</param>
/// <param name="Source">Where the figures come from.</param>
/// <param name="Achievable">What kernels sustain on this GPU (measured); null = the datasheet figures times the priors in
/// <see cref="GpuAchievable.Prior"/>.</param>
public sealed record GpuSpec(
    string Id,
    string Name,
    string Vendor,
    string Architecture,
    double MemoryGB,
    double MemoryGiB,
    string MemoryGiBSource,
    double MemoryBandwidthGBps,
    DenseTflops DenseTflops,
    GpuInterconnect Interconnect,
    GpuNode Node,
    GpuPrice Price,
    string Source,
    GpuAchievable? Achievable = null)
{
    public Bytes Memory => Bytes.FromGiB(MemoryGiB);

    public BytesPerSecond MemoryBandwidth => BytesPerSecond.FromGBps(MemoryBandwidthGBps);

    /// <summary>What kernels sustain on this GPU: the catalog's measured figures, or the datasheet times the priors.</summary>
    public GpuAchievable Sustained => Achievable ?? GpuAchievable.Prior(this);

    /// <summary>Dense tensor throughput for math in <paramref name="precision"/>, or null where the GPU has no such tensor cores.</summary>
    public FlopsPerSecond? TensorThroughput(Precision precision)
    {
        var tflops = DenseTflops.For(precision);
        return tflops is { } value ? FlopsPerSecond.FromTflops(value) : null;
    }
}

/// <summary>What real kernels sustain on one GPU: the hardware facts the step model is built from.</summary>
/// <param name="MemoryBandwidthGBps">Bandwidth a weight-streaming GEMM (a decode step's M ≤ 64 rows) sustains, in 10^9 B/s.</param>
/// <param name="Bf16Tflops">Dense bf16 GEMM throughput at large M on model-shaped matrices.</param>
/// <param name="Fp8Tflops">The same for fp8 (scaled) GEMMs; null where the GPU has no fp8 tensor cores.</param>
/// <param name="Fp4Tflops">The same for fp4 (NVFP4/MXFP4) GEMMs; null where the GPU has no fp4 tensor cores.</param>
/// <param name="GemmLatencyUs">Fixed time every GEMM pays beside its bytes when GEMMs run back to back in a CUDA graph, as
/// engines replay decode steps (ramp-up and tail of one kernel), in µs: time ≈ bytes / bandwidth + latency at decode. It does
/// not shrink when TP splits the matrix.</param>
/// <param name="Source">Where each figure comes from (a measurement, or the sibling GPU it is borrowed from).</param>
/// <remarks>docs/gpu-facts.md summarises the measurements; benchmarks/GpuProbe holds this project's own H200 run.</remarks>
public sealed record GpuAchievable(
    double MemoryBandwidthGBps,
    double Bf16Tflops,
    double? Fp8Tflops,
    double? Fp4Tflops,
    double GemmLatencyUs,
    string Source)
{
    public BytesPerSecond MemoryBandwidth => BytesPerSecond.FromGBps(MemoryBandwidthGBps);

    public Seconds GemmLatency => Seconds.FromMicroseconds(GemmLatencyUs);

    /// <summary>Large-M GEMM throughput in <paramref name="precision"/>: fp8/fp4 where measured, else the 16-bit figure.</summary>
    public FlopsPerSecond Gemm(Precision precision) => FlopsPerSecond.FromTflops(precision switch
    {
        Precision.Fp8 => Fp8Tflops ?? Bf16Tflops,
        Precision.Fp4 => Fp4Tflops ?? Fp8Tflops ?? Bf16Tflops,
        _ => Bf16Tflops,
    });

    /// <summary>Priors for a GPU the catalog gives no measurements for: the fractions this project's H200 probe measured
    /// (benchmarks/GpuProbe: 4.1 of 4.8 TB/s streamed by decode GEMMs, 700 of 989 bf16 and 1,300 of 1,979 fp8 TFLOPS at large
    /// M, 4.5 µs per GEMM in a CUDA graph), fp4 at the B200's measured 53 % (docs/gpu-facts.md).</summary>
    public static GpuAchievable Prior(GpuSpec gpu)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        var t = gpu.DenseTflops;
        return new GpuAchievable(
            gpu.MemoryBandwidthGBps * 0.85, t.Bf16 * 0.71, t.Fp8 * 0.66, t.Fp4 * 0.53, 4.5,
            "prior: the H200 probe's measured fractions of the datasheet (benchmarks/GpuProbe), no measurement of this GPU");
    }
}

/// <summary>Dense (no 2:4 sparsity) tensor-core throughput per operand format, in TFLOPS (TOPS for integers); null = unsupported.</summary>
public sealed record DenseTflops(
    double Fp32,
    double Fp16,
    double Bf16,
    double? Fp8,
    double? Int8,
    double? Int4,
    double? Fp4)
{
    public double? For(Precision precision) => precision switch
    {
        Precision.Fp32 => Fp32,
        Precision.Fp16 => Fp16,
        Precision.Bf16 => Bf16,
        Precision.Fp8 => Fp8,
        Precision.Int8 => Int8,
        Precision.Int4 => Int4,
        Precision.Fp4 => Fp4,
        _ => null,
    };
}

/// <summary>The GPU's links: its scale-up fabric (NVLink or Infinity Fabric) and its PCIe host link.</summary>
/// <param name="ScaleUp">"nvlink", "xgmi" or "none".</param>
/// <param name="ScaleUpGeneration">NVLink generation (3 = A100, 4 = H100, 5 = B200); null where none.</param>
/// <param name="ScaleUpGBpsPerDirection">Per-GPU scale-up line rate in one direction (H100: 450 of the marketed 900 bidirectional).</param>
/// <param name="PcieGeneration">PCIe generation of the host link.</param>
/// <param name="PcieGBpsPerDirection">x16 line rate in one direction (Gen4 32, Gen5 64).</param>
public sealed record GpuInterconnect(
    string ScaleUp,
    int? ScaleUpGeneration,
    double? ScaleUpGBpsPerDirection,
    int PcieGeneration,
    double PcieGBpsPerDirection);

/// <summary>The node shape this GPU usually ships in.</summary>
public sealed record GpuNode(int GpusPerNode, IntraNodeLink IntraNode);

/// <summary>An indicative on-demand price per GPU-hour, with where it was seen.</summary>
public sealed record GpuPrice(double UsdPerHour, string Source);
