using Sizing.Domain.Performance;

namespace Sizing.Domain.Recommendation;

/// <summary>What one search has found so far.</summary>
internal sealed class SearchState(RecommendationInput input, EstimatorAssumptions assumptions)
{
    public RecommendationInput Input { get; } = input;

    public EstimatorAssumptions Assumptions { get; } = assumptions;

    public long Candidates { get; set; }

    public bool Truncated { get; private set; }

    public List<Candidate> Found { get; } = [];

    public List<Rejection> Rejections { get; } = [];

    public List<LayoutEvaluation> Layouts { get; } = [];

    /// <summary>Layouts that passed screening, in the order they were found, waiting to be loaded.</summary>
    public List<ScreenedLayout> Screened { get; } = [];

    public Dictionary<LayoutKey, LayoutOutcome> Outcomes { get; } = [];

    public void Reject(Rejection rejection) => Rejections.Add(rejection);

    /// <summary>True once the caller's time budget is spent; the search then stops and says so.</summary>
    public bool OutOfTime()
    {
        if (!Truncated && Input.Stop.IsCancellationRequested)
        {
            Truncated = true;
        }

        return Truncated;
    }
}
