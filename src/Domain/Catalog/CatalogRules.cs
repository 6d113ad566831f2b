using System.Text.RegularExpressions;
using Sizing.Domain.Deployment;

namespace Sizing.Domain.Catalog;

/// <summary>Checks that a catalog entry is usable: kebab-case id, positive figures, a source.</summary>
internal static partial class CatalogRules
{
    [GeneratedRegex("^[a-z0-9]+(?:[.-][a-z0-9]+)*$")]
    private static partial Regex KebabId();

    public static void CheckGpu(string source, GpuSpec gpu, List<CatalogProblem> problems)
    {
        var id = string.IsNullOrEmpty(gpu.Id) ? "(no id)" : gpu.Id;
        void Positive(string field, double? value)
        {
            if (value is { } v && !(v > 0 && double.IsFinite(v)))
            {
                problems.Add(new CatalogProblem(source, id, field, "must be a positive finite number."));
            }
        }

        CheckId(source, id, gpu.Id, problems);
        Required(source, id, "name", gpu.Name, problems);
        Required(source, id, "source", gpu.Source, problems);
        Required(source, id, "memoryGiBSource", gpu.MemoryGiBSource, problems);
        Positive("memoryGB", gpu.MemoryGB);
        Positive("memoryGiB", gpu.MemoryGiB);
        Positive("memoryBandwidthGBps", gpu.MemoryBandwidthGBps);
        Positive("denseTflops.fp32", gpu.DenseTflops.Fp32);
        Positive("denseTflops.fp16", gpu.DenseTflops.Fp16);
        Positive("denseTflops.bf16", gpu.DenseTflops.Bf16);
        Positive("denseTflops.fp8", gpu.DenseTflops.Fp8);
        Positive("denseTflops.int8", gpu.DenseTflops.Int8);
        Positive("denseTflops.int4", gpu.DenseTflops.Int4);
        Positive("denseTflops.fp4", gpu.DenseTflops.Fp4);
        Positive("interconnect.scaleUpGBpsPerDirection", gpu.Interconnect.ScaleUpGBpsPerDirection);
        Positive("interconnect.pcieGBpsPerDirection", gpu.Interconnect.PcieGBpsPerDirection);
        Positive("price.usdPerHour", gpu.Price.UsdPerHour);
        Required(source, id, "price.source", gpu.Price.Source, problems);
        if (gpu.Node.GpusPerNode is < 1 or > 72)
        {
            problems.Add(new CatalogProblem(source, id, "node.gpusPerNode", "must be between 1 and 72."));
        }

        if (gpu.MemoryGiB > gpu.MemoryGB)
        {
            problems.Add(new CatalogProblem(source, id, "memoryGiB", "the device-reported GiB cannot exceed the marketed GB (1 GiB > 1 GB)."));
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
