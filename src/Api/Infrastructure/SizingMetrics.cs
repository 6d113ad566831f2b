using System.Diagnostics.Metrics;

namespace Sizing.Api.Infrastructure;

/// <summary>The service's own instruments (Meter "Sizing"), exported with the ASP.NET Core ones at <c>/metrics</c>.</summary>
/// <remarks>Registered as a singleton; the meter comes from <see cref="IMeterFactory"/> so each host (and each test host) has its own.</remarks>
public sealed class SizingMetrics
{
    public const string MeterName = "Sizing";

    private readonly Counter<long> _candidatesEvaluated;
    private readonly Counter<long> _validationFailures;

    public SizingMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _candidatesEvaluated = meter.CreateCounter<long>(
            "sizing.recommendation.candidates_evaluated", "{candidate}", "Deployment candidates the recommendation search evaluated.");
        _validationFailures = meter.CreateCounter<long>(
            "sizing.validation.failures", "{request}", "Requests answered 400 because a field was missing, malformed or invalid.");
    }

    /// <summary>Adds the candidates one recommendation search evaluated.</summary>
    public void RecordCandidatesEvaluated(long count) => _candidatesEvaluated.Add(count);

    /// <summary>Counts one rejected request; <paramref name="endpoint"/> is the route template, e.g. <c>v1/estimates</c>.</summary>
    public void RecordValidationFailure(string endpoint) =>
        _validationFailures.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint));
}
