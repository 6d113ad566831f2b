using Sizing.Domain.Deployment;
using Sizing.Domain.Units;

namespace Sizing.Domain.Catalog;

/// <summary>One accelerator model as the catalog describes it.</summary>
/// <param name="Id">Kebab-case id, e.g. <c>h100-sxm-80gb</c>.</param>
/// <param name="MemoryGB">Marketed capacity in decimal GB (80 for an H100).</param>
/// <param name="MemoryGiB">Capacity the CUDA/ROCm runtime reports as total (torch.cuda.mem_get_info), in GiB; engines size against this.</param>
/// <param name="MemoryBandwidthGBps">Peak HBM/GDDR bandwidth in 10^9 B/s.</param>
/// <param name="Source">Where the figures come from.</param>
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
    string Source)
{
    public Bytes Memory => Bytes.FromGiB(MemoryGiB);

    public BytesPerSecond MemoryBandwidth => BytesPerSecond.FromGBps(MemoryBandwidthGBps);

    /// <summary>Dense tensor throughput for math in <paramref name="precision"/>, or null where the GPU has no such tensor cores.</summary>
    public FlopsPerSecond? TensorThroughput(Precision precision)
    {
        var tflops = DenseTflops.For(precision);
        return tflops is { } value ? FlopsPerSecond.FromTflops(value) : null;
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
