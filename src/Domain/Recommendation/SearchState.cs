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

    /// <summary>The first rejection of a configuration (server, weights, TP, PP, EP), for the plans' reasons; the rejections of
    /// one server and weight format are indexed the first time a plan asks about them.</summary>
    public Rejection? FirstRejection(HardwareOption hardware, Deployment.Precision weights, int tensor, int pipeline, int expert)
    {
        var index = _rejectionIndex.Find(i => ReferenceEquals(i.Hardware, hardware) && i.Weights == weights).Layouts;
        if (index is null)
        {
            index = [];
            foreach (var r in Rejections)
            {
                if (ReferenceEquals(r.Hardware, hardware) && r.Weights == weights)
                {
                    index.TryAdd((r.Parallelism.Tensor, r.Parallelism.Pipeline, r.Parallelism.Expert), r);
                }
            }

            _rejectionIndex.Add((hardware, weights, index));
        }

        return index.GetValueOrDefault((tensor, pipeline, expert));
    }

    private readonly List<(HardwareOption Hardware, Deployment.Precision Weights, Dictionary<(int, int, int), Rejection> Layouts)> _rejectionIndex = [];

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
