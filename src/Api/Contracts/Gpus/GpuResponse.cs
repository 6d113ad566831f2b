using Sizing.Domain;
using Sizing.Domain.Catalog;

namespace Sizing.Api.Contracts.Gpus;

/// <summary>One GPU of the hardware catalog.</summary>
/// <param name="Id">Catalog id used in requests.</param>
/// <param name="Name">Marketing name.</param>
/// <param name="Vendor">nvidia | amd.</param>
/// <param name="Architecture">GPU generation, e.g. hopper.</param>
/// <param name="MemoryGB">Marketed memory in decimal GB (10^9 bytes).</param>
/// <param name="MemoryGiB">Memory the CUDA runtime reports as total, in GiB (2^30 bytes); engines size against this.</param>
/// <param name="MemoryBandwidthGBps">Peak memory bandwidth in GB/s (10^9 bytes/s).</param>
/// <param name="DenseTflops">Dense (not 2:4 sparse) tensor TFLOPS per operand format; null = no tensor cores for it.</param>
/// <param name="Interconnect">Scale-up link and PCIe host link.</param>
/// <param name="Node">The node shape this GPU usually ships in.</param>
/// <param name="PriceUsdPerHour">Indicative on-demand price per GPU-hour in US dollars.</param>
/// <param name="PriceSource">Where the price was seen.</param>
/// <param name="Source">Where the specifications come from.</param>
public sealed record GpuResponse(
    string Id,
    string Name,
    string Vendor,
    string Architecture,
    double MemoryGB,
    double MemoryGiB,
    double MemoryBandwidthGBps,
    DenseTflopsResponse DenseTflops,
    InterconnectResponse Interconnect,
    NodeResponse Node,
    double PriceUsdPerHour,
    string PriceSource,
    string Source);

/// <summary>Dense tensor throughput in TFLOPS (TOPS for integer formats); null where unsupported.</summary>
/// <param name="Fp32">FP32 (non-tensor) TFLOPS.</param>
/// <param name="Fp16">FP16 tensor TFLOPS.</param>
/// <param name="Bf16">BF16 tensor TFLOPS.</param>
/// <param name="Fp8">FP8 tensor TFLOPS (Hopper, Ada, Blackwell, MI300).</param>
/// <param name="Int8">INT8 tensor TOPS.</param>
/// <param name="Int4">INT4 tensor TOPS (Ampere, Ada).</param>
/// <param name="Fp4">FP4 tensor TFLOPS (Blackwell).</param>
public sealed record DenseTflopsResponse(double Fp32, double Fp16, double Bf16, double? Fp8, double? Int8, double? Int4, double? Fp4);

/// <summary>The GPU's links.</summary>
/// <param name="ScaleUp">nvlink | xgmi | none.</param>
/// <param name="ScaleUpGeneration">NVLink generation (4 = H100); null where none.</param>
/// <param name="ScaleUpGBpsPerDirection">Scale-up line rate per GPU in one direction, GB/s (H100: 450 of the marketed 900 bidirectional).</param>
/// <param name="PcieGeneration">PCIe generation of the host link.</param>
/// <param name="PcieGBpsPerDirection">PCIe x16 line rate in one direction, GB/s.</param>
public sealed record InterconnectResponse(string ScaleUp, int? ScaleUpGeneration, double? ScaleUpGBpsPerDirection, int PcieGeneration, double PcieGBpsPerDirection);

/// <summary>The usual node.</summary>
/// <param name="GpusPerNode">GPUs in one server (or NVLink domain).</param>
/// <param name="IntraNode">nvswitch | nvlink-bridge | pcie | pcie-cross-socket | xgmi.</param>
public sealed record NodeResponse(int GpusPerNode, string IntraNode);

public static class GpuMapping
{
    public static GpuResponse ToResponse(this GpuSpec gpu)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        var t = gpu.DenseTflops;
        var link = gpu.Interconnect;
        return new GpuResponse(
            gpu.Id, gpu.Name, gpu.Vendor, gpu.Architecture, gpu.MemoryGB, gpu.MemoryGiB, gpu.MemoryBandwidthGBps,
            new DenseTflopsResponse(t.Fp32, t.Fp16, t.Bf16, t.Fp8, t.Int8, t.Int4, t.Fp4),
            new InterconnectResponse(link.ScaleUp, link.ScaleUpGeneration, link.ScaleUpGBpsPerDirection, link.PcieGeneration, link.PcieGBpsPerDirection),
            new NodeResponse(gpu.Node.GpusPerNode, EnumText.Of(gpu.Node.IntraNode)),
            gpu.Price.UsdPerHour, gpu.Price.Source, gpu.Source);
    }
}
