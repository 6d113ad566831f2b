using System.Globalization;
using System.Text.RegularExpressions;
using Sizing.Domain.Deployment;

namespace Sizing.Domain.Catalog;

/// <summary>Checks that a catalog entry is usable: kebab-case id, positive figures, a source.</summary>
internal static partial class CatalogRules
{
    [GeneratedRegex("^[a-z0-9]+(?:[.-][a-z0-9]+)*$")]
    private static partial Regex KebabId();

    /// <summary>Physical ranges for GPU figures: well beyond every catalogued device (largest today: 288 GB, 8 TB/s, 10 PFLOPS
    /// dense FP4, 900 GB/s NVLink 5), and far enough above zero that no ratio over them can overflow to infinity.</summary>
    private static readonly (string Field, Func<GpuSpec, double?> Value, double Min, double Max, string Unit)[] GpuRanges =
    [
        ("memoryGB", g => g.MemoryGB, 1, 4096, "GB"),
        ("memoryGiB", g => g.MemoryGiB, 1, 4096, "GiB"),
        ("memoryBandwidthGBps", g => g.MemoryBandwidthGBps, 10, 100_000, "GB/s"),
        ("denseTflops.fp32", g => g.DenseTflops.Fp32, 0.1, 100_000, "TFLOPS"),
        ("denseTflops.fp16", g => g.DenseTflops.Fp16, 0.1, 100_000, "TFLOPS"),
        ("denseTflops.bf16", g => g.DenseTflops.Bf16, 0.1, 100_000, "TFLOPS"),
        ("denseTflops.fp8", g => g.DenseTflops.Fp8, 0.1, 100_000, "TFLOPS"),
        ("denseTflops.int8", g => g.DenseTflops.Int8, 0.1, 100_000, "TOPS"),
        ("denseTflops.int4", g => g.DenseTflops.Int4, 0.1, 100_000, "TOPS"),
        ("denseTflops.fp4", g => g.DenseTflops.Fp4, 0.1, 100_000, "TFLOPS"),
        ("interconnect.scaleUpGBpsPerDirection", g => g.Interconnect.ScaleUpGBpsPerDirection, 1, 100_000, "GB/s"),
        ("interconnect.pcieGBpsPerDirection", g => g.Interconnect.PcieGBpsPerDirection, 1, 10_000, "GB/s"),
        ("interconnect.scaleUpGeneration", g => g.Interconnect.ScaleUpGeneration, 1, 20, ""),
        ("interconnect.pcieGeneration", g => g.Interconnect.PcieGeneration, 1, 20, ""),
        ("price.usdPerHour", g => g.Price.UsdPerHour, 0.001, 10_000, "USD per hour"),
    ];

    private static readonly string[] ScaleUpFabrics = ["nvlink", "xgmi", "none"];

    public static void CheckGpu(string source, GpuSpec gpu, List<CatalogProblem> problems)
    {
        var id = string.IsNullOrEmpty(gpu.Id) ? "(no id)" : gpu.Id;
        CheckId(source, id, gpu.Id, problems);
        Required(source, id, "name", gpu.Name, problems);
        Required(source, id, "source", gpu.Source, problems);
        Required(source, id, "memoryGiBSource", gpu.MemoryGiBSource, problems);
        Required(source, id, "price.source", gpu.Price.Source, problems);
        foreach (var (field, value, min, max, unit) in GpuRanges)
        {
            if (value(gpu) is { } v && !(v >= min && v <= max))
            {
                problems.Add(new CatalogProblem(source, id, field, string.Create(CultureInfo.InvariantCulture,
                    $"{v} is outside the physical range {min}–{max:N0}{(unit.Length > 0 ? " " + unit : "")} (a typo or a unit mix-up).")));
            }
        }

        if (gpu.Node.GpusPerNode is < 1 or > 72)
        {
            problems.Add(new CatalogProblem(source, id, "node.gpusPerNode", "must be between 1 and 72."));
        }

        if (gpu.MemoryGiB > gpu.MemoryGB)
        {
            problems.Add(new CatalogProblem(source, id, "memoryGiB", "the device-reported GiB cannot exceed the marketed GB (1 GiB > 1 GB)."));
        }

        if (!ScaleUpFabrics.Contains(gpu.Interconnect.ScaleUp))
        {
            problems.Add(new CatalogProblem(source, id, "interconnect.scaleUp", "must be nvlink, xgmi or none."));
        }
        else if (gpu.Interconnect.ScaleUp != "none" && gpu.Interconnect.ScaleUpGBpsPerDirection is null)
        {
            problems.Add(new CatalogProblem(source, id, "interconnect.scaleUpGBpsPerDirection", $"is required with a {gpu.Interconnect.ScaleUp} scale-up fabric."));
        }
    }

    public static void CheckModelEntry(string source, ModelEntry entry, List<CatalogProblem> problems)
    {
        var id = string.IsNullOrEmpty(entry.Id) ? "(no id)" : entry.Id;
        CheckId(source, id, entry.Id, problems);
        Required(source, id, "name", entry.Name, problems);
        Required(source, id, "source", entry.Source, problems);
    }

    public static void CheckCheckpoint(string source, Checkpoint checkpoint, List<CatalogProblem> problems)
    {
        var id = string.IsNullOrEmpty(checkpoint.Repository) ? "(no repository)" : checkpoint.Repository;
        CheckId(source, id, checkpoint.Model, problems);
        Required(source, id, "source", checkpoint.Source, problems);
        if (!HfRepository().IsMatch(checkpoint.Repository))
        {
            problems.Add(new CatalogProblem(source, id, "repository", "must be a Hugging Face repository id, owner/name."));
        }

        if (checkpoint.Format.IsSixteenBitOrWider() != (checkpoint.QuantMethod is null))
        {
            problems.Add(new CatalogProblem(source, id, "quantMethod", "a quantized checkpoint names its config.json quant_method; a 16-bit one has none."));
        }

        if (checkpoint.Vendor is not (null or "nvidia" or "amd"))
        {
            problems.Add(new CatalogProblem(source, id, "vendor", "must be nvidia, amd or absent."));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    private static partial Regex HfRepository();

    private static void CheckId(string source, string id, string value, List<CatalogProblem> problems)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 64 || !KebabId().IsMatch(value))
        {
            problems.Add(new CatalogProblem(source, id, "id", "must be a kebab-case id of at most 64 characters (e.g. h100-sxm-80gb)."));
        }
    }

    private static void Required(string source, string id, string field, string? value, List<CatalogProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add(new CatalogProblem(source, id, field, "is required."));
        }
    }
}
