using Sizing.Domain;
using Sizing.Domain.Fidelity;

namespace Sizing.Fidelity;

/// <summary>Builds the error-band file (src/Domain/Fidelity/Data/error-bands.json) from cross-validated predictions.</summary>
/// <remarks>
/// Cells for every family overall, per engine, per GPU class and per engine × GPU class, each with its row count, median
/// and p90 absolute percentage error and the 10th and 90th percentiles of measured over predicted. Rounded to the
/// precision stored (0.1 % and three decimals), so a rebuild from the same predictions gives the same file.
/// </remarks>
public static class BandBuilder
{
    public static ErrorBandDocument Build(IEnumerable<Prediction> heldOut)
    {
        ArgumentNullException.ThrowIfNull(heldOut);
        var answered = heldOut.Where(p => p.Ratio is not null && EnumText.IsValid<FigureFamily>(p.Family)).ToList();
        var cells = new List<BandCell>();
        foreach (var family in answered.GroupBy(p => EnumText.Parse<FigureFamily>(p.Family)).OrderBy(g => g.Key))
        {
            cells.Add(Cell(family.Key, null, null, family));
            cells.AddRange(family.GroupBy(p => p.Engine).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Cell(family.Key, g.Key, null, g)));
            cells.AddRange(family.Where(p => p.GpuClass.Length > 0).GroupBy(p => p.GpuClass).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Cell(family.Key, null, g.Key, g)));
            cells.AddRange(family.Where(p => p.GpuClass.Length > 0).GroupBy(p => (p.Engine, p.GpuClass))
                .OrderBy(g => g.Key.Engine, StringComparer.Ordinal).ThenBy(g => g.Key.GpuClass, StringComparer.Ordinal)
                .Select(g => Cell(family.Key, g.Key.Engine, g.Key.GpuClass, g)));
        }

        return new ErrorBandDocument(CrossValidation.Command, cells);
    }

    public static string Serialize(ErrorBandDocument document) =>
        System.Text.Json.JsonSerializer.Serialize(document, FidelityJsonContext.Default.ErrorBandDocument) + "\n";

    private static BandCell Cell(FigureFamily family, string? engine, string? gpuClass, IEnumerable<Prediction> rows)
    {
        var list = rows.ToList();
        var errors = list.Select(p => p.AbsolutePercentageError!.Value).Order().ToList();
        var ratios = list.Select(p => p.Ratio!.Value).Order().ToList();
        return new BandCell(family, engine, gpuClass, list.Count,
            Math.Round(FidelityReport.Percentile(errors, 0.5), 1), Math.Round(FidelityReport.Percentile(errors, 0.9), 1),
            Math.Round(FidelityReport.Percentile(ratios, 0.1), 3), Math.Round(FidelityReport.Percentile(ratios, 0.9), 3));
    }
}
