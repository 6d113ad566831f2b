using System.Collections.Frozen;
using System.Text.Json;
using Sizing.Domain.Performance;

namespace Sizing.Domain.Fidelity;

/// <summary>The fits on all measured rows, as benchmarks/Fidelity <c>--fit</c> wrote them (embedded Data/fits.json).</summary>
/// <param name="Command">The command that wrote the file.</param>
/// <param name="Groups">One entry per fit group of <see cref="FittedParameters"/>.</param>
public sealed record FitDocument(string Command, IReadOnlyList<GroupFit> Groups);

/// <summary>One group's fit on every measured row it is fitted on.</summary>
/// <param name="Group">The group name (<see cref="FittedParameter.Group"/>).</param>
/// <param name="Rows">Which rows it is fitted on, in words.</param>
/// <param name="RowCount">How many rows it was fitted on; 0 = none, the priors stand.</param>
/// <param name="Sources">The source documents of those rows.</param>
/// <param name="TrainingSources">Every source document the fit depended on: its own rows' and those of the groups fitted before it whose
/// constants its rows use. Cross-validation holds a source out of every fit whose training sources include it.</param>
/// <param name="Values">The fitted value of each parameter of the group, by key.</param>
/// <param name="Identifying">For each parameter, the source documents whose rows identify it: rows whose prediction moves when it
/// moves. A parameter no row identifies stays at its prior; one identified by fewer than <see cref="FittedParameter.MinimumSources"/>
/// sources is reported as an assumption.</param>
public sealed record GroupFit(
    string Group,
    string Rows,
    int RowCount,
    IReadOnlyList<string> Sources,
    IReadOnlyList<string> TrainingSources,
    IReadOnlyDictionary<string, double> Values,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Identifying);

/// <summary>Applies the embedded fits to the priors: the service's constants are the fits on all measured rows.</summary>
public static class FittedConstants
{
    public const string ResourceName = "Sizing.Domain.Fidelity.fits.json";

    public static FitDocument Document { get; } = Load();

    private static readonly FrozenDictionary<string, GroupFit> ByGroup = Document.Groups.ToFrozenDictionary(g => g.Group, StringComparer.Ordinal);

    /// <summary>The fit of one group, or null where the file has none (a group added since the last <c>--fit</c>).</summary>
    public static GroupFit? For(string group) => ByGroup.GetValueOrDefault(group);

    /// <summary><paramref name="assumptions"/> with every fitted constant of <paramref name="fits"/> set.</summary>
    public static EstimatorAssumptions Apply(EstimatorAssumptions assumptions, IEnumerable<GroupFit> fits)
    {
        ArgumentNullException.ThrowIfNull(assumptions);
        ArgumentNullException.ThrowIfNull(fits);
        foreach (var fit in fits)
        {
            assumptions = Apply(assumptions, fit.Values);
        }

        return assumptions;
    }

    /// <summary><paramref name="assumptions"/> with each parameter named in <paramref name="values"/> set.</summary>
    /// <remarks>A key the registry no longer has is skipped, so a stale file never stops the fidelity program that rewrites it;
    /// the fidelity tests fail on it.</remarks>
    public static EstimatorAssumptions Apply(EstimatorAssumptions assumptions, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(assumptions);
        ArgumentNullException.ThrowIfNull(values);
        foreach (var (key, value) in values)
        {
            if (FittedParameters.Find(key) is { } parameter)
            {
                assumptions = parameter.Set(assumptions, value);
            }
        }

        return assumptions;
    }

    public static FitDocument Parse(Stream json) =>
        JsonSerializer.Deserialize(json, FidelityJsonContext.Default.FitDocument) ?? throw new InvalidDataException("empty fit document");

    private static FitDocument Load()
    {
        using var stream = EmbeddedResource.Open(ResourceName);
        return Parse(stream);
    }
}
