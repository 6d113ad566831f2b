using Sizing.Fidelity;

namespace Sizing.Domain.Tests.Fidelity;

/// <summary>docs/calibration.md lists the measured sets and the source documents cross-validation holds out.</summary>
public sealed class CalibrationDocTests
{
    [Fact]
    public void CalibrationDoc_ListsEverySetAndSourceDocument()
    {
        var doc = File.ReadAllText(RepositoryPaths.PathOf("docs/calibration.md"));
        var files = CaseSets.Files(CaseSets.DefaultFolder);

        var missing = files.Select(Path.GetFileName).Concat(CaseSets.Read(files).Select(r => r.Document).Distinct(StringComparer.Ordinal))
            .Where(name => !doc.Contains($"| {name} |", StringComparison.Ordinal)).ToList();

        Assert.True(missing.Count == 0, "docs/calibration.md does not list (dotnet run --project benchmarks/Fidelity -c Release -- --sources): " + string.Join("; ", missing));
    }
}
